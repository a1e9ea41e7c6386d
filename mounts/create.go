package mounts

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// makeDir creates the directory name beneath parent, owned o with exactly
// mode (the umask does not apply), and returns it opened. It appears at
// name only once complete, so a run killed half-way leaves nothing the next
// run would take for a finished copy. In a parent someone other than root
// may write (a home directory), it is made in a staging directory only root
// can enter (pathsafe.MkdirStaged): made in the parent itself, the user could
// rename one of root's directories over it before its owner is set, and be
// given that one.
func makeDir(parent handle, name string, o pathsafe.Owner, mode os.FileMode) (handle, error) {
	if othersMayWrite(parent) {
		return pathsafe.MkdirStaged(parent, name, o, unixMode(mode))
	}
	return pathsafe.MkdirComplete(parent, name, o, unixMode(mode))
}

// othersMayWrite: the directory is not root's, or its group or others may write it.
func othersMayWrite(dir handle) bool {
	return dir.Stat.Uid != 0 || dir.Stat.Mode&0o022 != 0
}

// makeFile creates the regular file name beneath parent holding content,
// owned o with exactly mode, complete or not at all (pathsafe.CreateFile).
func makeFile(parent handle, name string, o pathsafe.Owner, mode os.FileMode, content []byte) (handle, error) {
	return pathsafe.CreateFile(parent, name, o, unixMode(mode), content)
}

// syncRoot makes what Apply created under a root durable with one syncfs(2)
// instead of an fsync per directory: on ZFS every fsync is a ZIL commit, and
// 1,000 entries took seconds of them. A copy lost to a power cut before this
// point was empty and is simply created again by the next boot.
func syncRoot(root handle) error {
	fd, err := reopen(root, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Syncfs(fd); err != nil {
		return fmt.Errorf("sync %s: %w", root.Path, err)
	}
	return nil
}

// unixMode converts Go's mode bits to the kernel's, set-id and sticky
// bits included.
func unixMode(m os.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&os.ModeSetuid != 0 {
		u |= unix.S_ISUID
	}
	if m&os.ModeSetgid != 0 {
		u |= unix.S_ISGID
	}
	if m&os.ModeSticky != 0 {
		u |= unix.S_ISVTX
	}
	return u
}
