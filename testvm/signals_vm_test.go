//go:build vm

package testvm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestListingsSurviveSignals: libzfs's listings on real ZFS while signals
// arrive (guest scenario signals-iterations). OpenZFS ends a listing ioctl
// with EINTR when a signal is pending on the calling thread, and Go's runtime
// preempts with SIGURG; docs/libzfs-abi.md ("Signals") says how the binding
// shields its calls. 1,000 runs of `blankslate roots` with twelve kept roots,
// and the binding's own test (internal/zfs/libzfs, -tags zfsguest) flooding
// its threads with SIGURG during each kind of listing: no run may fail.
func TestListingsSurviveSignals(t *testing.T) {
	t.Parallel()
	env, _, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	guestBin, err := buildGuestTest(env.WorkDir)
	if err != nil {
		t.Fatal(err)
	}
	// The test binary goes into this scenario's initramfs only.
	initrd := filepath.Join(env.WorkDir, "initramfs-signals.cpio")
	if err := env.BuildInitramfs(initrd, "guest", map[string]string{guestBin: "bin/libzfs-guest.test"}); err != nil {
		t.Fatal(err)
	}
	const guest = "signals-iterations"
	step := Step{Guest: guest, Initrd: initrd, Timeout: 60 * time.Minute}
	// Each run of roots takes about a second under emulation (more on a
	// loaded host); BLANKSLATE_SIGNALS_ROOTS_RUNS sets fewer for a quick look.
	if n := os.Getenv("BLANKSLATE_SIGNALS_ROOTS_RUNS"); n != "" {
		step.Append = "bstest.roots_runs=" + n
	}
	r := env.RunSteps(context.Background(), golden, guest, []Step{step})
	for _, l := range strings.Split(r.Console, "\n") {
		if strings.Contains(l, "SIGNALS ") {
			fmt.Println(strings.TrimSpace(l))
		}
	}
	report(t, r)
}

// buildGuestTest builds the binding's guest test as a static binary, like
// the release build (Makefile, STATIC_TAGS), from the source under test.
func buildGuestTest(work string) (string, error) {
	out := filepath.Join(work, "libzfs-guest.test")
	cmd := exec.Command("go", "test", "-c", "-trimpath", "-tags", "zfsguest static netgo osusergo",
		"-ldflags", `-linkmode external -extldflags "-static"`, "-o", out, "../internal/zfs/libzfs")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the binding's guest test: %v\n%s", err, msg)
	}
	return out, nil
}
