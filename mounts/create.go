package mounts

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// makeDir creates the directory name beneath parent, owned uid:gid with
// exactly mode (the umask does not apply), and returns it opened.
func makeDir(parent handle, name string, uid, gid int, mode os.FileMode) (handle, error) {
	shown := join(parent.path, name)
	// 0700 until owner and mode are set, so nobody can use it in between.
	if err := unix.Mkdirat(parent.fd, name, 0o700); err != nil {
		return handle{fd: -1}, fmt.Errorf("create directory %s: %w", shown, err)
	}
	h, err := lookup(parent, name)
	if err != nil {
		return h, err
	}
	if !h.isDir() {
		h.close()
		return handle{fd: -1}, refuse("Find out what is replacing files there, then run again.",
			"%s was replaced by a %s while it was being created", shown, typeName(h.st.Mode))
	}
	fd, err := reopen(h, unix.O_RDONLY|unix.O_DIRECTORY)
	if err == nil {
		err = setOwnerMode(fd, shown, uid, gid, mode)
		unix.Close(fd)
	}
	if err == nil {
		err = restat(&h)
	}
	if err != nil {
		h.close()
		return handle{fd: -1}, err
	}
	return h, nil
}

// makeFile creates the regular file name beneath parent holding content,
// owned uid:gid with exactly mode. It writes an unnamed O_TMPFILE first and
// links it in only when complete, so a run killed half-way never leaves a
// file with the wrong owner, mode or content for the next run to keep.
func makeFile(parent handle, name string, uid, gid int, mode os.FileMode, content []byte) (handle, error) {
	shown := join(parent.path, name)
	fd, err := tmpFile(parent)
	inPlace := errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL)
	if inPlace {
		// The file system has no O_TMPFILE: create the file in place,
		// exclusively and without following a symlink.
		how := unix.OpenHow{Flags: unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_WRONLY | unix.O_CLOEXEC, Mode: 0o600, Resolve: resolveFlags}
		fd, err = openat2(parent.fd, name, &how, shown)
	}
	if err != nil {
		return handle{fd: -1}, fmt.Errorf("create file %s: %w", shown, err)
	}
	defer unix.Close(fd)
	if err := fill(fd, shown, content); err != nil {
		return handle{fd: -1}, err
	}
	if err := setOwnerMode(fd, shown, uid, gid, mode); err != nil {
		return handle{fd: -1}, err
	}
	if !inPlace {
		// linkat through the magic link names the unnamed file; see open(2).
		err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), parent.fd, name, unix.AT_SYMLINK_FOLLOW)
		if err != nil {
			return handle{fd: -1}, fmt.Errorf("create file %s: link: %w", shown, err)
		}
	}
	return createdFile(parent, name, fd)
}

// tmpFile opens an unnamed file in parent (O_TMPFILE).
func tmpFile(parent handle) (int, error) {
	how := unix.OpenHow{Flags: unix.O_TMPFILE | unix.O_WRONLY | unix.O_CLOEXEC, Mode: 0o600, Resolve: resolveFlags}
	return openat2(parent.fd, ".", &how, parent.path)
}

// createdFile opens the file just created by name and checks that it is
// the one we wrote.
func createdFile(parent handle, name string, fd int) (handle, error) {
	h, err := lookup(parent, name)
	if err != nil {
		return h, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		h.close()
		return handle{fd: -1}, fmt.Errorf("stat %s: %w", h.path, err)
	}
	if st.Dev != h.st.Dev || st.Ino != h.st.Ino {
		h.close()
		return handle{fd: -1}, refuse("Find out what is replacing files there, then run again.",
			"%s was replaced while it was being created", h.path)
	}
	return h, nil
}

func fill(fd int, shown string, content []byte) error {
	for len(content) > 0 {
		n, err := unix.Write(fd, content)
		if err != nil {
			return fmt.Errorf("write %s: %w", shown, err)
		}
		content = content[n:]
	}
	if err := unix.Fsync(fd); err != nil {
		return fmt.Errorf("sync %s: %w", shown, err)
	}
	return nil
}

// setOwnerMode sets owner first, then mode: chown clears set-id bits.
func setOwnerMode(fd int, shown string, uid, gid int, mode os.FileMode) error {
	if err := unix.Fchown(fd, uid, gid); err != nil {
		return fmt.Errorf("chown %s to %d:%d: %w", shown, uid, gid, err)
	}
	if err := unix.Fchmod(fd, unixMode(mode)); err != nil {
		return fmt.Errorf("chmod %s to %04o: %w", shown, unixMode(mode), err)
	}
	return nil
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
		return fmt.Errorf("sync %s: %w", root.path, err)
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
