package config

import (
	"math/rand"
	"strings"
	"testing"
)

// overlapsPairwise is the check as it was first written, comparing every pair:
// the reference the sorted check must agree with.
func overlapsPairwise(entries []Entry) map[[2]int]bool {
	pairs := map[[2]int]bool{}
	for i := range entries {
		for j := i + 1; j < len(entries); j++ {
			a, b := entries[i].Path, entries[j].Path
			if a == b || within(a, b) || within(b, a) {
				pairs[[2]int{i, j}] = true
			}
		}
	}
	return pairs
}

func TestSortedOverlapCheckFindsTheEntriesThePairwiseOneFinds(t *testing.T) {
	// Few, similar components, so that duplicates, nesting and near-misses
	// ("/a" against "/a-b", "/a.b", "/ab") are all frequent.
	parts := []string{"a", "b", "a-b", "a.b", "ab", "a0", "~"}
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 3000; round++ {
		n := 1 + rng.Intn(12)
		entries := make([]Entry, n)
		for k := range entries {
			var b strings.Builder
			for d := 1 + rng.Intn(3); d > 0; d-- {
				b.WriteString("/" + parts[rng.Intn(len(parts))])
			}
			entries[k].Path = b.String()
		}
		want := overlapsPairwise(entries)
		wantIn := map[int]bool{}
		for p := range want {
			wantIn[p[0]], wantIn[p[1]] = true, true
		}
		gotIn := map[int]bool{}
		for _, o := range overlaps(entries) {
			if !want[[2]int{o.i, o.j}] {
				t.Fatalf("%v: reported %v, which the pairwise check does not find", paths(entries), o)
			}
			if o.dup != (entries[o.i].Path == entries[o.j].Path) {
				t.Fatalf("%v: %v is not what it says", paths(entries), o)
			}
			gotIn[o.i], gotIn[o.j] = true, true
		}
		if len(gotIn) != len(wantIn) {
			t.Fatalf("%v: entries in conflict %v, pairwise %v", paths(entries), gotIn, wantIn)
		}
		if (checkOverlaps(entries) == nil) != (len(want) == 0) {
			t.Fatalf("%v: verdicts differ", paths(entries))
		}
	}
}

func paths(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Path)
	}
	return out
}
