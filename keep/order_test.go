package keep

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// reqAt is req with the clock at at (stepped back or forward at will).
func reqAt(roots int, at time.Time) Request {
	r := req(roots, 0)
	r.Now = at
	return r
}

// keepAt keeps the root, holding written bytes, with the clock at at.
func keepAt(t *testing.T, m interface{ Write(string, uint64) }, z ZFS, roots int, at time.Time, written uint64) string {
	t.Helper()
	m.Write(d, written)
	res, err := Keep(z, reqAt(roots, at))
	if err != nil || res.Kept == "" {
		t.Fatalf("keep at %s: %+v, %v", at, res, err)
	}
	return res.Kept
}

// The keep order is the order the roots were kept, whatever the clock said
// when they were: keep.roots prunes the one kept first, and List (which
// previous, roots and restore read) ends with the last one kept.
func TestKeepOrderIgnoresTheClock(t *testing.T) {
	tests := []struct {
		name  string
		hours []int // the clock at each keep, in hours after t0
	}{
		{"the clock steps back", []int{10, 20, 1}},
		{"the clock steps forward, then back", []int{1, 500, 2}},
		{"the clock steps back twice", []int{30, 20, 10}},
		{"the clock does not move (fresh names, -2, -3)", []int{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := seed(t, 0)
			var kept []string
			for i, h := range tc.hours {
				kept = append(kept, keepAt(t, m, m, 5, t0.Add(time.Duration(h)*time.Hour), uint64(10+i)))
			}
			if got := keptNames(t, m); !reflect.DeepEqual(got, kept) {
				t.Errorf("List: %v, want the order they were kept: %v", got, kept)
			}
			pruned, err := Prune(m, reqAt(1, t0))
			if err != nil {
				t.Fatal(err)
			}
			if got := keptNames(t, m); !reflect.DeepEqual(got, kept[2:]) {
				t.Errorf("keep.roots 1 left %v (pruned %v); want the last kept, %s", got, pruned, kept[2])
			}
		})
	}
}

// A root returned from a recovery boot is the newest, whatever the clock
// says at the return, and is numbered in the same call that seals it.
func TestReturnedRootIsTheNewestWhateverTheClock(t *testing.T) {
	m := seed(t, 0)
	first := keepAt(t, m, m, 5, t0.Add(50*time.Hour), 10)
	second := keepAt(t, m, m, 5, t0.Add(60*time.Hour), 20)
	if _, err := BootFrom(m, reqAt(5, t0.Add(61*time.Hour)), first); err != nil {
		t.Fatal(err)
	}
	m.Write(d, 30)
	m.ClearJournal()
	back, err := Return(m, reqAt(5, t0)) // the clock stepped back 61 hours
	if err != nil {
		t.Fatal(err)
	}
	if got := keptNames(t, m); !reflect.DeepEqual(got, []string{first, second, back}) {
		t.Errorf("List: %v, want %s last", got, back)
	}
	var seals int
	for _, c := range m.Journal() {
		if strings.HasPrefix(c, "SetProps "+back+" ") && strings.Contains(c, SeqProp+"=3") {
			seals++
		}
	}
	if seals != 1 {
		t.Errorf("calls %v; want one SetProps sealing %s with %s=3", m.Journal(), back, SeqProp)
	}
}

// Roots kept by an older version carry no number: they order before the
// numbered ones, among themselves by the time in their names as before.
func TestRootsWithoutANumberOrderFirst(t *testing.T) {
	m := seed(t, 0)
	late := keepAt(t, m, m, 5, t0.Add(90*time.Hour), 10)
	early := keepAt(t, m, m, 5, t0.Add(80*time.Hour), 11)
	for _, n := range []string{late, early} {
		m.Set(n, SeqProp, "") // as an older version left them
	}
	newest := keepAt(t, m, m, 5, t0, 12) // the clock stepped back
	if got, want := keptNames(t, m), []string{early, late, newest}; !reflect.DeepEqual(got, want) {
		t.Errorf("List: %v, want %v", got, want)
	}
	roots, _ := List(m, d, "start")
	if roots[2].Seq != 1 {
		t.Errorf("the first numbered root has %s %d, want 1", SeqProp, roots[2].Seq)
	}
}

// A cut after the promote leaves the newest root sealed by the next boot's
// repair, which numbers it after the others: it is still the newest.
func TestRepairNumbersTheRootItSeals(t *testing.T) {
	m := seed(t, 0)
	older := keepAt(t, m, m, 5, t0.Add(50*time.Hour), 10)
	m.Write(d, 20)
	r := reqAt(5, t0)
	r.AfterStep = func(s string) {
		if s == StepPromote {
			panic(cut{})
		}
	}
	cutShort(t, m, r)
	if got := keptNames(t, m); len(got) != 2 || got[0] != older {
		t.Fatalf("before the repair: %v, want the unsealed root last", got)
	}
	if _, err := Repair(m, reqAt(5, t0)); err != nil {
		t.Fatal(err)
	}
	roots, _ := List(m, d, "start")
	if len(roots) != 2 || roots[0].Name != older || roots[1].Seq != 2 || !roots[1].sealed() {
		t.Errorf("after the repair: %+v; want %s first and the repaired root sealed with %s 2", roots, older, SeqProp)
	}
}

type cut struct{}

// cutShort runs Keep until its AfterStep hook panics with cut{}.
func cutShort(t *testing.T, z ZFS, r Request) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil && p != (cut{}) {
			panic(p)
		}
	}()
	Keep(z, r)
	t.Fatal("the keep was not cut")
}

// A held root is never pruned and takes no place among keep.roots: the
// newest others are kept beside it. Released, it is pruned as any other.
func TestPruneNeverDestroysAHeldRoot(t *testing.T) {
	m := seed(t, 0)
	held := keepAt(t, m, m, 5, t0, 10)
	m.Set(held, HoldProp, "an unknown word")
	a := keepAt(t, m, m, 5, t0.Add(time.Hour), 11)
	b := keepAt(t, m, m, 5, t0.Add(2*time.Hour), 12)
	if _, err := Prune(m, reqAt(1, t0)); err != nil {
		t.Fatal(err)
	}
	if got := keptNames(t, m); !reflect.DeepEqual(got, []string{held, b}) {
		t.Errorf("keep.roots 1: %v, want the held root and the newest, %s (%s pruned)", got, b, a)
	}
	if _, err := Prune(m, reqAt(0, t0)); err != nil {
		t.Fatal(err)
	}
	if got := keptNames(t, m); !reflect.DeepEqual(got, []string{held}) {
		t.Errorf("keep.roots 0: %v, want the held root alone", got)
	}
	m.Set(held, HoldProp, "") // zfs inherit blankslate:hold
	if _, err := Prune(m, reqAt(0, t0)); err != nil {
		t.Fatal(err)
	}
	if got := keptNames(t, m); len(got) != 0 {
		t.Errorf("released: %v, want it pruned", got)
	}
}

// A request with Hold seals the root held, saying why, in the one call.
func TestKeepNowHoldsWhenAsked(t *testing.T) {
	m := seed(t, 10)
	r := req(0, 0)
	r.Hold = "blankslate.roots=previous"
	name, why, err := KeepNow(m, r)
	if err != nil || name == "" {
		t.Fatalf("KeepNow: %q, %q, %v", name, why, err)
	}
	roots, _ := List(m, d, "start")
	if len(roots) != 1 || !roots[0].Held() || roots[0].Hold != r.Hold || !roots[0].sealed() {
		t.Errorf("%+v; want it sealed and held for %q", roots, r.Hold)
	}
	m.Write(d, 5)
	m.AddSnapshot(d, "later")
	if name, why, err := KeepNow(m, r); name != "" || err != nil || !strings.Contains(why, "newer") {
		t.Errorf("a root with a newer snapshot: %q, %q, %v; want it not kept, saying why", name, why, err)
	}
}
