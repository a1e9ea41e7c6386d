package restore

import (
	"bytes"
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// xattrMax is the kernel's own limit (XATTR_SIZE_MAX, XATTR_LIST_MAX):
// what is read from a kept root is never larger.
const xattrMax = 64 << 10

// copyXattrs copies every extended attribute of in to out: user.*,
// security.* (SELinux labels, file capabilities) and the POSIX ACLs,
// system.posix_acl_access and system.posix_acl_default. It runs after the
// owner is set, since chown drops security.capability.
func copyXattrs(out, in int, shown string) error {
	names, err := listXattrs(in, shown)
	if err != nil {
		return err
	}
	for _, name := range names {
		val, err := getXattr(in, name, shown)
		if errors.Is(err, unix.ENODATA) {
			continue // removed since it was listed
		}
		if err != nil {
			return err
		}
		if err := unix.Fsetxattr(out, name, val, 0); err != nil {
			return fmt.Errorf("restore %s: set the extended attribute %s: %w", shown, name, err)
		}
	}
	return nil
}

// copyXattrsOf copies the xattrs of the directory src to the directory dst.
func copyXattrsOf(src, dst pathsafe.Handle) error {
	in, err := pathsafe.Reopen(src, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(in)
	out, err := pathsafe.Reopen(dst, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(out)
	return copyXattrs(out, in, src.Path)
}

func listXattrs(fd int, shown string) ([]string, error) {
	buf := make([]byte, xattrMax)
	n, err := unix.Flistxattr(fd, buf)
	if errors.Is(err, unix.ENOTSUP) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("restore %s: list the extended attributes: %w", shown, err)
	}
	var names []string
	for _, b := range bytes.Split(buf[:n], []byte{0}) {
		if len(b) > 0 {
			names = append(names, string(b))
		}
	}
	return names, nil
}

func getXattr(fd int, name, shown string) ([]byte, error) {
	buf := make([]byte, xattrMax)
	n, err := unix.Fgetxattr(fd, name, buf)
	if err != nil {
		return nil, fmt.Errorf("restore %s: read the extended attribute %s: %w", shown, name, err)
	}
	return buf[:n], nil
}

// times are the access and modification times of src.
func times(src pathsafe.Handle) [2]unix.Timespec {
	return [2]unix.Timespec{src.Stat.Atim, src.Stat.Mtim}
}

// setTimes gives the open file fd the times of src: utimensat with a NULL
// path acts on the descriptor itself.
func setTimes(fd int, src pathsafe.Handle) error {
	ts := times(src)
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if e != 0 {
		return fmt.Errorf("restore %s: set the times: %w", src.Path, e)
	}
	return nil
}

// setTimesFD gives the directory dst the times of src.
func setTimesFD(dst, src pathsafe.Handle) error {
	fd, err := pathsafe.Reopen(dst, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return setTimes(fd, src)
}
