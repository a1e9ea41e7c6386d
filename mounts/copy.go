package mounts

import (
	"errors"
	"fmt"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// machineIDPath is the one entry whose new persistent copy is not empty;
// see "machine-id" in doc.go.
const machineIDPath = "/etc/machine-id"

// uninitialized is what systemd writes to /etc/machine-id itself when it
// wants the boot treated as the first one (machine-id(5)).
const uninitialized = "uninitialized\n"

// initialContent is what a newly created persistent copy holds.
func initialContent(e Entry) []byte {
	if e.Path == machineIDPath && e.Kind == File {
		return []byte(uninitialized)
	}
	return nil
}

// openCopy opens the persistent copy <persistRoot><Path>. With create set,
// missing parents are made root:root 0755 and a missing copy is made with
// the entry's owner and mode; an existing copy is kept as it is.
func openCopy(r *roots, e Entry, rel string, create bool, created *[]string) (handle, error) {
	dir, base := path.Split(rel)
	parent, err := walk(r.persist, trimSlash(dir), trustFor(e), create, created)
	if err != nil {
		return parent, err
	}
	defer parent.Close()
	h, err := lookup(parent, base)
	if errors.Is(err, unix.ENOENT) && create {
		h, err = makeCopy(parent, base, e)
		if errors.Is(err, unix.EEXIST) {
			// Something appeared between the two calls: judge what is there.
			h, err = lookup(parent, base)
		} else if err == nil {
			*created = append(*created, h.Path)
		}
	}
	if err == nil {
		err = checkCopy(h, e)
	}
	if err == nil {
		err = inside(h, r.persist, r.persistCanon)
	}
	if err != nil {
		h.Close()
		return none, err
	}
	return h, nil
}

func makeCopy(parent handle, name string, e Entry) (handle, error) {
	if e.Kind == Directory {
		return makeDir(parent, name, owner(e), e.Mode)
	}
	return makeFile(parent, name, owner(e), e.Mode, initialContent(e))
}

// checkCopy refuses a persistent copy that is a symlink (it could point
// anywhere, including at the new root itself), of the wrong type, or owned
// or writable by someone it should not be. A world-writable copy is
// accepted only with the sticky bit, as /var/tmp has: we never walk
// through the copy, so only its contents are exposed, and those are the
// entry's business.
func checkCopy(h handle, e Entry) error {
	want := "directory"
	if e.Kind == File {
		want = "file"
	}
	switch {
	case h.IsLink():
		return refuse(fmt.Sprintf("Replace the symlink with a real %s.", want), "%s is a symlink", h.Path)
	case e.Kind == Directory && !h.IsDir(), e.Kind == File && !h.IsFile():
		return refuse(fmt.Sprintf("Move it away so that a %s can take its place, or fix the entry's type.", want),
			"%s is a %s, not a %s", h.Path, typeName(h.Stat.Mode), want)
	}
	return copyTrust(e).Check(h)
}

func owner(e Entry) pathsafe.Owner { return pathsafe.Owner{UID: e.UID, GID: e.GID} }

func trimSlash(dir string) string {
	if len(dir) > 0 && dir[len(dir)-1] == '/' {
		return dir[:len(dir)-1]
	}
	return dir
}
