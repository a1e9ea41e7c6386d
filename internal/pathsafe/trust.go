package pathsafe

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Rule is the one ownership rule, after systemd's chase() with CHASE_SAFE:
// whoever can change a directory on the way can swap what lies beyond it,
// so nobody but root and the entry's own owner may.
//
// A component is trusted when
//   - it is owned by root or by UID (the entry's owner), and
//   - it is not writable by others, and
//   - it is not writable by its group, unless that group is GID (the
//     entry's group) and the entry is not root's, or the component is the
//     Final one (the entry's own copy) and its group is GID.
//
// For a root-owned entry that means: every directory on the way is root's
// and writable by root alone. The Final object itself is only exposed by
// its contents, which are the entry's business: others may write it when
// the sticky bit is set (as /var/tmp), its declared group may write it.
type Rule struct {
	UID, GID int
	Final    bool
}

// Root is the rule for root's own entries and for the roots themselves.
var Root = Rule{}

// Check refuses h unless it passes the rule.
func (r Rule) Check(h Handle) error {
	st := h.Stat
	if st.Uid != 0 && int(st.Uid) != r.UID {
		owner := "root"
		if r.UID != 0 {
			owner = "root or uid " + strconv.Itoa(r.UID)
		}
		return Refuse(fmt.Sprintf("If that is intended, chown it to %s; otherwise find out who changed it.", owner),
			"%s is owned by uid %d, not %s", h.Path, st.Uid, owner)
	}
	if st.Mode&unix.S_IWOTH != 0 && !(r.Final && st.Mode&unix.S_ISVTX != 0) {
		return Refuse("Run chmod o-w on it if that is safe, then run again.",
			"%s is writable by others (mode %04o)", h.Path, st.Mode&0o7777)
	}
	if st.Mode&unix.S_IWGRP != 0 && !r.groupMayWrite(st.Gid) {
		return Refuse("Run chmod g-w on it if that is safe, then run again.",
			"%s is writable by group %d (mode %04o)", h.Path, st.Gid, st.Mode&0o7777)
	}
	return nil
}

func (r Rule) groupMayWrite(gid uint32) bool {
	return int(gid) == r.GID && (r.Final || r.UID != 0)
}

// MustBeDir refuses anything that is not a real directory where one is
// needed on the way.
func MustBeDir(h Handle) error {
	if h.IsDir() {
		return nil
	}
	if h.IsLink() {
		return Refuse("Replace the symlink with a real directory.", "%s is a symlink", h.Path)
	}
	return Refuse("Move it away so that a directory can take its place.",
		"%s is a %s, not a directory", h.Path, TypeName(h.Stat.Mode))
}
