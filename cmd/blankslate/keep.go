package main

import (
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/keep"
)

// Previous roots (package keep): before every rollback a keep that a power cut
// interrupted is finished; then, with "keep": {"roots": N}, the root is kept
// instead of discarded, and the oldest kept roots beyond N are destroyed. A
// failure is logged and the rollback goes on: it resets the root or refuses
// with its own message.

// powerCutEnv names the step after which blankslate cuts the power (rename,
// clone, promote or prune). It exists ONLY for the VM power-cut tests
// (testvm/guest/scenarios/keep-power-cut.sh) and is read only from the
// environment: never from the configuration or the kernel command line, which
// a unit in a real initrd could pass on.
const powerCutEnv = "BLANKSLATE_TEST_POWER_CUT"

func keepRequest(rec *event.Recorder, cfg *config.Config) keep.Request {
	return keep.Request{Dataset: cfg.Dataset, Snapshot: cfg.Snapshot, Roots: cfg.KeepRoots(),
		Now: time.Now(), Log: rec.Log, AfterStep: powerCut(rec)}
}

// repairKept finishes an interrupted keep; it runs with keep on or off.
func repairKept(rec *event.Recorder, z *libzfs.Handle, cfg *config.Config) {
	did, err := keep.Repair(z, keepRequest(rec, cfg))
	if err != nil {
		rec.Log.Errorf("keep: [failed] repairing an interrupted keep: %v; the rollback goes on", err)
	}
	if len(did) > 0 {
		rec.Log.Warnf("keep: [repaired] %s", strings.Join(did, "; "))
	}
}

// keepRoot keeps this boot's root when the configuration asks for it.
func keepRoot(rec *event.Recorder, z *libzfs.Handle, cfg *config.Config) {
	res, err := keep.Keep(z, keepRequest(rec, cfg))
	if err != nil {
		rec.Log.Errorf("keep: [failed] %v; the rollback goes on", err)
		return
	}
	if res.Kept != "" {
		rec.Log.Infof("keep: [finished] kept %s; %d older kept root(s) pruned", res.Kept, len(res.Pruned))
	}
}

// powerCut returns the test hook that powers the machine off, without syncing,
// right after the step named in powerCutEnv; nil when it is not set.
func powerCut(rec *event.Recorder) func(string) {
	want := os.Getenv(powerCutEnv)
	if want == "" {
		return nil
	}
	return func(step string) {
		if step != want {
			return
		}
		rec.Log.Warnf("keep: TEST POWER CUT after the %s step (%s=%s)", step, powerCutEnv, want)
		if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
			rec.Log.Errorf("keep: the test power cut failed: %v", err)
			os.Exit(exitFailed)
		}
	}
}
