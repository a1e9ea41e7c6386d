package pathsafe

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Handle is an open O_PATH descriptor, the path it was reached by (for
// messages only; it is never resolved again) and its stat when opened.
type Handle struct {
	FD   int
	Path string
	Stat unix.Stat_t
}

// None is the handle of nothing; closing it does nothing.
var None = Handle{FD: -1}

// Close releases the descriptor, if any.
func (h Handle) Close() {
	if h.FD >= 0 {
		unix.Close(h.FD)
	}
}

// IsDir, IsFile and IsLink tell the type from the stat taken at open time.
func (h Handle) IsDir() bool  { return h.Stat.Mode&unix.S_IFMT == unix.S_IFDIR }
func (h Handle) IsFile() bool { return h.Stat.Mode&unix.S_IFMT == unix.S_IFREG }
func (h Handle) IsLink() bool { return h.Stat.Mode&unix.S_IFMT == unix.S_IFLNK }

// Same reports whether two handles are the same file (device and inode).
func (h Handle) Same(o Handle) bool { return h.Stat.Dev == o.Stat.Dev && h.Stat.Ino == o.Stat.Ino }

// Dup gives the caller a descriptor of its own for h.
func (h Handle) Dup() (Handle, error) {
	fd, err := unix.FcntlInt(uintptr(h.FD), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return None, fmt.Errorf("dup %s: %w", h.Path, err)
	}
	h.FD = fd
	return h, nil
}

// Restat refreshes h.Stat, e.g. after changing owner and mode.
func (h *Handle) Restat() error {
	if err := unix.Fstat(h.FD, &h.Stat); err != nil {
		return fmt.Errorf("stat %s: %w", h.Path, err)
	}
	return nil
}

// handleOf wraps a new descriptor, taking its stat; fd is closed on error.
func handleOf(fd int, shown string) (Handle, error) {
	h := Handle{FD: fd, Path: shown}
	if err := h.Restat(); err != nil {
		h.Close()
		return None, err
	}
	return h, nil
}

// TypeName names a file type for messages: "FIFO", "regular file" …
func TypeName(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFIFO:
		return "FIFO"
	case unix.S_IFCHR:
		return "character device"
	case unix.S_IFBLK:
		return "block device"
	case unix.S_IFSOCK:
		return "socket"
	}
	return fmt.Sprintf("file of unknown type %o", mode&unix.S_IFMT)
}

// Join names name inside dir, for messages.
func Join(dir, name string) string {
	if name == "" {
		return dir
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}
