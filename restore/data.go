package restore

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// chunk is how much of a file is copied per read.
const chunk = 1 << 20

// writeCopy writes an unnamed copy of the regular file src in the
// directory parent, complete with owner, mode, xattrs and times, synced,
// and returns its descriptor, ready to be linked in. advance is told each
// stretch of the file done, holes included, so that the stretches add up
// to its size.
func writeCopy(src, parent pathsafe.Handle, advance func(int64)) (int, error) {
	in, err := pathsafe.Reopen(src, unix.O_RDONLY|unix.O_NOCTTY)
	if err != nil {
		return -1, err
	}
	defer unix.Close(in)
	how := unix.OpenHow{Flags: unix.O_TMPFILE | unix.O_RDWR | unix.O_CLOEXEC, Mode: 0o600, Resolve: pathsafe.Beneath}
	out, err := pathsafe.Openat2(parent.FD, ".", &how, parent.Path)
	if err != nil {
		return -1, fmt.Errorf("restore %s: an unnamed file in %s (O_TMPFILE): %w", src.Path, parent.Path, err)
	}
	err = copyData(out, in, src.Stat.Size, src.Path, advance)
	if err == nil {
		err = pathsafe.SetOwnerMode(out, src.Path, ownerOf(src), src.Stat.Mode&0o7777)
	}
	if err == nil {
		err = copyXattrs(out, in, src.Path)
	}
	if err == nil {
		err = setTimes(out, src)
	}
	if err == nil {
		err = unix.Fsync(out)
	}
	if err != nil {
		unix.Close(out)
		return -1, err
	}
	return out, nil
}

// copyData copies the first size bytes of in to out, only the parts that
// hold data: a hole stays a hole. A file system that cannot tell holes is
// copied whole.
func copyData(out, in int, size int64, shown string, advance func(int64)) error {
	buf := make([]byte, chunk)
	for off := int64(0); off < size; {
		data, err := unix.Seek(in, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			advance(size - off)
			break // a hole up to the end
		}
		end := size
		if err == nil {
			if hole, herr := unix.Seek(in, data, unix.SEEK_HOLE); herr == nil && hole < size {
				end = hole
			}
		} else {
			data = off // no SEEK_DATA here: copy the rest
		}
		advance(data - off) // the hole before the data
		if err := copyRange(out, in, data, end, buf, shown, advance); err != nil {
			return err
		}
		off = end
	}
	if err := unix.Ftruncate(out, size); err != nil {
		return fmt.Errorf("restore %s: set the size: %w", shown, err)
	}
	return nil
}

func copyRange(out, in int, from, to int64, buf []byte, shown string, advance func(int64)) error {
	for from < to {
		n, err := unix.Pread(in, buf[:min(int64(len(buf)), to-from)], from)
		if err != nil {
			return fmt.Errorf("restore %s: read: %w", shown, err)
		}
		if n == 0 {
			return nil // shorter than when it was opened: the rest is a hole
		}
		if _, err := unix.Pwrite(out, buf[:n], from); err != nil {
			return fmt.Errorf("restore %s: write: %w", shown, err)
		}
		from += int64(n)
		advance(int64(n))
	}
	return nil
}
