package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/blankslate/blankslate/rootdiff"
)

// Source is what the listing reads from ZFS; internal/zfs/libzfs implements it.
type Source interface {
	// Diff writes `zfs diff -H -F fs@snap` (against the head) to w.
	Diff(fs, snap string, w io.Writer) error
}

// Listing is what was found on the root: its top-level names and the changed
// paths, at most a bound of them; Complete says whether that is all, and
// Limited, when not, why the list stops. Failed is set when the list stopped
// because the listing went wrong (zfs diff failed, the process died), as
// opposed to a configured bound (maxFiles, maxSeconds): such a list says
// nothing about what the root holds, and the root it is about must not be let
// go on its word (boot.Audit).
type Listing struct {
	Top      []Entry
	Files    []File
	Complete bool
	Limited  string
	Failed   string
}

// message is one line of the stream from the listing process to the boot
// step: exactly one field is set. The last line carries End.
type message struct {
	Top  []Entry `json:"top,omitempty"`
	File *File   `json:"file,omitempty"`
	End  *end    `json:"end,omitempty"`
}

type end struct {
	Complete bool   `json:"complete"`
	Limited  string `json:"limited,omitempty"`
	Failed   string `json:"failed,omitempty"` // why the listing failed; not a bound
}

// Bounds bound one listing: at most MaxFiles changed paths, for at most
// MaxTime. With StartWithin 0, MaxTime counts from the start; otherwise zfs
// diff must report its first changed path (or end) within StartWithin, and
// MaxTime counts from that first path. Setting up the diff takes a
// transaction group for its temporary snapshot, which on a busy pool after
// boot can take seconds: a bound that counted it would stop a listing before
// it saw anything and call that a complete answer to a question never asked.
type Bounds struct {
	MaxFiles    int
	MaxTime     time.Duration
	StartWithin time.Duration
}

// List streams, as JSON lines on w, what differs in the root dataset mounted
// (read-only) at dir from its snapshot: first its top-level names, then the
// changed paths from zfs diff within b, then a last line saying whether the
// list is complete, stopped at a bound, or failed. It runs in the listing
// process (`blankslate audit-list`), which only ever writes to w; the
// boot step reads the stream with Collect and is the only writer of the record.
// Its clock is its own (monotonic): a wall clock that steps does not move it.
//
// When the list stops early, libzfs's diff is left running: the listing
// process exits right after, which also releases the diff's temporary snapshot.
func List(src Source, dataset, snap, dir string, b Bounds, w io.Writer) error {
	enc := json.NewEncoder(w)
	top, err := topLevel(dir)
	if err != nil {
		return err
	}
	if err := enc.Encode(message{Top: top}); err != nil {
		return err
	}
	if b.MaxFiles <= 0 {
		return enc.Encode(message{End: &end{Limited: "maxFiles 0: no file list"}})
	}
	return enc.Encode(message{End: listFiles(src, dataset, snap, dir, b, enc)})
}

// listFiles streams the changed paths and says how the list ended.
func listFiles(src Source, dataset, snap, dir string, b Bounds, enc *json.Encoder) *end {
	files, stop := make(chan File), make(chan struct{})
	defer close(stop)
	done := make(chan error, 1)
	go func() { done <- diffLines(src, dataset, snap, dir, files, stop) }()
	started := time.Now()
	first := b.StartWithin
	if first <= 0 {
		first = b.MaxTime
	}
	timer := time.NewTimer(first)
	defer timer.Stop()
	for n := 0; ; {
		select {
		case f := <-files:
			if n == 0 && b.StartWithin > 0 {
				timer.Reset(b.MaxTime)
			}
			if err := enc.Encode(message{File: &f}); err != nil {
				return failed("the listing could not be sent: " + err.Error())
			}
			if n++; n == b.MaxFiles {
				return &end{Limited: fmt.Sprintf("stopped at maxFiles %d", b.MaxFiles)}
			}
		case err := <-done:
			if err != nil {
				return failed(err.Error())
			}
			return &end{Complete: true}
		case <-timer.C:
			if n == 0 && b.StartWithin > 0 {
				return failed(fmt.Sprintf("zfs diff reported nothing within %s", time.Since(started).Round(time.Second)))
			}
			return &end{Limited: fmt.Sprintf("stopped at maxSeconds, after %d changed paths", n)}
		}
	}
}

// failed is the last line of a listing that went wrong.
func failed(why string) *end {
	return &end{Limited: "the listing failed: " + why, Failed: why}
}

// diffLines sends each line of the diff as a File, until stop is closed.
func diffLines(src Source, dataset, snap, dir string, out chan<- File, stop <-chan struct{}) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(src.Diff(dataset, snap, pw)) }()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for sc.Scan() {
		c, err := rootdiff.ParseLine(sc.Text(), dir)
		if err != nil {
			pr.CloseWithError(err)
			return err
		}
		select {
		case out <- File{Change: string(c.Kind), Type: c.Type, Path: c.Path, NewPath: c.NewPath}:
		case <-stop:
			pr.Close()
			return nil
		}
	}
	return sc.Err()
}

// topLevel lists the root's top-level names, sorted.
func topLevel(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the root: %w", err)
	}
	out := make([]Entry, 0, len(des))
	for _, d := range des {
		t := "other"
		switch {
		case d.IsDir():
			t = "directory"
		case d.Type().IsRegular():
			t = "file"
		case d.Type()&os.ModeSymlink != 0:
			t = "symlink"
		}
		out = append(out, Entry{Name: d.Name(), Type: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
