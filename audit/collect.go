package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// maxLine bounds one line of a diff or of the stream: a changed path and its
// new name, escaped, fit many times over (PATH_MAX is 4096 bytes, and an
// escaped byte takes at most five).
const maxLine = 1 << 20

// Collect reads the stream List writes, keeping at most maxFiles changed
// paths and at most maxTop top-level names, so that a listing process gone
// wrong cannot make the boot step hold more. A stream that stops before its
// last line (the process was killed, or died), or whose last line says the
// listing failed, gives what arrived, marked incomplete and Failed, and the
// error that says why.
func Collect(r io.Reader, maxFiles int) (Listing, error) {
	var l Listing
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return stopped(l, fmt.Errorf("the listing sent a line that is not a listing message: %w", err))
		}
		switch {
		case m.End != nil && m.End.Failed != "":
			l.Limited = m.End.Limited
			return stopped(l, fmt.Errorf("the listing failed: %s", m.End.Failed))
		case m.End != nil:
			l.Complete, l.Limited = m.End.Complete, m.End.Limited
			return l, nil
		case m.File != nil && len(l.Files) < maxFiles:
			l.Files = append(l.Files, *m.File)
		case m.File != nil:
			return stopped(l, fmt.Errorf("the listing sent more than maxFiles %d changed paths", maxFiles))
		case len(m.Top) > 0 && len(l.Top) == 0:
			l.Top = m.Top[:min(len(m.Top), maxTop)]
		}
	}
	err := sc.Err()
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return stopped(l, fmt.Errorf("the listing ended early: %w", err))
}

// maxTop bounds the root's top-level names kept in a record.
const maxTop = 10000

func stopped(l Listing, err error) (Listing, error) {
	l.Complete, l.Failed = false, err.Error()
	if l.Limited == "" {
		l.Limited = err.Error()
	}
	return l, err
}
