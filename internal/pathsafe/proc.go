package pathsafe

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// procSelfFD is where the kernel names each descriptor of this process.
const procSelfFD = "/proc/self/fd/"

// procChecked remembers that /proc was found to be procfs. Only root can
// mount over /proc, and blankslate runs as root, so once proven it stays
// proven for the life of the process: the check then costs one statfs per
// run instead of one per path resolved through /proc (six an entry).
var procChecked atomic.Bool

// checkProc proves /proc is the kernel's procfs before anything is
// resolved through it: a tmpfs or FUSE mounted over /proc could otherwise
// answer "where is this fd" with anything, or hand back another file.
func checkProc() error {
	if procChecked.Load() {
		return nil
	}
	if err := statProc(); err != nil {
		return err
	}
	procChecked.Store(true)
	return nil
}

func statProc() error {
	var fs unix.Statfs_t
	if err := unix.Statfs("/proc", &fs); err != nil {
		return fmt.Errorf("statfs /proc (is /proc mounted?): %w", err)
	}
	if fs.Type != unix.PROC_SUPER_MAGIC {
		return Refuse("Mount the kernel's procfs there (mount -t proc proc /proc), then run again.",
			"/proc is not procfs (file system magic %#x)", fs.Type)
	}
	return nil
}

// ProcFD is the /proc magic link of fd, after checking that /proc is procfs.
func ProcFD(fd int) (string, error) {
	if err := checkProc(); err != nil {
		return "", err
	}
	return procSelfFD + strconv.Itoa(fd), nil
}

// RealPath is where the kernel says h is, as seen from this mount namespace.
func RealPath(h Handle) (string, error) {
	p, err := ProcFD(h.FD)
	if err != nil {
		return "", err
	}
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlink(p, buf)
		if err != nil {
			return "", fmt.Errorf("find where %s is (readlink %s): %w", h.Path, p, err)
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// Within checks, after the fact, that h really is rootReal (the real path
// of a root, from RealPath) or beneath it: the last guard against a lookup
// that escaped in a way nobody foresaw.
func Within(h Handle, rootReal, rootShown string) error {
	p, err := RealPath(h)
	if err != nil {
		return err
	}
	if p == rootReal || strings.HasPrefix(p, strings.TrimSuffix(rootReal, "/")+"/") {
		return nil
	}
	return Refuse("This should not happen; report it with the output of `ls -l` on each part of the path.",
		"%s resolved to %s, which is outside %s", h.Path, p, rootShown)
}

// Reopen turns an O_PATH handle into a real descriptor through its /proc
// magic link, without resolving any path again. Only a directory or a
// regular file is ever opened, always with O_NONBLOCK: opening a FIFO
// could block for ever, opening a device could act on it.
func Reopen(h Handle, flags int) (int, error) {
	if !h.IsDir() && !h.IsFile() {
		return -1, Refuse("Move it away; blankslate opens only directories and regular files there.",
			"%s is a %s; it was not opened", h.Path, TypeName(h.Stat.Mode))
	}
	p, err := ProcFD(h.FD)
	if err != nil {
		return -1, err
	}
	fd, err := unix.Open(p, flags|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("reopen %s: %w", h.Path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Dev != h.Stat.Dev || st.Ino != h.Stat.Ino {
		unix.Close(fd)
		return -1, Refuse(RaceFix, "%s changed while it was being opened", h.Path)
	}
	return fd, nil
}
