package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLineSaysBytesRateAndTimeLeft(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{"a third done at 10 MiB/s", 100 * mib, 300 * mib, 10 * time.Second, "100.0 MiB of 300.0 MiB (33 %), 10.0 MiB/s, 20 s left"},
		{"minutes left", 10 * mib, 2010 * mib, 10 * time.Second, "10.0 MiB of 2.0 GiB (0 %), 1.0 MiB/s, 33 min 20 s left"},
		{"hours left", 1 * mib, 7201 * mib, time.Second, "1.0 MiB of 7.0 GiB (0 %), 1.0 MiB/s, 2 h 00 min left"},
		{"nothing done yet: no rate guessed", 0, 300 * mib, time.Second, "0 B of 300.0 MiB (0 %), rate not known yet"},
		{"no time passed: no rate guessed", mib, 300 * mib, 0, "1.0 MiB of 300.0 MiB (0 %), rate not known yet"},
		{"done", 300 * mib, 300 * mib, 30 * time.Second, "300.0 MiB of 300.0 MiB (100 %), 10.0 MiB/s, 0 s left"},
		{"more done than planned (a file grew) stops at the total", 400 * mib, 300 * mib, 30 * time.Second, "300.0 MiB of 300.0 MiB (100 %), 10.0 MiB/s, 0 s left"},
		{"nothing to copy", 0, 0, time.Second, "0 B of 0 B (100 %), rate not known yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.done, tc.total, tc.elapsed); got != tc.want {
				t.Errorf("Line = %q, want %q", got, tc.want)
			}
		})
	}
}

// On a terminal the line is rewritten in place, often; in a log a plain
// line comes every LogEvery, however many chunks were copied between.
func TestMeterWritesWhenDue(t *testing.T) {
	tests := []struct {
		name      string
		terminal  bool
		step      time.Duration // clock advance per Add
		adds      int
		wantLines int    // lines written by the adds, Finish's not counted
		wantStart string // how each line starts
	}{
		{"log: one line per 5 s", false, time.Second, 12, 2, "copying /x: "},
		{"log: a copy shorter than 5 s says nothing", false, time.Second, 4, 0, ""},
		{"terminal: rewritten every 250 ms", true, 100 * time.Millisecond, 10, 3, "\rcopying /x: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			clock := time.Unix(0, 0)
			m := newMeter(&b, "copying /x", 1<<30, tc.terminal, func() time.Time { return clock })
			for range tc.adds {
				clock = clock.Add(tc.step)
				m.Add(1 << 20)
			}
			written := b.String()
			sep := "\n"
			if tc.terminal {
				sep = "\x1b[K"
			}
			if n := strings.Count(written, sep); n != tc.wantLines {
				t.Errorf("%d lines, want %d: %q", n, tc.wantLines, written)
			}
			if tc.wantLines > 0 && !strings.HasPrefix(written, tc.wantStart) {
				t.Errorf("output %q does not start with %q", written, tc.wantStart)
			}
			m.Finish()
			if tc.wantLines == 0 && b.Len() != 0 {
				t.Errorf("Finish wrote %q after no line", b.String())
			}
			if tc.terminal && !strings.HasSuffix(b.String(), "\x1b[K\n") {
				t.Errorf("the terminal's line is not ended: %q", b.String())
			}
		})
	}
}
