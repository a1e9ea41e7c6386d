package pathsafe

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// StagingPrefix starts the name of a staging directory: root's, mode
// 0700, made beside where an object goes, so that the object can be made
// and given its owner, mode and times where nobody else can rename
// anything, then moved into place. It is the same for every run and
// every target name, so the next run finds what a killed one left.
const StagingPrefix = ".blankslate-staging."

// staged is the one name an object has inside its staging directory.
const staged = "o"

// Staging is a directory only root can write, in parent, a directory
// others may write. Setting the owner of a name in parent would act on
// whatever its user renamed there in between; in the staging directory
// nobody else can rename anything, so what is changed by name there is
// the object just made.
type Staging struct {
	parent, dir Handle
	name        string
}

// stagingName is the staging directory for name; a name too long for the
// prefix is hashed.
func stagingName(name string) string {
	if len(StagingPrefix)+len(name) <= 255 {
		return StagingPrefix + name
	}
	sum := sha256.Sum256([]byte(name))
	return StagingPrefix + hex.EncodeToString(sum[:16])
}

// NewStaging makes (or takes over, emptied, from a killed run) the
// staging directory for name beneath parent. Whatever is found at its
// name must be a directory owned by this process's user and writable by
// nobody else; anything else is refused, not touched.
func NewStaging(parent Handle, name string) (*Staging, error) {
	s := &Staging{parent: parent, dir: None, name: stagingName(name)}
	err := sys.mkdirat(parent.FD, s.name, 0o700)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("create the staging directory %s: %w", Join(parent.Path, s.name), err)
	}
	if s.dir, err = Lookup(parent, s.name); err != nil {
		return nil, err
	}
	if err := s.private(); err != nil {
		s.dir.Close()
		return nil, err
	}
	if err := s.clear(); err != nil {
		s.dir.Close()
		return nil, err
	}
	return s, nil
}

// private refuses a staging directory anyone but this user could write.
func (s *Staging) private() error {
	st := s.dir.Stat
	if !s.dir.IsDir() || int(st.Uid) != os.Geteuid() || st.Mode&0o077 != 0 {
		return Refuse(RaceFix+" Or remove it if a run was killed.",
			"%s, a staging directory, is a %s owned by uid %d with mode %04o, not a directory of uid %d only it can enter",
			s.dir.Path, TypeName(st.Mode), st.Uid, st.Mode&0o7777, os.Geteuid())
	}
	return nil
}

// clear removes what a killed run left inside: a symlink or an empty
// directory, never a file nor anything beneath a directory.
func (s *Staging) clear() error {
	h, err := Lookup(s.dir, staged)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer h.Close()
	switch {
	case h.IsLink():
		err = unix.Unlinkat(s.dir.FD, staged, 0)
	case h.IsDir():
		err = unix.Unlinkat(s.dir.FD, staged, unix.AT_REMOVEDIR)
	default:
		err = fmt.Errorf("it is a %s", TypeName(h.Stat.Mode))
	}
	if err != nil {
		return Refuse("Look at it; remove it if nothing in it matters, then run again.",
			"%s, left by a run that was killed, cannot be removed (%v)", h.Path, err)
	}
	return nil
}

// Dir is the staging directory, and Name the name of the object made in
// it: whatever is made there by name is safe from everyone but root.
func (s *Staging) Dir() Handle  { return s.dir }
func (s *Staging) Name() string { return staged }

// Mkdir makes the directory in the staging directory, owned by o with
// exactly mode, and returns it opened; Place moves it into place.
func (s *Staging) Mkdir(o Owner, mode uint32) (Handle, error) {
	if err := sys.mkdirat(s.dir.FD, staged, 0o700); err != nil {
		return None, fmt.Errorf("create a directory in %s: %w", s.dir.Path, err)
	}
	return finishTemp(s.dir, staged, o, mode)
}

// Symlink makes the symlink to target in the staging directory, owned by
// o, with the access and modification times ts; Place moves it into place.
func (s *Staging) Symlink(target string, o Owner, ts [2]unix.Timespec) error {
	if err := sys.symlinkat(target, s.dir.FD, staged); err != nil {
		return fmt.Errorf("create a symlink in %s: %w", s.dir.Path, err)
	}
	if err := unix.Fchownat(s.dir.FD, staged, o.UID, o.GID, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("chown the symlink made in %s to %d:%d: %w", s.dir.Path, o.UID, o.GID, err)
	}
	if err := unix.UtimesNanoAt(s.dir.FD, staged, ts[:], unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set the times of the symlink made in %s: %w", s.dir.Path, err)
	}
	return nil
}

// Place renames the object made into name beneath parent: never over
// anything unless replace, and never over a directory (the kernel refuses
// a non-directory over one).
func (s *Staging) Place(name string, replace bool) error {
	flags := uint(unix.RENAME_NOREPLACE)
	if replace {
		flags = 0
	}
	if err := unix.Renameat2(s.dir.FD, staged, s.parent.FD, name, flags); err != nil {
		return fmt.Errorf("move %s into place: %w", Join(s.parent.Path, name), err)
	}
	return nil
}

// Close removes what is left in the staging directory and the directory
// itself. Removing it by name in parent is no risk: rmdir removes only an
// empty directory, which parent's users may remove themselves.
func (s *Staging) Close() {
	_ = s.clear()
	s.dir.Close()
	_ = unix.Unlinkat(s.parent.FD, s.name, unix.AT_REMOVEDIR)
}

// MkdirStaged creates the directory name beneath parent, owned by o with
// exactly mode, as MkdirComplete does, but for a parent others may write:
// it is made and given its owner and mode in a staging directory, then
// renamed into place with RENAME_NOREPLACE. An existing name is an error
// matching unix.EEXIST.
func MkdirStaged(parent Handle, name string, o Owner, mode uint32) (Handle, error) {
	s, err := NewStaging(parent, name)
	if err != nil {
		return None, err
	}
	defer s.Close()
	h, err := s.Mkdir(o, mode)
	if err == nil {
		err = s.Place(name, false)
	}
	if err != nil {
		h.Close()
		return None, err
	}
	h.Path = Join(parent.Path, name)
	return h, nil
}
