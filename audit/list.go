package audit

import (
	"bufio"
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

// List fills in the record from the root dataset mounted (read-only) at dir:
// first its top-level names, saved at once, then the changed paths from zfs
// diff, at most maxFiles of them and until deadline, saved when the list is
// complete or stops. save is called after each step, so that a listing killed
// half-way leaves the record of the steps before.
//
// When the list stops early, libzfs's diff is left running in the background:
// List is meant for a process that exits afterwards (the audit child), whose
// exit also releases the diff's temporary snapshot.
func List(src Source, r *Record, dir string, maxFiles int, deadline time.Time, save func(*Record) error) error {
	top, err := topLevel(dir)
	if err != nil {
		return err
	}
	r.Top = top
	if err := save(r); err != nil {
		return err
	}
	if maxFiles == 0 {
		r.Limited = "maxFiles 0: no file list"
		return save(r)
	}
	files, stop := make(chan File), make(chan struct{})
	defer close(stop)
	done := make(chan error, 1)
	go func() { done <- diffLines(src, r, dir, files, stop) }()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case f := <-files:
			r.Files = append(r.Files, f)
			if len(r.Files) == maxFiles {
				r.Limited = fmt.Sprintf("stopped at maxFiles %d", maxFiles)
				return save(r)
			}
		case err := <-done:
			if err != nil {
				r.Limited = "the listing failed: " + err.Error()
				return save(r)
			}
			r.Complete = true
			return save(r)
		case <-timer.C:
			r.Limited = fmt.Sprintf("stopped at maxSeconds, after %d changed paths", len(r.Files))
			return save(r)
		}
	}
}

// diffLines sends each line of the diff as a File, until stop is closed.
func diffLines(src Source, r *Record, dir string, out chan<- File, stop <-chan struct{}) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(src.Diff(r.Dataset, r.Snapshot, pw)) }()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
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
