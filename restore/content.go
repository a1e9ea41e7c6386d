package restore

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// extents reads a file by its allocated data only (SEEK_DATA/SEEK_HOLE, as
// copyData writes it): a hole reads as zeros without being read, so a
// sparse file of an exabyte costs what it holds, not what it says.
type extents struct {
	fd    int
	shown string
	size  int64
	flat  bool // the file system cannot tell holes: all of it is data
}

// dataFrom is where the next data at or after off starts (size if none).
func (e *extents) dataFrom(off int64) (int64, error) {
	if e.flat {
		return off, nil
	}
	d, err := unix.Seek(e.fd, off, unix.SEEK_DATA)
	switch {
	case errors.Is(err, unix.ENXIO):
		return e.size, nil
	case errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP):
		e.flat = true
		return off, nil
	case err != nil:
		return 0, fmt.Errorf("find data in %s: %w", e.shown, err)
	}
	return min(d, e.size), nil
}

// holeFrom is where the data at off ends (size at the latest).
func (e *extents) holeFrom(off int64) (int64, error) {
	if e.flat {
		return e.size, nil
	}
	h, err := unix.Seek(e.fd, off, unix.SEEK_HOLE)
	if err != nil {
		return e.size, nil // changed since: read to the end
	}
	return min(h, e.size), nil
}

// read fills buf from off; past the end of what the file now holds it
// reads zeros, as a file that shrank since it was opened would be copied.
func (e *extents) read(buf []byte, off int64) error {
	for len(buf) > 0 {
		n, err := unix.Pread(e.fd, buf, off)
		if err != nil {
			return fmt.Errorf("read %s: %w", e.shown, err)
		}
		if n == 0 {
			clear(buf)
			return nil
		}
		buf, off = buf[n:], off+int64(n)
	}
	return nil
}

func openExtents(h pathsafe.Handle) (*extents, error) {
	fd, err := pathsafe.Reopen(h, unix.O_RDONLY|unix.O_NOCTTY|unix.O_NOATIME)
	if errors.Is(err, unix.EPERM) {
		fd, err = pathsafe.Reopen(h, unix.O_RDONLY|unix.O_NOCTTY)
	}
	if err != nil {
		return nil, err
	}
	return &extents{fd: fd, shown: h.Path, size: h.Stat.Size}, nil
}

// firstDifference compares the regular files a and b, of a's size, and
// returns the offset of the first byte where they differ, or -1. Only the
// ranges that hold data in either file are read; a range that is a hole
// in both is equal without reading it.
func firstDifference(a, b pathsafe.Handle) (int64, error) {
	ea, err := openExtents(a)
	if err != nil {
		return 0, err
	}
	defer unix.Close(ea.fd)
	eb, err := openExtents(b)
	if err != nil {
		return 0, err
	}
	defer unix.Close(eb.fd)
	bufA, bufB := make([]byte, chunk), make([]byte, chunk)
	for off := int64(0); off < ea.size; {
		start, end, err := nextDataRange(ea, eb, off)
		if err != nil || start >= ea.size {
			return -1, err
		}
		for p := start; p < end; {
			n := min(int64(chunk), end-p)
			if err := ea.read(bufA[:n], p); err != nil {
				return 0, err
			}
			if err := eb.read(bufB[:n], p); err != nil {
				return 0, err
			}
			if i := firstMismatch(bufA[:n], bufB[:n]); i >= 0 {
				return p + int64(i), nil
			}
			p += n
		}
		off = end
	}
	return -1, nil
}

// nextDataRange is the next range at or after off where either file holds
// data, up to where that changes for either of them.
func nextDataRange(ea, eb *extents, off int64) (int64, int64, error) {
	da, err := ea.dataFrom(off)
	if err != nil {
		return 0, 0, err
	}
	db, err := eb.dataFrom(off)
	if err != nil {
		return 0, 0, err
	}
	start, end := min(da, db), ea.size
	for _, x := range []struct {
		e    *extents
		data int64
	}{{ea, da}, {eb, db}} {
		if x.data > start {
			end = min(end, x.data) // a hole in this one until then
			continue
		}
		h, err := x.e.holeFrom(start)
		if err != nil {
			return 0, 0, err
		}
		end = min(end, h)
	}
	return start, max(end, min(start+1, ea.size)), nil
}

func firstMismatch(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
