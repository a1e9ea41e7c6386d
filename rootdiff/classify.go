package rootdiff

import "strings"

// Class says what a change means for the next boot.
type Class string

// Classes of changes.
const (
	// Ephemeral changes are erased by the next boot's rollback.
	Ephemeral Class = "ephemeral"
	// UnderEntry changes lie beneath a declared entry: they should never be on
	// the root (written before the entry was attached, or hidden under its mount).
	UnderEntry Class = "under-entry"
	// Recreated paths are attach points, mount points and their parents, made
	// again at every boot by blankslate persist and systemd.
	Recreated Class = "recreated"
)

// Layout is what the classification needs to know about the running system.
type Layout struct {
	Entries     []string // declared entry paths, e.g. /var/lib
	MountPoints []string // paths in the root that are mount points now (/nix, /persist, /proc …)
}

// classify tells an ephemeral change from one under an entry or a path that is
// recreated at every boot.
func (l Layout) classify(p string) Class {
	for _, e := range l.Entries {
		if strictlyBeneath(p, e) {
			return UnderEntry
		}
	}
	for _, list := range [][]string{l.Entries, l.MountPoints} {
		for _, e := range list {
			if p == e || strictlyBeneath(e, p) {
				return Recreated
			}
		}
	}
	return Ephemeral
}

func strictlyBeneath(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, dir+"/")
}

// top is the group a path belongs to: its first component (/etc for
// /etc/nixos/x), or / for the root directory itself.
func top(p string) string {
	if p == "/" {
		return "/"
	}
	if i := strings.IndexByte(p[1:], '/'); i >= 0 {
		return p[:i+1]
	}
	return p
}

// second is the path cut after its second component (/var/tmp for
// /var/tmp/a/b), the level at which a persistent entry is suggested.
func second(p string) string {
	parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 3)
	if len(parts) < 2 {
		return p
	}
	return "/" + parts[0] + "/" + parts[1]
}
