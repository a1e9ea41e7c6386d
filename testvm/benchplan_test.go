package testvm

// The plan of the benchmark's units part (bench_units_test.go, built with the
// tags vm and bench): which entry counts run how often, and which contender is
// not booted where it would take too long. Kept out of the tagged file so that
// `go test ./testvm/` checks it without a VM.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// unitsCount is one entry count of the part and the runs it takes part in.
type unitsCount struct {
	n, max int
}

// parseUnitsCounts reads BENCH_UNITS: "5,100,1000,10000:2" (N:MAX runs N in at
// most MAX runs, as BENCH_CASES does).
func parseUnitsCounts(s string) ([]unitsCount, error) {
	var out []unitsCount
	for _, f := range strings.Split(s, ",") {
		ns, ms, hasMax := strings.Cut(f, ":")
		c := unitsCount{max: 1 << 30}
		var err error
		if c.n, err = strconv.Atoi(ns); err != nil || c.n < 1 {
			return nil, fmt.Errorf("BENCH_UNITS: %q is not a count of entries", f)
		}
		if hasMax {
			if c.max, err = strconv.Atoi(ms); err != nil || c.max < 1 {
				return nil, fmt.Errorf("BENCH_UNITS: %q: bad number of runs", f)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// unitsBootLimit: a contender whose time at a smaller count, grown in
// proportion, says it would take longer than this at a count is not booted
// there (a lower bound: systemd's cost per mount unit grows with their number).
const unitsBootLimit = 20 * time.Minute

// unitsPace remembers each contender's time at the largest count measured.
type unitsPace map[string]unitsTime

type unitsTime struct {
	n  int
	ms float64
}

func (p *unitsPace) saw(tool string, n int, ms float64) {
	if *p == nil {
		*p = unitsPace{}
	}
	if prev, ok := (*p)[tool]; !ok || n >= prev.n {
		(*p)[tool] = unitsTime{n, ms}
	}
}

// skip says why tool is not booted at n entries, or "".
func (p unitsPace) skip(tool string, n int) string {
	prev, ok := p[tool]
	if !ok || prev.n >= n {
		return ""
	}
	guess := time.Duration(prev.ms*float64(n)/float64(prev.n)) * time.Millisecond
	if guess <= unitsBootLimit {
		return ""
	}
	return fmt.Sprintf("bench-units: %s at %d entries not run: it took %.1f s at %d entries, so at least %s at %d (the limit is %s a boot)",
		tool, n, prev.ms/1000, prev.n, guess.Round(time.Second), n, unitsBootLimit)
}

func TestParseUnitsCountsTakesCountsAndCapsAndRefusesTheRest(t *testing.T) {
	tests := []struct {
		in      string
		want    []unitsCount
		wantErr string
	}{
		{"5,100,1000:1", []unitsCount{{5, 1 << 30}, {100, 1 << 30}, {1000, 1}}, ""},
		{"10000:2", []unitsCount{{10000, 2}}, ""},
		{"0", nil, "not a count"},
		{"five", nil, "not a count"},
		{"5,", nil, "not a count"},
		{"100:0", nil, "bad number of runs"},
		{"100:x", nil, "bad number of runs"},
	}
	for _, tt := range tests {
		got, err := parseUnitsCounts(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%q = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestUnitsPaceSkipsOnlyWhatWouldExceedTheLimit(t *testing.T) {
	var p unitsPace
	if note := p.skip("units", 1000); note != "" {
		t.Errorf("nothing measured yet, but: %s", note)
	}
	p.saw("units", 100, 34_000) // 34 s at 100: 340 s at 1,000, 57 min at 10,000
	p.saw("blankslate", 100, 11_000)
	tests := []struct {
		tool     string
		n        int
		wantSkip bool
	}{
		{"units", 1000, false},
		{"units", 10000, true},
		{"blankslate", 10000, false},
		{"units", 100, false},   // measured there already
		{"shell", 10000, false}, // never measured: nothing to go by
	}
	for _, tt := range tests {
		note := p.skip(tt.tool, tt.n)
		if (note != "") != tt.wantSkip {
			t.Errorf("%s at %d: note %q, want skipped %v", tt.tool, tt.n, note, tt.wantSkip)
		}
		if tt.wantSkip && !strings.Contains(note, "34.0 s at 100 entries") {
			t.Errorf("the note does not say what was measured: %s", note)
		}
	}
}
