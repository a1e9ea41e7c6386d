// Package progress shows how a long copy advances: on a terminal one line
// rewritten in place with the bytes done, the rate and the time left;
// elsewhere (a log, a pipe) a plain line every few seconds, so that a
// journal is not flooded and a person watching a file still sees it move.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/blankslate/blankslate/internal/human"
)

// How often a line is written: a terminal's line is rewritten often enough
// to look alive; a log gets one every LogEvery.
const (
	TerminalEvery = 250 * time.Millisecond
	LogEvery      = 5 * time.Second
)

// Meter counts bytes against a total and writes the line when it is due.
// It is used by one goroutine (the copy).
type Meter struct {
	w        io.Writer
	what     string
	total    int64
	done     int64
	terminal bool
	now      func() time.Time
	start    time.Time
	last     time.Time
	shown    bool
}

// New starts a meter for total bytes of what ("copying /home/alice"),
// writing to w; terminal says whether w is one.
func New(w io.Writer, what string, total int64, terminal bool) *Meter {
	return newMeter(w, what, total, terminal, time.Now)
}

func newMeter(w io.Writer, what string, total int64, terminal bool, now func() time.Time) *Meter {
	t := now()
	return &Meter{w: w, what: what, total: total, terminal: terminal, now: now, start: t, last: t}
}

// Add counts n more bytes done, and writes the line when it is due.
func (m *Meter) Add(n int64) {
	m.done += n
	t := m.now()
	every := LogEvery
	if m.terminal {
		every = TerminalEvery
	}
	if t.Sub(m.last) < every {
		return
	}
	m.last = t
	m.write(t)
}

// Finish writes the last line, when any was written (a copy that ended
// before the first was due says nothing more than its report), and ends
// the terminal's line.
func (m *Meter) Finish() {
	if !m.shown {
		return
	}
	m.write(m.now())
	if m.terminal {
		fmt.Fprintln(m.w)
	}
}

func (m *Meter) write(t time.Time) {
	line := m.what + ": " + Line(m.done, m.total, t.Sub(m.start))
	if m.terminal {
		fmt.Fprintf(m.w, "\r%s\x1b[K", line) // erase what a longer line left
	} else {
		fmt.Fprintln(m.w, line)
	}
	m.shown = true
}

// Line says how far a copy is: bytes done of the total with the percentage,
// the average rate so far, and the time left at that rate. Before a rate
// can be told (nothing done yet, or no time passed) it says so rather than
// guessing.
func Line(done, total int64, elapsed time.Duration) string {
	done = max(0, min(done, total))
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	s := fmt.Sprintf("%s of %s (%.0f %%)", human.Bytes(uint64(done)), human.Bytes(uint64(total)), pct)
	if done == 0 || elapsed <= 0 {
		return s + ", rate not known yet"
	}
	rate := float64(done) / elapsed.Seconds()
	left := time.Duration(float64(total-done) / rate * float64(time.Second))
	return fmt.Sprintf("%s, %s/s, %s left", s, human.Bytes(uint64(rate)), Duration(left))
}

// Duration is a time left as a person reads it: 45 s, 3 min 20 s, 2 h 05 min.
func Duration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %02d s", s/60, s%60)
	}
	return fmt.Sprintf("%d h %02d min", s/3600, s%3600/60)
}
