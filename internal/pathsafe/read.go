package pathsafe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrTooLarge matches (with errors.Is) a file longer than the read limit.
var ErrTooLarge = errors.New("file too large")

// ReadBeneath reads the regular file rel beneath dir, at most limit bytes.
// It walks one component at a time: no symlink anywhere, every directory on
// the way and the file itself must pass rule (nobody less trusted may have
// written what is read). The file is opened with O_NONBLOCK, so a FIFO
// cannot hang the boot, only if it is a regular file, and a file holding
// more than limit bytes is an error, never a truncated read, so that a
// huge file cannot exhaust memory.
func ReadBeneath(dir Handle, rel string, rule Rule, limit int64) ([]byte, error) {
	parentRel, name := path.Split(rel)
	parent, err := Walk(dir, strings.TrimSuffix(parentRel, "/"), rule, nil)
	if err != nil {
		return nil, err
	}
	defer parent.Close()
	h, err := Lookup(parent, name)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	if !h.IsFile() {
		return nil, notRegular(h)
	}
	if err := rule.Check(h); err != nil {
		return nil, err
	}
	return readHandle(h, limit)
}

// ReadSystemFile reads a file of the running system itself, such as the
// initrd's /etc/passwd, at most limit bytes. Its path is the system's own
// and may pass through symlinks (NixOS links /etc files into the store),
// but the file must be regular: O_NONBLOCK keeps a FIFO from hanging the
// boot, and the limit keeps a huge file from exhausting memory.
func ReadSystemFile(p string, limit int64) ([]byte, error) {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	h, err := handleOf(fd, p)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	return readHandle(h, limit)
}

// readHandle reads the regular file h refers to, at most limit bytes.
func readHandle(h Handle, limit int64) ([]byte, error) {
	if !h.IsFile() {
		return nil, notRegular(h)
	}
	fd, err := Reopen(h, unix.O_RDONLY|unix.O_NOCTTY)
	if err != nil {
		return nil, err
	}
	return readLimited(fd, h.Path, limit)
}

func notRegular(h Handle) error {
	return Refuse("Replace it with a regular file.", "%s is a %s, not a regular file; it was not read", h.Path, TypeName(h.Stat.Mode))
}

// readLimited reads a regular file's descriptor (and closes it): the size
// from fstat must be within limit, and so must what is actually read, since
// the file may grow while it is read.
func readLimited(fd int, shown string, limit int64) ([]byte, error) {
	f := os.NewFile(uintptr(fd), shown)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("stat %s: %w", shown, err)
	}
	if st.Size > limit {
		return nil, fmt.Errorf("%s holds %d bytes, more than the %d read at most; it was not read: %w", shown, st.Size, limit, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s holds more than the %d bytes read at most; it was not read: %w", shown, limit, ErrTooLarge)
	}
	return data, nil
}
