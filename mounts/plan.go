package mounts

import (
	"fmt"

	"github.com/blankslate/blankslate/config"
)

// Planned is one entry ready for Apply, or the reason it cannot be.
type Planned struct {
	Entry Entry
	Err   error // the owner could not be resolved; the entry is not applied
}

// Plan turns the configured entries into mounts entries. persistRoot is where the
// persistent root is seen from here (in the initrd: /sysroot/persist).
//
// Owners are numeric ids or names. In the initrd the new root is blank, so a name
// other than root is looked up in the initrd's /etc/passwd and /etc/group, then in
// the maps NixOS keeps of the names it allocated, <persistRoot>/var/lib/nixos/uid-map
// and gid-map (nixos/modules/config/update-users-groups.pl writes them as JSON
// objects name → id). An owner found nowhere makes only that entry fail.
func Plan(c *config.Config, persistRoot string) []Planned {
	return PlanWithMaps(c, persistRoot, persistRoot)
}

// PlanWithMaps is Plan with NixOS's maps read beneath mapsRoot instead: the
// persistent root that keeps /var/lib/nixos, when the entries of c are those
// of another persistent root (the NixOS module runs persist once per root).
func PlanWithMaps(c *config.Config, persistRoot, mapsRoot string) []Planned {
	uidMap, gidMap := newNixosMap(mapsRoot, "uid-map"), newNixosMap(mapsRoot, "gid-map")
	ids := idSources{
		users:  []func(string) (int, bool){passwdLookup("/etc/passwd"), uidMap.lookup},
		groups: []func(string) (int, bool){passwdLookup("/etc/group"), gidMap.lookup},
		uidMap: uidMap, gidMap: gidMap,
	}
	out := make([]Planned, 0, len(c.Entries))
	for _, e := range c.Entries {
		out = append(out, ids.plan(e, persistRoot))
	}
	return out
}

type idSources struct {
	users, groups  []func(string) (int, bool)
	uidMap, gidMap *nixosMap // the last source of each, to explain a failure
}

func (s idSources) plan(e config.Entry, persistRoot string) Planned {
	mode, _ := config.ParseMode(e.Mode) // validated already
	p := Planned{Entry: Entry{
		Path: e.Path, How: How(e.How), Kind: Kind(e.Type), Mode: config.FileMode(mode),
	}}
	var okU, okG bool
	p.Entry.UID, okU = resolveID(e.User, s.users)
	p.Entry.GID, okG = resolveID(e.Group, s.groups)
	switch {
	case !okU:
		p.Err = unknownOwner(e.Path, "user", e.User, "/etc/passwd", ownerFix("uid", "users.users."+e.User+".uid", s.uidMap), s.uidMap)
	case !okG:
		p.Err = unknownOwner(e.Path, "group", e.Group, "/etc/group", ownerFix("gid", "users.groups."+e.Group+".gid", s.gidMap), s.gidMap)
	}
	return p
}

// ownerFix says what to do about a name found nowhere: a fixed id, or, for an
// id NixOS allocates, the map it records it in, which exists only when the
// machine keeps /var/lib/nixos beneath the persistent root and is read from
// the boot after the activation that wrote it.
func ownerFix(kind, nixosOption string, m *nixosMap) string {
	return fmt.Sprintf("give a numeric %s in the configuration (on NixOS, a fixed %s); "+
		"an id NixOS allocates is found in %s from the boot after the activation that recorded it, "+
		"when /var/lib/nixos is kept beneath the persistent root", kind, nixosOption, m.shown())
}

// resolveID accepts only ids chown takes as they are: a larger one would be
// truncated (4294967296 becomes root) and 4294967295 means "unchanged". The maps
// beneath the persistent root are attacker-writable, so their ids are checked too.
func resolveID(name string, sources []func(string) (int, bool)) (int, bool) {
	if id, ok := config.NumericID(name); ok {
		return int(id), true
	}
	if name == "root" {
		return 0, true
	}
	for _, look := range sources {
		if id, ok := look(name); ok && id >= 0 && id <= config.MaxID {
			return id, true
		}
	}
	return 0, false
}
