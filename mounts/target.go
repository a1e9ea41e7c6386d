package mounts

import (
	"errors"
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"
)

// openTargetParent opens the directory that holds <newRoot><Path>, making
// missing parents root:root 0755 when create is set.
func openTargetParent(r *roots, e Entry, rel string, create bool, created *[]string) (handle, string, error) {
	dir, base := path.Split(rel)
	parent, err := walk(r.newRoot, trimSlash(dir), trust{uid: e.UID}, create, created)
	if err == nil {
		err = inside(parent, r.newRoot, r.newCanon)
	}
	if err != nil {
		parent.close()
		return handle{fd: -1}, "", err
	}
	return parent, base, nil
}

// makeMountPoint creates the empty directory or file a bind mount goes on.
// It is hidden by the mount, so root:root and a plain mode are enough.
func makeMountPoint(parent handle, name string, k Kind) (handle, error) {
	if k == Directory {
		return makeDir(parent, name, 0, 0, 0o755)
	}
	return makeFile(parent, name, 0, 0, os.FileMode(0o644), nil)
}

// checkTargetType refuses a target of the wrong type. A symlink is refused
// too: mounting on it would follow it, possibly out of the new root.
func checkTargetType(h handle, e Entry) error {
	want := "directory"
	if e.Kind == File {
		want = "regular file"
	}
	switch {
	case h.isLink():
		return refuse("Remove the symlink; blankslate will create a mount point there.",
			"%s is a symlink where a bind mount should go", h.path)
	case e.Kind == Directory && !h.isDir(), e.Kind == File && !h.isFile():
		return refuse("Move it away, then run again.", "%s is a %s, not a %s", h.path, typeName(h.st.Mode), want)
	}
	return nil
}

// mountRoot reports whether h is the root of a mount, from statx's
// STATX_ATTR_MOUNT_ROOT (Linux 5.8), else by comparing mount IDs with the
// parent. Without either we cannot tell, and say so rather than guess.
func mountRoot(h, parent handle) (bool, error) {
	stx, err := statx(h)
	if err != nil {
		return false, err
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 {
		return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
	}
	pstx, err := statx(parent)
	if err != nil {
		return false, err
	}
	if stx.Mask&unix.STATX_MNT_ID != 0 && pstx.Mask&unix.STATX_MNT_ID != 0 {
		return stx.Mnt_id != pstx.Mnt_id, nil
	}
	return false, fmt.Errorf("cannot tell whether %s is a mount point: the kernel reports neither STATX_ATTR_MOUNT_ROOT nor STATX_MNT_ID (Linux 5.8 or later is needed)", h.path)
}

func statx(h handle) (unix.Statx_t, error) {
	var stx unix.Statx_t
	err := unix.Statx(h.fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS|unix.STATX_MNT_ID, &stx)
	if err != nil {
		return stx, fmt.Errorf("statx %s: %w", h.path, err)
	}
	return stx, nil
}

func sameFile(a, b handle) bool {
	return a.st.Dev == b.st.Dev && a.st.Ino == b.st.Ino
}

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
	defer parent.close()
	dst, err := lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer dst.close()
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
