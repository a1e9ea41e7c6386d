package mounts

import (
	"errors"
	"os"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// openTargetParent opens the directory that holds <newRoot><Path>, making
// missing parents root:root 0755 when create is set.
func openTargetParent(r *roots, e Entry, rel string, create bool, created *[]string) (handle, string, error) {
	dir, base := path.Split(rel)
	parent, err := walk(r.newRoot, trimSlash(dir), trustFor(e), create, created)
	if err == nil {
		err = inside(parent, r.newRoot, r.newCanon)
	}
	if err != nil {
		parent.Close()
		return none, "", err
	}
	return parent, base, nil
}

// makeMountPoint creates the empty directory or file a bind mount goes on.
// It is hidden by the mount, so root:root and a plain mode are enough.
func makeMountPoint(parent handle, name string, k Kind) (handle, error) {
	if k == Directory {
		return makeDir(parent, name, pathsafe.Owner{}, 0o755)
	}
	return makeFile(parent, name, pathsafe.Owner{}, os.FileMode(0o644), nil)
}

// checkTargetType refuses a target of the wrong type. A symlink is refused
// too: mounting on it would follow it, possibly out of the new root.
func checkTargetType(h handle, e Entry) error {
	want := "directory"
	if e.Kind == File {
		want = "regular file"
	}
	switch {
	case h.IsLink():
		return refuse("Remove the symlink; blankslate will create a mount point there.",
			"%s is a symlink where a bind mount should go", h.Path)
	case e.Kind == Directory && !h.IsDir(), e.Kind == File && !h.IsFile():
		return refuse("Move it away, then run again.", "%s is a %s, not a %s", h.Path, typeName(h.Stat.Mode), want)
	}
	return nil
}

// mountRoot reports whether h is the root of a mount.
func mountRoot(h, parent handle) (bool, error) { return mountinfo.IsMountRoot(h.FD, parent.FD, h.Path) }

// precheckTarget looks at the target side before anything is created, so
// that an entry refused there does not leave a new persistent copy behind.
// It only reads; attachBind and attachSymlink check everything again on
// the descriptors they act on.
func precheckTarget(r *roots, e Entry, rel, srcPath string) error {
	want := ""
	if e.How == Symlink {
		var err error
		if want, err = r.linkText(e); err != nil {
			return err
		}
	}
	parent, name, err := openTargetParent(r, e, rel, false, nil)
	if errors.Is(err, unix.ENOENT) {
		return nil // missing parts are created later
	}
	if err != nil {
		return err
	}
	defer parent.Close()
	dst, err := lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer dst.Close()
	if e.How == Symlink {
		return linkSays(dst, want, srcPath)
	}
	if err := checkTargetType(dst, e); err != nil {
		return err
	}
	if root, err := mountRoot(dst, parent); err != nil || root {
		return err // whose mount it is, attachBind decides
	}
	return mustBeEmpty(dst, srcPath)
}
