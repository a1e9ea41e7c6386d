package keep

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

const (
	d    = zfstest.Root
	cont = "rpool/nixos/blankslate-prev"
)

// seed is the seed layout with a property set locally on D, which a kept
// root must not take away from it, and written bytes since @start.
func seed(t *testing.T, written uint64) *zfstest.Model {
	m := zfstest.Seed(t)
	m.Set(d, "user:x", "y")
	m.Write(d, written)
	return m
}

// newModel is the seed with 5 bytes written on the root: a root worth keeping.
func newModel(t *testing.T) *zfstest.Model { return seed(t, 5) }

// writtenSince is what a kept root (a clone of D@start) holds beyond @start:
// the boot it keeps.
func writtenSince(t *testing.T, m *zfstest.Model, kept string) uint64 {
	t.Helper()
	w, err := m.Written(kept, d+"@start")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// blankOwner reports whether D exists, owns @start, is not a clone and has
// nothing written: what the rollback needs for a no-op.
func blankOwner(m *zfstest.Model) error {
	info, err := m.Info(d)
	if err != nil {
		return fmt.Errorf("%s is missing: %v", d, err)
	}
	if info.Origin != "" {
		return fmt.Errorf("%s is a clone of %s", d, info.Origin)
	}
	snaps, _ := m.Snapshots(d)
	if len(snaps) != 1 || snaps[0].Name != d+"@start" {
		return fmt.Errorf("%s has snapshots %v", d, snaps)
	}
	if w, err := m.Written(d, "start"); w != 0 || err != nil {
		return fmt.Errorf("%s has %d bytes written (%v)", d, w, err)
	}
	return nil
}

type nopLog struct{ lines []string }

func (l *nopLog) Infof(f string, a ...any) { l.lines = append(l.lines, "info: "+fmt.Sprintf(f, a...)) }
func (l *nopLog) Warnf(f string, a ...any) { l.lines = append(l.lines, "warn: "+fmt.Sprintf(f, a...)) }

var t0 = time.Date(2026, 11, 26, 1, 58, 0, 0, time.UTC)

func req(roots int, boot int) Request {
	return Request{Dataset: d, Snapshot: "start", Roots: roots, Now: t0.Add(time.Duration(boot) * time.Hour), Log: &nopLog{}}
}

func keptNames(t *testing.T, m *zfstest.Model) []string {
	t.Helper()
	roots, err := List(m, d, "start")
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
			m := seed(t, tc.written)
			res, err := Keep(m, req(tc.roots, 0))
			if err != nil || res.Kept != "" || len(m.Journal()) > 0 {
				t.Fatalf("kept %q, err %v, calls %v", res.Kept, err, m.Journal())
			}
		})
	}
}

func TestKeepRenamesClonesPromotesAndSeals(t *testing.T) {
	m := newModel(t)
	res, err := Keep(m, req(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := cont + "/20261126T015800Z"
	if res.Kept != want {
		t.Fatalf("kept %q, want %q", res.Kept, want)
	}
	if err := blankOwner(m); err != nil {
		t.Fatal(err)
	}
	k, err := m.Info(want)
	if err != nil || k.Origin != d+"@start" || !k.ReadOnly || k.CanMount != "noauto" || writtenSince(t, m, want) != 5 {
		t.Fatalf("kept root: %+v (%v) written %d", k, err, writtenSince(t, m, want))
	}
	if p, _ := m.LocalProps(d); p["mountpoint"] != "legacy" || p["user:x"] != "y" {
		t.Fatalf("D lost its local properties: %v", p)
	}
	c, _ := m.Info(cont)
	if cp, _ := m.LocalProps(cont); c.CanMount != "off" || cp["mountpoint"] != "none" {
		t.Fatalf("container: %+v %v", c, cp)
	}
	wantCalls := "CreateFS " + cont + " canmount=off mountpoint=none|Rename " + d + " " + want +
		"|Clone " + want + "@start " + d + " mountpoint=legacy user:x=y" +
		"|Promote " + d + "|SetProps " + want + " " + SeqProp + "=1 canmount=noauto readonly=on"
	if got := strings.Join(m.Journal(), "|"); got != wantCalls {
		t.Fatalf("calls\n%s\nwant\n%s", got, wantCalls)
	}
}

func TestKeepSkipsARootItCannotKeepSafely(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(m *zfstest.Model)
	}{
		{"mounted", func(m *zfstest.Model) { m.Mount(d, "/sysroot") }},
		{"newer snapshot", func(m *zfstest.Model) { m.AddSnapshot(d, "later") }},
		{"newer bookmark", func(m *zfstest.Model) {
			m.AddSnapshot(d, "later")
			m.AddBookmark(d+"@later", "mark")
			m.Purge(d + "@later")
		}},
		{"no @start", func(m *zfstest.Model) { m.Purge(d + "@start") }},
		{"child dataset", func(m *zfstest.Model) { m.AddFS(d+"/kid", nil) }},
		{"missing", func(m *zfstest.Model) { m.Purge(d) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t)
			tc.spoil(m)
			res, err := Keep(m, req(2, 0))
			if err != nil || res.Kept != "" || len(m.Journal()) > 0 {
				t.Fatalf("kept %q, err %v, calls %v", res.Kept, err, m.Journal())
			}
		})
	}
}

func TestKeepRetainsTheNewestNAndPrunesTheOldest(t *testing.T) {
	m := seed(t, 0)
	var kept []string
	for boot := 0; boot < 4; boot++ {
		m.Write(d, uint64(10+boot))
		res, err := Keep(m, req(2, boot))
		if err != nil {
			t.Fatalf("boot %d: %v", boot, err)
		}
		if err := blankOwner(m); err != nil {
			t.Fatalf("boot %d: %v", boot, err)
		}
		kept = append(kept, res.Kept)
	}
	got := keptNames(t, m)
	if strings.Join(got, " ") != strings.Join(kept[2:], " ") {
		t.Fatalf("kept %v, want the newest two of %v", got, kept)
	}
	if a, b := writtenSince(t, m, kept[3]), writtenSince(t, m, kept[2]); a != 13 || b != 12 {
		t.Fatalf("kept roots hold the wrong boots: %d and %d bytes, want 13 and 12", a, b)
	}
	if _, err := m.Dataset("rpool/nixos/persist"); err != nil {
		t.Fatalf("the persistent dataset is gone: %v", err)
	}
}

func TestPruneLeavesWhatIsNotAKeptRootAlone(t *testing.T) {
	m := seed(t, 0)
	m.AddFS(cont+"/mine", nil) // older than every kept root: first in line for a careless prune
	for boot := 0; boot < 3; boot++ {
		m.Write(d, 7)
		if _, err := Keep(m, req(5, boot)); err != nil {
			t.Fatal(err)
		}
	}
	pruned, err := Prune(m, req(1, 9))
	if err != nil {
		t.Fatal(err)
	}
	if len(pruned) != 2 {
		t.Fatalf("pruned %v, want the two oldest kept roots", pruned)
	}
	if _, err := m.Dataset(cont + "/mine"); err != nil {
		t.Fatalf("a dataset that is not a kept root was destroyed: %v", err)
	}
}

func TestKeepTwiceInOneSecondGetsAFreshName(t *testing.T) {
	m := newModel(t)
	r := req(3, 0)
	a, _ := Keep(m, r)
	m.Write(d, 9)
	b, err := Keep(m, r)
	if err != nil || b.Kept != a.Kept+"-2" {
		t.Fatalf("second keep %q (err %v), want %q", b.Kept, err, a.Kept+"-2")
	}
}

func TestKeepRenamesBackWhenTheCloneFails(t *testing.T) {
	m := newModel(t)
	m.Fail("Clone")
	_, err := Keep(m, req(2, 0))
	if err == nil || !strings.Contains(err.Error(), "renamed back") {
		t.Fatalf("err %v, want a failed clone renamed back", err)
	}
	info, err := m.Info(d)
	if w, _ := m.Written(d, "start"); err != nil || w != 5 || info.Origin != "" {
		t.Fatalf("D is not back as it was: %+v (%v), %d bytes written", info, err, w)
	}
}

type powerCut string

// cutAt runs one keep that is cut at step, then the next boot's repair and keep.
func cutAt(t *testing.T, m *zfstest.Model, step string, roots int) {
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
		_, _ = Keep(m, r)
		t.Fatalf("the keep was not cut at %s", step)
	}()
	next := req(roots, 6)
	if _, err := Repair(m, next); err != nil {
		t.Fatalf("repair after a cut at %s: %v", step, err)
	}
	if _, err := Keep(m, next); err != nil {
		t.Fatalf("keep after a cut at %s: %v", step, err)
	}
}

func TestPowerCutAfterEveryStepLeavesABlankRootNextBoot(t *testing.T) {
	for _, step := range []string{StepRename, StepClone, StepPromote, StepPrune} {
		t.Run(step, func(t *testing.T) {
			m := seed(t, 3)
			if _, err := Keep(m, req(1, 0)); err != nil { // one kept root, so that the cut keep prunes
				t.Fatal(err)
			}
			m.Write(d, 42)
			cutAt(t, m, step, 1)
			if err := blankOwner(m); err != nil {
				t.Fatal(err)
			}
			roots, _ := List(m, d, "start")
			if len(roots) != 1 || writtenSince(t, m, roots[0].Name) != 42 {
				t.Fatalf("kept %+v, want only the cut boot's root (42 bytes)", roots)
			}
			if !roots[0].ReadOnly || roots[0].CanMount != "noauto" || roots[0].Origin != d+"@start" {
				t.Fatalf("kept root not sealed: %+v", roots[0])
			}
			for _, c := range m.Journal() {
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
		{"D missing, kept root owns @start", StepRename, "Clone|Promote|SetProps"},
		{"D still a clone of the kept root", StepClone, "Promote|SetProps"},
		{"kept root not sealed", StepPromote, "SetProps"},
		{"cut after prune", StepPrune, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t)
			if _, err := Keep(m, req(1, 0)); err != nil {
				t.Fatal(err)
			}
			m.Write(d, 8)
			if tc.cut != "" {
				r := req(1, 1)
				r.AfterStep = func(s string) {
					if s == tc.cut {
						panic(powerCut(s))
					}
				}
				func() { defer func() { _ = recover() }(); _, _ = Keep(m, r) }()
			}
			m.ClearJournal()
			if _, err := Repair(m, req(0, 2)); err != nil {
				t.Fatal(err)
			}
			var verbs []string
			for _, c := range m.Journal() {
				verbs = append(verbs, strings.Fields(c)[0])
			}
			if got := strings.Join(verbs, "|"); got != tc.calls {
				t.Fatalf("repair did %q (%v), want %q", got, m.Journal(), tc.calls)
			}
			if tc.cut != "" {
				if err := blankOwner(m); err != nil {
					t.Fatal(err)
				}
			}
			if p, _ := Pending(m, d, "start"); p != "" {
				t.Fatalf("still pending after repair: %s", p)
			}
		})
	}
}

func TestRepairLeavesAMissingRootWithoutAKeptOwnerToTheRollback(t *testing.T) {
	m := newModel(t)
	if _, err := Keep(m, req(1, 0)); err != nil {
		t.Fatal(err)
	}
	// D cannot be destroyed while the kept root is its clone; it can be renamed away.
	if err := m.Rename(d, "rpool/nixos/elsewhere"); err != nil {
		t.Fatal(err)
	}
	m.ClearJournal()
	did, err := Repair(m, req(1, 1))
	if err != nil || len(did) > 0 || len(m.Journal()) > 0 {
		t.Fatalf("did %v (err %v, calls %v), want nothing", did, err, m.Journal())
	}
}

func TestPendingNamesACutShortKeep(t *testing.T) {
	for _, tc := range []struct{ cut, want string }{
		{StepRename, "is missing and"},
		{StepClone, ""}, // the state SetAsideForMount leaves: Unfinished, not a cut
		{StepPromote, ""},
	} {
		t.Run(tc.cut, func(t *testing.T) {
			m := newModel(t)
			r := req(1, 0)
			r.AfterStep = func(s string) {
				if s == tc.cut {
					panic(powerCut(s))
				}
			}
			func() { defer func() { _ = recover() }(); _, _ = Keep(m, r) }()
			p, err := Pending(m, d, "start")
			if err != nil || (tc.want == "") != (p == "") || !strings.Contains(p, tc.want) {
				t.Fatalf("pending %q (err %v), want %q", p, err, tc.want)
			}
		})
	}
}

func TestListReadsTheTimeFromTheName(t *testing.T) {
	m := newModel(t)
	if _, err := Keep(m, req(1, 0)); err != nil {
		t.Fatal(err)
	}
	roots, err := List(m, d, "start")
	if err != nil || len(roots) != 1 || !roots[0].Time.Equal(t0) {
		t.Fatalf("roots %+v, err %v", roots, err)
	}
	if roots, err := List(m, "rpool", "start"); err != nil || roots != nil {
		t.Fatalf("a pool's root dataset has no container: %v %v", roots, err)
	}
}
