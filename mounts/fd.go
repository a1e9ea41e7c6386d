package mounts

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// handle is an open O_PATH descriptor, the path it was reached by (for
// messages), and its stat at open time.
type handle struct {
	fd   int
	path string
	st   unix.Stat_t
}

func (h handle) close() {
	if h.fd >= 0 {
		unix.Close(h.fd)
	}
}

func (h handle) isDir() bool  { return h.st.Mode&unix.S_IFMT == unix.S_IFDIR }
func (h handle) isFile() bool { return h.st.Mode&unix.S_IFMT == unix.S_IFREG }
func (h handle) isLink() bool { return h.st.Mode&unix.S_IFMT == unix.S_IFLNK }

// dup gives the caller its own descriptor for h, so walk can close as it goes.
func dup(h handle) (handle, error) {
	fd, err := unix.FcntlInt(uintptr(h.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return handle{fd: -1}, fmt.Errorf("dup %s: %w", h.path, err)
	}
	h.fd = fd
	return h, nil
}

// restat refreshes h.st, e.g. after changing owner and mode.
func restat(h *handle) error {
	if err := unix.Fstat(h.fd, &h.st); err != nil {
		return fmt.Errorf("stat %s: %w", h.path, err)
	}
	return nil
}

// fdPath is where the kernel says an fd is, as seen from this namespace.
func fdPath(fd int) (string, error) {
	p, err := readlinkRetry("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", fmt.Errorf("readlink /proc/self/fd/%d (is /proc mounted?): %w", fd, err)
	}
	return p, nil
}

func readlinkRetry(p string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlink(p, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// inside checks, after the fact, that an fd really is beneath root: the
// last guard against a lookup that escaped in a way we did not foresee.
func inside(h handle, root handle, canon string) error {
	p, err := fdPath(h.fd)
	if err != nil {
		return err
	}
	if p == canon || strings.HasPrefix(p, strings.TrimSuffix(canon, "/")+"/") {
		return nil
	}
	return refuse("This should not happen; report it with the output of `ls -l` on each part of the path.",
		"%s resolved to %s, which is outside %s", h.path, p, root.path)
}

// reopen turns an O_PATH fd into a real one, through its /proc magic link,
// without resolving any path again. Call it only after checking the type:
// reopening a FIFO or device would open it.
func reopen(h handle, flags int) (int, error) {
	fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(h.fd), flags|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("reopen %s (is /proc mounted?): %w", h.path, err)
	}
	return fd, nil
}

func typeName(mode uint32) string {
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

func join(dir, name string) string {
	if name == "" {
		return dir
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}
