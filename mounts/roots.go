package mounts

import (
	"fmt"
	"path"
	"strings"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// roots are the two directories everything happens beneath, each opened
// once; every later lookup starts from one of these descriptors.
type roots struct {
	newRoot, persist handle
	// newCanon and persistCanon are the kernel's names for the two roots,
	// used to check after each open that an fd is still inside its root.
	newCanon, persistCanon string
	// linkBase is the persistent root as seen after switch-root ("/persist"
	// for "/sysroot/persist" under "/sysroot"), the prefix of every symlink
	// we write; "" when the persistent root is not beneath the new root.
	linkBase string
}

func (r *roots) Close() {
	r.newRoot.Close()
	r.persist.Close()
}

// openRoots opens newRoot, then persistRoot: through newRoot, without
// following symlinks, when it lies beneath it (so that the symlinks we
// write point at what we checked), else on its own.
func openRoots(newRoot, persistRoot string) (*roots, error) {
	if err := checkRootPath("new root", newRoot); err != nil {
		return nil, err
	}
	if err := checkRootPath("persistent root", persistRoot); err != nil {
		return nil, err
	}
	if newRoot == persistRoot || beneath(newRoot, persistRoot) {
		return nil, fmt.Errorf("the new root %s must not be the persistent root %s or lie beneath it", newRoot, persistRoot)
	}
	r := &roots{newRoot: none, persist: none}
	var err error
	if r.newRoot, err = openRoot(newRoot); err != nil {
		return nil, err
	}
	if beneath(persistRoot, newRoot) {
		r.linkBase = "/" + strings.TrimPrefix(strings.TrimPrefix(persistRoot, newRoot), "/")
		r.persist, err = walk(r.newRoot, r.linkBase[1:], pathsafe.Root, false, nil)
	} else {
		r.persist, err = openRoot(persistRoot)
	}
	if err == nil {
		r.persist.Path = persistRoot
		err = r.canonicalize()
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("open the persistent root %s: %w", persistRoot, err)
	}
	return r, nil
}

func (r *roots) canonicalize() error {
	var err error
	if r.newCanon, err = pathsafe.RealPath(r.newRoot); err != nil {
		return err
	}
	r.persistCanon, err = pathsafe.RealPath(r.persist)
	return err
}

// openRoot opens a root directory given by the caller: no symlink on its
// path, and the directory itself must pass the same owner and mode rule as
// everything beneath it.
func openRoot(p string) (handle, error) { return pathsafe.OpenRoot(p, pathsafe.Root) }

func checkRootPath(what, p string) error {
	if !path.IsAbs(p) || path.Clean(p) != p {
		return fmt.Errorf("the %s %q must be an absolute, clean path", what, p)
	}
	return nil
}

// beneath reports whether p lies strictly beneath dir (both clean).
func beneath(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, dir+"/")
}

// overlapsPersist refuses an entry whose target would be the persistent
// root, lie inside it, or cover it: attaching such an entry would mount or
// link the persistent root onto itself or hide it.
func (r *roots) overlapsPersist(e Entry) error {
	if r.linkBase == "" {
		return nil
	}
	if e.Path == r.linkBase || beneath(e.Path, r.linkBase) || beneath(r.linkBase, e.Path) {
		return refuse("Remove the entry; the persistent root is already there.",
			"%s overlaps the persistent root %s", join(r.newRoot.Path, e.Path[1:]), r.persist.Path)
	}
	return nil
}
