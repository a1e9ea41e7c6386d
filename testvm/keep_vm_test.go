//go:build vm

package testvm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Previous roots on real ZFS: kept, pruned, mountable read-only, and a power cut
// at each step of keeping one still gives a clean next boot.
func TestKeepRootsOnRealZFS(t *testing.T) {
	runScenarios(t, 4, "keep-roots-retention")
}

// TestKeepPowerCut boots each disk three times: a keep (so the cut keep has one
// to prune), a keep cut short after STEP (blankslate powers the VM off), and a
// normal rollback that must repair and reset. The cut is made by the
// fault-injection build (bin/blankslate-faultinject), never the release binary.
func TestKeepPowerCut(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	for _, step := range []string{"rename", "clone", "promote", "prune"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			const guest = "keep-power-cut"
			steps := []Step{
				{Guest: guest, Initrd: initrd},
				{Guest: guest, Initrd: initrd, Append: "bstest.cut=" + step,
					WantText: "fault injection: power cut after the " + step + " step"},
				{Guest: guest, Initrd: initrd},
			}
			report(t, env.RunSteps(context.Background(), golden, guest+"-"+step, steps))
		})
	}
}

// TestACLModesAfterPowerCut: files made under a default POSIX ACL, and the
// copies persist makes beneath such a directory, across a power-off whose next
// import replays the ZFS intent log alone (guest scenario acl-power-cut, the
// pool frozen). The replay must have happened and blankslate's copies must be
// there with their declared owners and modes; the modes of the files the shell made are
// printed for docs/RELIABILITY.md.
func TestACLModesAfterPowerCut(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	const guest = "acl-power-cut"
	steps := []Step{
		{Guest: guest, Initrd: initrd, CutOn: "ACL-CUT", CutAfter: 5 * time.Second},
		{Guest: guest, Initrd: initrd},
	}
	r := env.RunSteps(context.Background(), golden, guest, steps)
	for _, l := range strings.Split(r.Console, "\n") {
		if strings.HasPrefix(l, "MODE ") || strings.HasPrefix(l, "=== boot") {
			fmt.Println(l)
		}
	}
	report(t, r)
}
