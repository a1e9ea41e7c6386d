package keep

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/internal/zfs"
)

type nopLog struct{ lines []string }

func (l *nopLog) Infof(f string, a ...any) { l.lines = append(l.lines, "info: "+fmt.Sprintf(f, a...)) }
func (l *nopLog) Warnf(f string, a ...any) { l.lines = append(l.lines, "warn: "+fmt.Sprintf(f, a...)) }

var t0 = time.Date(2026, 11, 26, 1, 58, 0, 0, time.UTC)

func req(roots int, boot int) Request {
	return Request{Dataset: d, Snapshot: "start", Roots: roots, Now: t0.Add(time.Duration(boot) * time.Hour), Log: &nopLog{}}
}

// boot simulates what a boot writes on the root before the next rollback.
func (f *fakeZFS) boot(bytes uint64) { f.written[d] = bytes }

func keptNames(t *testing.T, f *fakeZFS) []string {
	t.Helper()
	roots, err := List(f, d, "start")
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, r := range roots {
		n = append(n, r.Name)
	}
	return n
}

func TestKeepOffOrNothingWrittenChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		roots   int
		written uint64
	}{{"keep off", 0, 5}, {"nothing written", 2, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.written[d] = tc.written
			res, err := Keep(f, req(tc.roots, 0))
			if err != nil || res.Kept != "" || len(f.calls) > 0 {
				t.Fatalf("kept %q, err %v, calls %v", res.Kept, err, f.calls)
			}
		})
	}
}

func TestKeepRenamesClonesPromotesAndSeals(t *testing.T) {
	f := newFake()
	res, err := Keep(f, req(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := cont + "/20261126T015800Z"
	if res.Kept != want {
		t.Fatalf("kept %q, want %q", res.Kept, want)
	}
	if err := f.blankOwner(); err != nil {
		t.Fatal(err)
	}
	k := f.ds[want]
	if k.origin != d+"@start" || !k.readonly || k.canmount != "noauto" || f.written[want] != 5 {
		t.Fatalf("kept root: %+v written %d", k, f.written[want])
	}
	if p := f.ds[d].props; p["mountpoint"] != "legacy" || p["user:x"] != "y" {
		t.Fatalf("D lost its local properties: %v", p)
	}
	c := f.ds[cont]
	if c.canmount != "off" || c.props["mountpoint"] != "none" {
		t.Fatalf("container: %+v", c)
	}
	wantCalls := "create " + cont + "|rename " + d + " " + want + "|clone " + want + "@start " + d +
		"|promote " + d + "|set " + want + " readonly=on|set " + want + " canmount=noauto"
	if got := strings.Join(f.calls, "|"); got != wantCalls {
		t.Fatalf("calls\n%s\nwant\n%s", got, wantCalls)
	}
}

func TestKeepSkipsARootItCannotKeepSafely(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(f *fakeZFS)
	}{
		{"mounted", func(f *fakeZFS) { f.ds[d].mounted = true }},
		{"newer snapshot", func(f *fakeZFS) {
			f.ds[d].snaps = append(f.ds[d].snaps, zfs.Snapshot{Name: d + "@later", CreateTxg: 8})
		}},
		{"no @start", func(f *fakeZFS) { f.ds[d].snaps = nil }},
		{"child dataset", func(f *fakeZFS) { f.ds[d+"/kid"] = &fakeDS{txg: 9} }},
		{"missing", func(f *fakeZFS) { delete(f.ds, d) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			tc.spoil(f)
			res, err := Keep(f, req(2, 0))
			if err != nil || res.Kept != "" || len(f.calls) > 0 {
				t.Fatalf("kept %q, err %v, calls %v", res.Kept, err, f.calls)
			}
		})
	}
}

func TestKeepRetainsTheNewestNAndPrunesTheOldest(t *testing.T) {
	f := newFake()
	var kept []string
	for boot := 0; boot < 4; boot++ {
		f.boot(uint64(10 + boot))
		res, err := Keep(f, req(2, boot))
		if err != nil {
			t.Fatalf("boot %d: %v", boot, err)
		}
		if err := f.blankOwner(); err != nil {
			t.Fatalf("boot %d: %v", boot, err)
		}
		kept = append(kept, res.Kept)
	}
	got := keptNames(t, f)
	if strings.Join(got, " ") != strings.Join(kept[2:], " ") {
		t.Fatalf("kept %v, want the newest two of %v", got, kept)
	}
	if f.written[kept[3]] != 13 || f.written[kept[2]] != 12 {
		t.Fatalf("kept roots hold the wrong boots: %v", f.written)
	}
	if _, ok := f.ds["rpool/nixos/persist"]; !ok {
		t.Fatal("the persistent dataset is gone")
	}
}

func TestPruneLeavesWhatIsNotAKeptRootAlone(t *testing.T) {
	f := newFake()
	for boot := 0; boot < 3; boot++ {
		f.boot(7)
		if _, err := Keep(f, req(5, boot)); err != nil {
			t.Fatal(err)
		}
	}
	f.ds[cont+"/mine"] = &fakeDS{txg: 1}
	pruned, err := Prune(f, req(1, 9))
	if err != nil {
		t.Fatal(err)
	}
	if len(pruned) != 2 {
		t.Fatalf("pruned %v, want the two oldest kept roots", pruned)
	}
	if _, ok := f.ds[cont+"/mine"]; !ok {
		t.Fatal("a dataset that is not a kept root was destroyed")
	}
}

func TestKeepTwiceInOneSecondGetsAFreshName(t *testing.T) {
	f := newFake()
	r := req(3, 0)
	a, _ := Keep(f, r)
	f.boot(9)
	b, err := Keep(f, r)
	if err != nil || b.Kept != a.Kept+"-2" {
		t.Fatalf("second keep %q (err %v), want %q", b.Kept, err, a.Kept+"-2")
	}
}

func TestKeepRenamesBackWhenTheCloneFails(t *testing.T) {
	f := newFake()
	f.failOn = "clone"
	_, err := Keep(f, req(2, 0))
	if err == nil || !strings.Contains(err.Error(), "renamed back") {
		t.Fatalf("err %v, want a failed clone renamed back", err)
	}
	if _, ok := f.ds[d]; !ok || f.written[d] != 5 || f.ds[d].origin != "" {
		t.Fatalf("D is not back as it was: %+v", f.ds[d])
	}
}

type powerCut string

// cutAt runs one keep that is cut at step, then the next boot's repair and keep.
func cutAt(t *testing.T, f *fakeZFS, step string, roots int) {
	t.Helper()
	r := req(roots, 5)
	r.AfterStep = func(s string) {
		if s == step {
			panic(powerCut(s))
		}
	}
	func() {
		defer func() {
			if p := recover(); p != nil && p != powerCut(step) {
				panic(p)
			}
		}()
		_, _ = Keep(f, r)
		t.Fatalf("the keep was not cut at %s", step)
	}()
	next := req(roots, 6)
	if _, err := Repair(f, next); err != nil {
		t.Fatalf("repair after a cut at %s: %v", step, err)
	}
	if _, err := Keep(f, next); err != nil {
		t.Fatalf("keep after a cut at %s: %v", step, err)
	}
}

func TestPowerCutAfterEveryStepLeavesABlankRootNextBoot(t *testing.T) {
	for _, step := range []string{StepRename, StepClone, StepPromote, StepPrune} {
		t.Run(step, func(t *testing.T) {
			f := newFake()
			f.boot(3)
			if _, err := Keep(f, req(1, 0)); err != nil { // one kept root, so that the cut keep prunes
				t.Fatal(err)
			}
			f.boot(42)
			cutAt(t, f, step, 1)
			if err := f.blankOwner(); err != nil {
				t.Fatal(err)
			}
			roots, _ := List(f, d, "start")
			if len(roots) != 1 || f.written[roots[0].Name] != 42 {
				t.Fatalf("kept %+v, want only the cut boot's root (42 bytes)", roots)
			}
			if !roots[0].ReadOnly || roots[0].CanMount != "noauto" || roots[0].Origin != d+"@start" {
				t.Fatalf("kept root not sealed: %+v", roots[0])
			}
			for _, c := range f.calls {
				if strings.Contains(c, "persist") {
					t.Fatalf("a persistent dataset was touched: %s", c)
				}
			}
		})
	}
}

func TestRepairFinishesEveryInterruptedState(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cut   string // the step after which the keep stopped; "" for none
		calls string // what the repair does
	}{
		{"nothing interrupted", "", ""},
		{"D missing, kept root owns @start", StepRename, "clone|promote|set|set"},
		{"D still a clone of the kept root", StepClone, "promote|set|set"},
		{"kept root not sealed", StepPromote, "set|set"},
		{"cut after prune", StepPrune, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			if _, err := Keep(f, req(1, 0)); err != nil {
				t.Fatal(err)
			}
			f.boot(8)
			if tc.cut != "" {
				r := req(1, 1)
				r.AfterStep = func(s string) {
					if s == tc.cut {
						panic(powerCut(s))
					}
				}
				func() { defer func() { _ = recover() }(); _, _ = Keep(f, r) }()
			}
			f.calls = nil
			if _, err := Repair(f, req(0, 2)); err != nil {
				t.Fatal(err)
			}
			var verbs []string
			for _, c := range f.calls {
				verbs = append(verbs, strings.Fields(c)[0])
			}
			if got := strings.Join(verbs, "|"); got != tc.calls {
				t.Fatalf("repair did %q (%v), want %q", got, f.calls, tc.calls)
			}
			if tc.cut != "" {
				if err := f.blankOwner(); err != nil {
					t.Fatal(err)
				}
			}
			if p, _ := Pending(f, d, "start"); p != "" {
				t.Fatalf("still pending after repair: %s", p)
			}
		})
	}
}

func TestRepairLeavesAMissingRootWithoutAKeptOwnerToTheRollback(t *testing.T) {
	f := newFake()
	if _, err := Keep(f, req(1, 0)); err != nil {
		t.Fatal(err)
	}
	delete(f.ds, d)
	f.calls = nil
	did, err := Repair(f, req(1, 1))
	if err != nil || len(did) > 0 || len(f.calls) > 0 {
		t.Fatalf("did %v (err %v, calls %v), want nothing", did, err, f.calls)
	}
}

func TestPendingNamesACutShortKeep(t *testing.T) {
	for _, tc := range []struct{ cut, want string }{
		{StepRename, "is missing and"},
		{StepClone, "is still a clone of"},
		{StepPromote, ""},
	} {
		t.Run(tc.cut, func(t *testing.T) {
			f := newFake()
			r := req(1, 0)
			r.AfterStep = func(s string) {
				if s == tc.cut {
					panic(powerCut(s))
				}
			}
			func() { defer func() { _ = recover() }(); _, _ = Keep(f, r) }()
			p, err := Pending(f, d, "start")
			if err != nil || (tc.want == "") != (p == "") || !strings.Contains(p, tc.want) {
				t.Fatalf("pending %q (err %v), want %q", p, err, tc.want)
			}
		})
	}
}

func TestListReadsTheTimeFromTheName(t *testing.T) {
	f := newFake()
	if _, err := Keep(f, req(1, 0)); err != nil {
		t.Fatal(err)
	}
	roots, err := List(f, d, "start")
	if err != nil || len(roots) != 1 || !roots[0].Time.Equal(t0) {
		t.Fatalf("roots %+v, err %v", roots, err)
	}
	if roots, err := List(f, "rpool", "start"); err != nil || roots != nil {
		t.Fatalf("a pool's root dataset has no container: %v %v", roots, err)
	}
}
