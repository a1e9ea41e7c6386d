package main

import (
	"reflect"
	"testing"
)

func TestCasesKeepMakeBenchsOrderWhateverOrderTheRunsCameIn(t *testing.T) {
	runs := func(cases ...string) []Run {
		var out []Run
		for _, c := range cases {
			out = append(out, Run{Bench: "rollback", Case: c}, Run{Bench: "other", Case: "x" + c})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		runs []Run
		want []string
	}{
		{"one run in make bench's order", runs("none", "50M", "1G", "20k", "100k", "s10", "s100"),
			[]string{"none", "50M", "1G", "20k", "100k", "s10", "s100"}},
		{"a merged re-run of two cases after the kept ones", runs("none", "50M", "20k", "s10", "1G", "100k"),
			[]string{"none", "50M", "1G", "20k", "100k", "s10"}},
		{"entry counts after the known cases, as they came", runs("1000", "none", "100", "50M"),
			[]string{"none", "50M", "1000", "100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casesOf(tc.runs, "rollback"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("casesOf = %v, want %v", got, tc.want)
			}
		})
	}
}
