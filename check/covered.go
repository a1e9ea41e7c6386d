package check

import (
	"fmt"
	"path"
	"strings"
)

// coveredBy finds what covers a bind entry that is no longer attached: the
// bind mount blankslate made at target (a mount of the persistent file
// system, persistMount, whose root is the copy, rel beneath it) and a mount
// at a proper ancestor of target that came after it. mountinfo lists a
// namespace's mounts in the order they were made, the covered ones
// included (proc(5)), so a later line at /home hides an earlier one at
// /home/alice: a file system mounted after switch-root (home.mount) over
// what persist attached in the initrd. ok is false when the bind is not
// there, or when nothing came over it.
func coveredBy(ms []Mount, target string, persistMount Mount, rel string) (cover Mount, ok bool) {
	want := path.Join(persistMount.Root, rel)
	bind := -1
	for i, m := range ms {
		if m.Point == target && m.Dev == persistMount.Dev && m.Root == want {
			bind = i
		}
	}
	if bind < 0 {
		return Mount{}, false
	}
	for _, m := range ms[bind+1:] {
		if m.Point == target {
			return Mount{}, false // something mounted at the entry itself: not a cover
		}
		if m.Point == "/" || strings.HasPrefix(target, strings.TrimSuffix(m.Point, "/")+"/") {
			cover, ok = m, true
		}
	}
	return cover, ok
}

// covered reports a bind entry that persist attached but a later mount
// covers, and says whether it did.
func (r *run) covered(target, object, rel, pr string) bool {
	pm, ok := mountAt(r.mounts, pr)
	if !ok {
		return false
	}
	c, ok := coveredBy(r.mounts, target, pm, rel)
	if !ok {
		return false
	}
	point := c.Point // as the system names it, without the initrd's /sysroot
	if r.in.Root != "/" {
		point = "/" + strings.TrimPrefix(strings.TrimPrefix(c.Point, r.in.Root), "/")
	}
	what := c.Source
	if c.FSType != "" {
		what += ", " + c.FSType
	}
	r.fs.add("persist.covered", Error, object,
		fmt.Sprintf("was bind-mounted from %s at boot, but %s (%s) was mounted over %s afterwards and covers it: "+
			"what is written to %s goes to %s, not the persistent copy, and is not persisted", pm.Point+rel, c.Point, what, c.Point, object, c.Source),
		fmt.Sprintf("Mount %s in the initrd, before blankslate-persist, so that the entry is attached on top of it "+
			"(NixOS: fileSystems.\"%s\".neededForBoot = true); or remove the entry and keep %s on %s's own file system",
			point, point, object, point)).with("covering", c.Point)
	return true
}
