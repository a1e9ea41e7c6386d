package main

import "testing"

func TestNearestFindsSmallSlipsOnly(t *testing.T) {
	names := []string{"rollback", "persist", "audit", "check", "diff", "validate", "roots", "restore", "adopt", "version", "help"}
	tests := []struct{ typed, want string }{
		{"chekc", "check"},    // transposed neighbours: one edit
		{"dif", "diff"},       // one missing
		{"restor", "restore"}, // not roots: restore is nearer
		{"rollbak", "rollback"},
		{"vesrion", "version"},
		{"rm", ""},      // two edits in two letters is a guess, not a slip
		{"explode", ""}, // nothing near
		{"", ""},
	}
	for _, tc := range tests {
		if got := nearest(tc.typed, names); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

func TestEditDistanceCountsATranspositionAsOne(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"check", "check", 0}, {"chekc", "check", 1}, {"chk", "check", 2}, {"", "abc", 3}, {"abc", "", 3}, {"ca", "abc", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
