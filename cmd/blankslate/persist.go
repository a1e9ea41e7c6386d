package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/mounts"
)

// defaultRoot is where the systemd initrd mounts the new root.
const defaultRoot = "/sysroot"

func runPersist(args []string, stderr io.Writer) int {
	var c common
	if !parseFlags("persist", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.StringVar(&c.root, "root", defaultRoot, "the new root `dir`ectory")
		fs.BoolVar(&c.force, "force", false, "act even outside an initrd")
	}) {
		return exitUsage
	}
	if !filepath.IsAbs(c.root) || filepath.Clean(c.root) != c.root {
		fmt.Fprintf(stderr, "blankslate persist: --root %q must be an absolute, clean path such as /sysroot\n", c.root)
		return exitUsage
	}
	rec := event.New()
	step := &step{rec: rec, name: "persist", notDone: "the persisted paths were NOT all attached", policy: policyOf(c.config)}
	if !c.force && !inInitrd() {
		return step.refuseOutsideInitrd("mount over paths")
	}
	cfg, from, err := config.Load(c.config)
	if err != nil {
		return step.fail("config-invalid", err, exitUsage)
	}
	step.policy = cfg.OnFailure
	persistRoot := joinRoot(c.root, cfg.PersistRoot)
	rec.Log.Infof("persist: [started] %d entries from %s into %s (configuration: %s)", len(cfg.Entries), persistRoot, c.root, from)
	if err := requireMountPoint(persistRoot); err != nil {
		return step.fail("persist-failed", err, exitFailed)
	}
	res, failed := applyPlan(rec, c.root, persistRoot, mounts.Plan(cfg, persistRoot))
	saveAudit(rec, persistRoot, cfg)
	if failed > 0 {
		return step.fail("persist-failed", fmt.Errorf("%d of %d entries were not attached; the lines above say which and why", failed, len(cfg.Entries)), exitFailed)
	}
	rec.Record("persist-done", journal.PriNotice,
		fmt.Sprintf("persist: [finished] %d entries attached from %s (%s)", len(res.Outcomes), persistRoot, short(res.Took)),
		map[string]string{"entries": strconv.Itoa(len(res.Outcomes)), "took": short(res.Took).String()})
	return exitOK
}

// applyPlan applies the entries whose owners resolved and counts every failure.
func applyPlan(rec *event.Recorder, root, persistRoot string, plan []mounts.Planned) (mounts.Result, int) {
	var entries []mounts.Entry
	failed := 0
	for _, p := range plan {
		if p.Err != nil {
			rec.Log.Errorf("persist: [refused] %v", p.Err)
			failed++
			continue
		}
		entries = append(entries, p.Entry)
	}
	res := mounts.Apply(root, persistRoot, entries, rec.Log)
	return res, failed + res.Failed()
}

// requireMountPoint refuses a persistent root that is not mounted: writing into
// the plain directory beneath it would put every "persisted" file on the root that
// the next boot erases.
func requireMountPoint(path string) error {
	ok, err := mounts.IsMountPoint(path)
	if err != nil {
		return fmt.Errorf("the persistent root %s cannot be examined: %w; nothing was attached", path, err)
	}
	if !ok {
		return errors.New("the persistent root " + path + " is not a mount point (did its dataset fail to mount?); " +
			"nothing was attached, because whatever is written there would be erased at the next boot. " +
			"Check the mount unit for it (systemctl status " + unitName(path) + ")")
	}
	return nil
}

func joinRoot(root, p string) string {
	if root == "/" {
		return p
	}
	return root + p
}

// unitName gives the systemd mount unit name of a simple path (/sysroot/persist →
// sysroot-persist.mount); only for the hint in a message.
func unitName(p string) string {
	b := []byte(p[1:])
	for i := range b {
		if b[i] == '/' {
			b[i] = '-'
		}
	}
	return string(b) + ".mount"
}
