package check

import (
	"strings"
	"testing"
)

const prev = "rpool/nixos/blankslate-prev"

// withKept adds the container and kept roots beneath it, in the order given,
// each a sealed clone of D@start holding 1 MiB of its boot.
func withKept(fx *fixture, names ...string) {
	fx.z.AddFS(prev, map[string]string{"mountpoint": "none", "canmount": "off"})
	for _, n := range names {
		full := prev + "/" + n
		fx.z.AddClone(root+"@start", full, map[string]string{"readonly": "on", "canmount": "noauto"})
		fx.z.Write(full, 1<<20)
	}
}

func TestKeptRootsAreListedWithTheMountCommand(t *testing.T) {
	fx := newFixture(t)
	withKept(fx, "20261126T010000Z", "20261126T020000Z")
	f := findingsOf(Run(fx.in), "keep.roots")
	if len(f) != 1 || f[0].Severity != Info {
		t.Fatalf("got %+v", f)
	}
	for _, want := range []string{"2 kept root(s)", prev + "/20261126T010000Z (kept 2026-11-26 01:00:00Z, 1.0 MiB)",
		"mount -t zfs -o ro " + prev + "/20261126T020000Z /mnt"} {
		if !strings.Contains(f[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, f[0].Message)
		}
	}
}

func TestPendingRepairIsAWarning(t *testing.T) {
	fx := newFixture(t)
	withKept(fx)
	must(t, fx.z.Rename(root, prev+"/20261126T020000Z")) // a keep cut after its rename
	f := findingsOf(Run(fx.in), "keep.repair")
	if len(f) != 1 || f[0].Severity != Warning || !strings.Contains(f[0].Message, "is missing and") {
		t.Fatalf("got %+v", f)
	}
}

// The root a clone of the root the boot set aside is what every boot with
// the default audit settings leaves until blankslate-audit.service promotes
// it (keep.SetAsideForMount): said, but neither a warning nor a missing
// snapshot.
func TestARootNotPromotedYetIsInfoNotAMissingSnapshot(t *testing.T) {
	fx := newFixture(t)
	withKept(fx)
	must(t, fx.z.Rename(root, prev+"/20261126T020000Z"))
	must(t, fx.z.Clone(prev+"/20261126T020000Z@start", root, nil))
	rep := Run(fx.in)
	if f := findingsOf(rep, "keep.repair"); len(f) != 0 {
		t.Errorf("keep.repair: %+v, want nothing", f)
	}
	f := findingsOf(rep, "keep.aside")
	if len(f) != 1 || f[0].Severity != Info || !strings.Contains(f[0].Message, prev+"/20261126T020000Z@start") {
		t.Errorf("keep.aside: %+v, want one info naming the root set aside", f)
	}
	if f := findingsOf(rep, "snapshot.exists"); len(f) != 1 || f[0].Severity != OK {
		t.Errorf("snapshot.exists: %+v, want it found on the root set aside", f)
	}
}

func TestNoKeptRootsAndKeepOffSaysNothing(t *testing.T) {
	fx := newFixture(t)
	withKept(fx)
	fx.z.Purge(prev)
	if f := append(findingsOf(Run(fx.in), "keep.roots"), findingsOf(Run(fx.in), "keep.repair")...); len(f) != 0 {
		t.Fatalf("got %+v", f)
	}
}

func TestARootWhoseListingFailedIsAWarningAndOneNotListedYetIsNot(t *testing.T) {
	for _, tc := range []struct {
		mark string
		want int // audit.listing warnings
	}{{"pending", 0}, {"listed", 0}, {"retry", 1}} {
		t.Run(tc.mark, func(t *testing.T) {
			fx := newFixture(t)
			withKept(fx, "20261126T010000Z")
			must(t, fx.z.SetProp(prev+"/20261126T010000Z", "blankslate:audit", tc.mark))
			f := findingsOf(Run(fx.in), "audit.listing")
			if len(f) != tc.want || tc.want == 1 && (f[0].Severity != Warning || !strings.Contains(f[0].Message, "nothing is destroyed")) {
				t.Fatalf("got %+v", f)
			}
		})
	}
}

// A held root (kept by a mistyped recovery word) is named as held, with why
// and the command that releases it; holding is no fault of the machine, so
// it stays an info.
func TestAHeldRootIsNamedWithWhyAndHowToReleaseIt(t *testing.T) {
	fx := newFixture(t)
	withKept(fx, "20261126T010000Z")
	held := prev + "/20261126T010000Z"
	must(t, fx.z.SetProp(held, "blankslate:hold", "unknown kernel command line word(s) blankslate.rot=x"))
	f := findingsOf(Run(fx.in), "keep.roots")
	if len(f) != 1 || f[0].Severity != Info {
		t.Fatalf("got %+v", f)
	}
	for _, want := range []string{"HELD, never pruned (unknown kernel command line word(s) blankslate.rot=x",
		"release: zfs inherit blankslate:hold " + held} {
		if !strings.Contains(f[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, f[0].Message)
		}
	}
}
