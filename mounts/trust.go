package mounts

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// trust is the rule components must pass: owned by root or by the entry's
// own user, and not writable by others. A directory anybody can write to,
// or one owned by another user, lets that user swap what we are about to
// mount or link, so for a root-owned entry only root-owned, not
// world-writable components are accepted.
type trust struct {
	uid    int
	sticky bool // others may write if the sticky bit is set (final copies only)
}

func (t trust) check(h handle) error {
	if h.st.Uid != 0 && int(h.st.Uid) != t.uid {
		owner := "root"
		if t.uid != 0 {
			owner = "root or uid " + strconv.Itoa(t.uid)
		}
		return refuse(fmt.Sprintf("If that is intended, chown it to %s; otherwise find out who changed it.", owner),
			"%s is owned by uid %d, not %s", h.path, h.st.Uid, owner)
	}
	if h.st.Mode&unix.S_IWOTH != 0 && !(t.sticky && h.st.Mode&unix.S_ISVTX != 0) {
		return refuse("Run chmod o-w on it if that is safe, then run again.",
			"%s is writable by others (mode %04o)", h.path, h.st.Mode&07777)
	}
	return nil
}

// mustBeDir refuses anything that is not a real directory where one is
// needed on the way to an entry.
func mustBeDir(h handle) error {
	if h.isDir() {
		return nil
	}
	if h.isLink() {
		return refuse("Replace the symlink with a real directory.", "%s is a symlink", h.path)
	}
	return refuse("Move it away so that a directory can take its place.",
		"%s is a %s, not a directory", h.path, typeName(h.st.Mode))
}
