package main

import (
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/progress"
)

// copyProgress shows a copy of restore or adopt advancing, on w (stderr,
// so that the report on stdout stays as it is): a line rewritten in place
// on a terminal, a plain line every few seconds elsewhere. report is the
// restore.Options.Progress; finish ends the line once the copy is over.
func copyProgress(w io.Writer, what string) (report func(done, total int64), finish func()) {
	var m *progress.Meter
	var last int64
	report = func(done, total int64) {
		if m == nil {
			m = progress.New(w, pathsafe.Printable(what), total, isTerminal(w))
		}
		m.Add(done - last)
		last = done
	}
	finish = func() {
		if m != nil {
			m.Finish()
		}
	}
	return report, finish
}

// isTerminal says whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
