//go:build vm

package testvm

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// Recovery on real ZFS: skipping one reset, booting the previous root,
// a name that does not exist, a power cut after each step of booting a
// kept root and of returning from one, restore, adopt, and the dracut
// systemd initrd booting with the parameters on its command line. Each
// scenario prints blankslate's own timing lines, so that a recovery boot's
// cost can be read next to a normal one's.

func TestRecoveryOnRealZFS(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	plain := func(guest, extra string) Step { return Step{Guest: guest, Initrd: initrd, Append: extra} }
	cases := map[string][]Step{
		"recovery-skip": {plain("recovery-skip", ""), plain("recovery-skip", "blankslate.rollback=skip"), plain("recovery-skip", "")},
		"recovery-previous": {plain("recovery-previous", ""), plain("recovery-previous", "blankslate.root=previous"),
			plain("recovery-previous", "")},
		"recovery-bad-name": {plain("recovery-bad-name", "blankslate.root=nosuch")},
		// The last boot's root cannot be kept (a newer snapshot): nothing is
		// rolled back, under either policy.
		"recovery-unkeepable": {plain("recovery-unkeepable", "blankslate.root=previous")},
		// A mistyped word keeps the root, held, through a listing after boot.
		"recovery-unknown-word": {plain("recovery-unknown-word", "blankslate.roots=previous"), plain("recovery-unknown-word", "")},
		"restore-from-kept":     {plain("restore-from-kept", ""), plain("restore-from-kept", "")},
		"adopt-reboot": {plain("adopt-reboot", ""), plain("adopt-reboot", "bstest.declare=0"),
			plain("adopt-reboot", "bstest.declare=1")},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := env.RunSteps(context.Background(), golden, name, steps)
			printTimings(name, r.Console)
			report(t, r)
		})
	}
}

// TestRecoveryPowerCut cuts the power after each step of booting a kept
// root (three boots: reset, cut recovery boot, normal boot), of holding the
// root for an unknown word (the same three) and of returning from a
// recovery boot (four boots: reset, recovery boot, cut normal boot, normal
// boot); the last boot must find everything repaired.
func TestRecoveryPowerCut(t *testing.T) {
	env, initrd, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	const guest = "recovery-power-cut"
	cut := func(step, extra string) Step {
		return Step{Guest: guest, Initrd: initrd, Append: "bstest.cut=" + step + " " + extra,
			WantText: "fault injection: power cut after the " + step + " step"}
	}
	bootSteps, returnSteps, holdSteps := recoveryCuts(t)
	// cutInBoot: a boot, the boot with word on its command line cut after
	// step, and the boot that must converge.
	cutInBoot := func(name, phase, word string, steps []string) {
		for _, step := range steps {
			t.Run(name+step, func(t *testing.T) {
				t.Parallel()
				phase := "bstest.cutphase=" + phase
				boots := []Step{{Guest: guest, Initrd: initrd, Append: phase}, cut(step, phase+" "+word),
					{Guest: guest, Initrd: initrd, Append: phase}}
				report(t, env.RunSteps(context.Background(), golden, guest+"-"+strings.TrimPrefix(name, "boot-")+step, boots))
			})
		}
	}
	cutInBoot("boot-", "boot", "blankslate.root=previous", bootSteps)
	cutInBoot("hold-", "hold", "blankslate.roots=previous", holdSteps)
	for _, step := range returnSteps {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			phase := "bstest.cutphase=return"
			steps := []Step{{Guest: guest, Initrd: initrd, Append: phase},
				{Guest: guest, Initrd: initrd, Append: phase + " blankslate.root=previous"},
				cut(step, phase), {Guest: guest, Initrd: initrd, Append: phase}}
			report(t, env.RunSteps(context.Background(), golden, guest+"-"+step, steps))
		})
	}
}

// TestRecoveryOnRealSystemd boots the dracut systemd initrd with
// blankslate.rollback=skip and with blankslate.root=previous on its
// command line, after a boot that left junk in the root, then once more
// without: the junk is there and writable on the recovery boot, gone on
// the next.
func TestRecoveryOnRealSystemd(t *testing.T) {
	env, busybox, golden, err := setupVM()
	if err != nil {
		t.Fatalf("VM set-up failed: %v", err)
	}
	def := chainInitrd(t, env, "default", "")
	prep := Step{Guest: "prep-dirty", Initrd: busybox}
	chain := func(extra string, check func(string) error) Step {
		return Step{Guest: "recovery-chain", Initrd: def, Append: chainCmdline + " " + extra, Check: check}
	}
	cases := map[string][]Step{
		"chain-skip":     {prep, chain("blankslate.rollback=skip", wantCrit("blankslate.rollback=skip")), chain("", nil)},
		"chain-previous": {prep, chain("blankslate.root=previous", checkUnitOrder), chain("", nil)},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := env.RunSteps(context.Background(), golden, name, steps)
			printTimings(name, r.Console)
			report(t, r)
		})
	}
}

// timingLine matches what the scenarios and blankslate print about time:
// the guest's TIMING lines and the rollback step's own [timing] line.
var timingLine = regexp.MustCompile(`TIMING.*|rollback: \[timing\].*`)

// printTimings prints, per boot, each timing line of a scenario's console.
func printTimings(name, console string) {
	boot := ""
	for _, line := range strings.Split(console, "\n") {
		if strings.HasPrefix(line, "=== boot ") {
			boot = strings.TrimSuffix(strings.TrimPrefix(line, "=== "), " ===")
			continue
		}
		if m := timingLine.FindString(line); m != "" && !strings.HasPrefix(m, "TIMING-BLANKSLATE") {
			fmt.Printf("timing %-20s %-28s %s\n", name, boot, strings.TrimSpace(m))
		}
	}
}

// recoveryCuts are the steps TestRecoveryPowerCut cuts after: in `make test`
// one of each kind that only booting a kept root has (the boot snapshot, the
// clone, the rename back) and holding a root has (the hold written, the root
// renamed with it), in `make soak` (BLANKSLATE_CUTS 20 or more) every one.
func recoveryCuts(t *testing.T) (boot, ret, hold []string) {
	if envInt(t, "BLANKSLATE_CUTS", 2) >= 20 {
		return []string{"rename", "clone", "promote", "boot-snapshot", "set-aside", "boot-clone"},
			[]string{"return-keep", "return-blank"}, []string{"hold", "rename", "clone", "promote", "keep"}
	}
	return []string{"boot-snapshot", "boot-clone"}, []string{"return-blank"}, []string{"clone"}
}
