package pathsafe

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Lookup opens one component, name, beneath parent as O_PATH without
// following a symlink: a symlink yields a handle for the link itself, which
// the caller sees and refuses. Kernel errors are wrapped, so callers learn
// that something is missing with errors.Is(err, unix.ENOENT).
func Lookup(parent Handle, name string) (Handle, error) {
	shown := Join(parent.Path, name)
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return None, fmt.Errorf("bad path component %q in %s", name, shown)
	}
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: Beneath}
	fd, err := Openat2(parent.FD, name, &how, shown)
	if err != nil {
		return None, fmt.Errorf("look up %s: %w", shown, err)
	}
	return handleOf(fd, shown)
}

// Creator makes the missing directory name beneath parent and returns it
// opened; Walk calls it for each missing component.
type Creator func(parent Handle, name string) (Handle, error)

// Walk opens the directory rel (slash-separated, relative; "" is start
// itself) beneath start one component at a time. Each component must be a
// real directory that passes rule. A missing one is made by create when it
// is not nil; if something else appears there first, that is judged instead.
func Walk(start Handle, rel string, rule Rule, create Creator) (Handle, error) {
	cur, err := start.Dup()
	if err != nil || rel == "" {
		return cur, err
	}
	for _, name := range strings.Split(rel, "/") {
		next, err := Lookup(cur, name)
		if errors.Is(err, unix.ENOENT) && create != nil {
			next, err = create(cur, name)
			if errors.Is(err, unix.EEXIST) {
				next, err = Lookup(cur, name)
			}
		}
		if err == nil {
			err = MustBeDir(next)
		}
		if err == nil {
			err = rule.Check(next)
		}
		cur.Close()
		if err != nil {
			next.Close()
			return None, err
		}
		cur = next
	}
	return cur, nil
}

// OpenPath opens an absolute path given by the caller (a command line, a
// unit file) as O_PATH without following a symlink anywhere on it, the
// last component included: a symlink there yields the link itself.
func OpenPath(p string) (Handle, error) {
	if !path.IsAbs(p) || path.Clean(p) != p {
		return None, fmt.Errorf("%q must be an absolute, clean path", p)
	}
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := Openat2(unix.AT_FDCWD, p, &how, p)
	if errors.Is(err, unix.ELOOP) {
		return None, Refuse("Give the real path, without symlinks on it.", "%s lies beneath a symlink", p)
	}
	if err != nil {
		return None, fmt.Errorf("open %s: %w", p, err)
	}
	return handleOf(fd, p)
}

// OpenRoot opens a root directory everything else is resolved beneath: no
// symlink on its path, and the directory itself a real one that passes
// rule, like every directory beneath it.
func OpenRoot(p string, rule Rule) (Handle, error) {
	h, err := OpenPath(p)
	if err == nil {
		err = MustBeDir(h)
	}
	if err == nil {
		err = rule.Check(h)
	}
	if err != nil {
		h.Close()
		return None, err
	}
	return h, nil
}

// OpenBeneath opens rel beneath dir in one openat2 call, for reading where
// no ownership needs checking. Without O_PATH in flags, O_NONBLOCK is
// added, so that a FIFO cannot block; openat2 allows it only then.
func OpenBeneath(dir Handle, rel string, flags int) (Handle, error) {
	shown := Join(dir.Path, rel)
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC
	if flags&unix.O_PATH == 0 {
		flags |= unix.O_NONBLOCK
	}
	how := unix.OpenHow{Flags: uint64(flags), Resolve: Beneath}
	fd, err := Openat2(dir.FD, rel, &how, shown)
	if err != nil {
		return None, fmt.Errorf("open %s: %w", shown, err)
	}
	return handleOf(fd, shown)
}
