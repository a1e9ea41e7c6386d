package pathsafe

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Owner is who a created file or directory belongs to.
type Owner struct{ UID, GID int }

// TempPrefix starts the name of a directory being created. Such a name is
// never taken for a finished directory: a run killed before the rename
// leaves only this, which the next creation of the same name removes
// while it is still empty.
const TempPrefix = ".blankslate-new."

// tempName is where name is made before it is renamed into place. It is
// the same for every run, so a stale one is found without listing the
// directory; a name too long for the prefix is hashed.
func tempName(name string) string {
	if len(TempPrefix)+len(name) <= 255 {
		return TempPrefix + name
	}
	sum := sha256.Sum256([]byte(name))
	return TempPrefix + hex.EncodeToString(sum[:16])
}

// MkdirComplete creates the directory name beneath parent, owned by o with
// exactly mode (the umask does not apply), and returns it opened. It is
// made under a temporary name, 0700 root's until owner and mode are set,
// then renamed into place with RENAME_NOREPLACE: until it is complete
// nothing is at name, so a run killed half-way leaves nothing the next run
// would accept. An existing name is an error matching unix.EEXIST.
func MkdirComplete(parent Handle, name string, o Owner, mode uint32) (Handle, error) {
	shown := Join(parent.Path, name)
	tmp := tempName(name)
	if err := removeStaleTemp(parent, tmp); err != nil {
		return None, err
	}
	if err := sys.mkdirat(parent.FD, tmp, 0o700); err != nil {
		return None, fmt.Errorf("create directory %s (as %s): %w", shown, tmp, err)
	}
	h, err := finishTemp(parent, tmp, o, mode)
	if err == nil {
		err = unix.Renameat2(parent.FD, tmp, parent.FD, name, unix.RENAME_NOREPLACE)
		if err != nil {
			err = fmt.Errorf("create directory %s: rename %s into place: %w", shown, tmp, err)
		}
	}
	if err != nil {
		h.Close()
		_ = unix.Unlinkat(parent.FD, tmp, unix.AT_REMOVEDIR) // empty: nothing is lost
		return None, err
	}
	h.Path = shown
	if err := sameAt(parent, name, h); err != nil {
		h.Close()
		return None, err
	}
	return h, nil
}

// sameAt checks that name beneath parent is h, e.g. after a rename.
func sameAt(parent Handle, name string, h Handle) error {
	now, err := Lookup(parent, name)
	if err != nil {
		return err
	}
	defer now.Close()
	if !now.Same(h) {
		return Refuse(RaceFix, "%s was replaced while it was being created", h.Path)
	}
	return nil
}

// finishTemp opens the new temporary directory and gives it owner and mode.
func finishTemp(parent Handle, tmp string, o Owner, mode uint32) (Handle, error) {
	h, err := Lookup(parent, tmp)
	if err != nil {
		return None, err
	}
	if !h.IsDir() {
		h.Close()
		return None, Refuse(RaceFix, "%s was replaced by a %s while it was being created", h.Path, TypeName(h.Stat.Mode))
	}
	fd, err := Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY)
	if err == nil {
		err = SetOwnerMode(fd, h.Path, o, mode)
		unix.Close(fd)
	}
	if err == nil {
		err = h.Restat()
	}
	if err != nil {
		h.Close()
		return None, err
	}
	return h, nil
}

// removeStaleTemp removes what a killed run left at tmp. rmdir removes
// only an empty directory and never follows a symlink, so nothing of value
// can be lost; anything else there is refused, not touched.
func removeStaleTemp(parent Handle, tmp string) error {
	err := unix.Unlinkat(parent.FD, tmp, unix.AT_REMOVEDIR)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return Refuse("Look at it; remove it if nothing in it matters, then run again.",
		"%s, the temporary name of a directory being created, is taken and cannot be removed (%v)", Join(parent.Path, tmp), err)
}

// CreateFile creates the regular file name beneath parent holding content,
// owned by o with exactly mode, as MkdirComplete creates a directory: under
// its temporary name, exclusively and without following a symlink, filled,
// given owner and mode, then renamed into place with RENAME_NOREPLACE. A run
// killed half-way leaves nothing at name for the next run to keep, and the
// next run removes the temporary file. (An unnamed O_TMPFILE linked in would
// do the same for a kill, but OpenZFS's intent log does not record the
// creation of an O_TMPFILE file, so after a power cut its replay drops the
// link: docs/RELIABILITY.md.) An existing name is an error matching
// unix.EEXIST.
func CreateFile(parent Handle, name string, o Owner, mode uint32, content []byte) (Handle, error) {
	shown := Join(parent.Path, name)
	tmp := tempName(name)
	if err := removeStaleTempFile(parent, tmp); err != nil {
		return None, err
	}
	how := unix.OpenHow{Flags: unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_WRONLY | unix.O_NONBLOCK | unix.O_CLOEXEC, Mode: 0o600, Resolve: Beneath}
	fd, err := Openat2(parent.FD, tmp, &how, Join(parent.Path, tmp))
	if err != nil {
		return None, fmt.Errorf("create file %s (as %s): %w", shown, tmp, err)
	}
	defer unix.Close(fd)
	err = fill(fd, shown, content)
	if err == nil {
		err = SetOwnerMode(fd, shown, o, mode)
	}
	if err == nil {
		if err = unix.Renameat2(parent.FD, tmp, parent.FD, name, unix.RENAME_NOREPLACE); err != nil {
			err = fmt.Errorf("create file %s: rename %s into place: %w", shown, tmp, err)
		}
	}
	if err != nil {
		_ = unix.Unlinkat(parent.FD, tmp, 0) // ours, incomplete: nothing is lost
		return None, err
	}
	return createdFile(parent, name, fd)
}

// removeStaleTempFile removes what a killed run left at tmp, the temporary
// name of a file: unlinkat removes the name only and never follows a
// symlink. A directory there is refused, not touched.
func removeStaleTempFile(parent Handle, tmp string) error {
	err := unix.Unlinkat(parent.FD, tmp, 0)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return Refuse("Look at it; remove it if nothing in it matters, then run again.",
		"%s, the temporary name of a file being created, is taken and cannot be removed (%v)", Join(parent.Path, tmp), err)
}

// createdFile opens the file just created by name and checks that it is
// the one written.
func createdFile(parent Handle, name string, fd int) (Handle, error) {
	h, err := Lookup(parent, name)
	if err != nil {
		return None, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		h.Close()
		return None, fmt.Errorf("stat %s: %w", h.Path, err)
	}
	if st.Dev != h.Stat.Dev || st.Ino != h.Stat.Ino {
		h.Close()
		return None, Refuse(RaceFix, "%s was replaced while it was being created", h.Path)
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

// SetOwnerMode sets owner first, then mode: chown clears set-id bits.
func SetOwnerMode(fd int, shown string, o Owner, mode uint32) error {
	if err := sys.fchown(fd, o.UID, o.GID); err != nil {
		return fmt.Errorf("chown %s to %d:%d: %w", shown, o.UID, o.GID, err)
	}
	if err := unix.Fchmod(fd, mode); err != nil {
		return fmt.Errorf("chmod %s to %04o: %w", shown, mode, err)
	}
	return nil
}
