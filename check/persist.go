package check

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/mounts"
	"github.com/coreos/go-systemd/v22/unit"
)

// rootMounted: the root whose attachments are checked is there to look at ("/"
// always is; /sysroot only once sysroot.mount ran).
func (r *run) rootMounted() bool {
	if r.in.Root == "/" {
		return true
	}
	_, ok := mountAt(r.mounts, r.in.Root)
	return ok
}

// offline: the root checked is another system's, mounted for a look
// (Input.Rescued). Nothing is attached to such a root: its boot attaches them.
func (r *run) offline() bool { return r.in.Rescued && !r.in.Sys.InInitrd }

// persist checks the persistent root, each persistent copy (exists, owner,
// mode) and each entry (attached; for a bind mount, hiding nothing).
func (r *run) persist() {
	root := r.in.Root
	switch m, _ := mountAt(r.mounts, root); {
	case !r.rootMounted() && r.rescueCopies("is not mounted"):
		return
	case !r.rootMounted():
		r.fs.add("persist.root", NotChecked, root, "is not mounted: the persistent copies and the attachments were not checked",
			fmt.Sprintf("To check the copies from here: blankslate check --mount (it mounts the persistent dataset read-only where nothing else sees it). "+
				"To check the attachments too: mount the root at /mnt and %s beneath it, then blankslate check --root /mnt", r.cfg.PersistRoot))
		return
	case len(r.mounts) > 0 && m.FSType != "zfs" && r.rescueCopies(fmt.Sprintf("is on %s, not ZFS (a rescue system?)", m.FSType)):
		return
	case len(r.mounts) > 0 && m.FSType != "zfs":
		r.fs.add("persist.root", NotChecked, root, fmt.Sprintf("is on %s, not ZFS (a rescue system?): the persistent copies and the attachments were not checked", m.FSType),
			"To check the copies from here: blankslate check --mount; to check an installed system mounted at /mnt: blankslate check --root /mnt")
		return
	}
	pr := joinRoot(root, r.cfg.PersistRoot)
	if !r.persistMounted(pr) {
		return
	}
	defer r.adopted(pr)
	plan := mounts.Plan(r.cfg, pr)
	entries := make([]mounts.Entry, len(plan))
	for i, p := range plan {
		entries[i] = p.Entry
	}
	status := mounts.Status(root, pr, entries)
	var loose []string
	for i, p := range plan {
		if r.offline() && (status[i].State == mounts.StateNotMounted || status[i].State == mounts.StateNotLinked) {
			r.copyOK(r.cfg.Entries[i], p, status[i])
			loose = append(loose, r.cfg.Entries[i].Path)
			continue
		}
		r.entry(r.cfg.Entries[i], p, status[i])
	}
	if len(loose) > 0 {
		r.fs.add("persist.attached", Info, root, fmt.Sprintf("%d of %d entries are not attached beneath %s (%s): a system that is not running has none; its boot attaches them",
			len(loose), len(plan), root, strings.Join(loose, ", ")), "")
	}
}

func (r *run) persistMounted(pr string) bool {
	ok, err := mounts.IsMountPoint(pr)
	var unsafe *pathsafe.Unsafe
	switch {
	case errors.As(err, &unsafe):
		r.fs.add("persist.mounted", Error, pr, "persist refuses it and attaches nothing: "+unsafe.Reason, unsafe.Fix)
	case err != nil:
		r.fs.add("persist.mounted", Error, pr, fmt.Sprintf("cannot be examined: %v", err), "ls -ld "+pr)
	case !ok && r.offline() && r.rescueCopies(pr+" is not mounted"):
	case !ok && r.offline():
		r.fs.add("persist.mounted", NotChecked, pr,
			"is not mounted: the persistent copies were not checked",
			fmt.Sprintf("Mount the persistent dataset there (zfs list -r %s shows it; mount -t zfs DATASET %s), or let check mount it read-only where nothing else sees it: blankslate check --root %s --mount",
				r.cfg.Pool, pr, r.in.Root))
	case !ok:
		r.fs.add("persist.mounted", Error, pr,
			"is not a mount point: its dataset is not mounted, nothing can be attached, and whatever is written there is on the root that the next boot erases",
			fmt.Sprintf("mount it (systemctl status %s; or mount -t zfs %s/nixos/persist %s)", unitName(pr), r.cfg.Pool, pr))
	default:
		r.fs.ok("persist.mounted", pr, "is mounted")
	}
	return err == nil && ok
}

// entry reports one declared path: its persistent copy, then its attachment,
// both judged by persist's own rules (mounts.Status). What persist would
// refuse is reported with persist's reason and advice; only what persist
// itself would do is ever advised.
func (r *run) entry(e config.Entry, p mounts.Planned, s mounts.EntryStatus) {
	if p.Err != nil {
		r.fs.add("persist.owner", Error, e.Path, p.Err.Error(), "Give a numeric uid and gid in the configuration")
	}
	r.copyOK(e, p, s)
	if e.How == "bind" && s.State != mounts.StateMounted && s.State != mounts.StateMissing &&
		r.covered(s.Target, e.Path, e.Path, joinRoot(r.in.Root, r.cfg.PersistRoot)) {
		return // whatever else is wrong at the path, the cover is why
	}
	switch s.State {
	case mounts.StateMounted:
		r.fs.ok("persist.attached", e.Path, "bind-mounted from "+s.Source)
		r.hidden(e)
	case mounts.StateLinked:
		r.fs.ok("persist.attached", e.Path, "a symlink to "+linkTarget(r.cfg.PersistRoot, e.Path))
	case mounts.StateNotMounted, mounts.StateNotLinked:
		why := strings.TrimPrefix(strings.TrimPrefix(errText(s.Err), e.Path+": "), "not attached: ")
		r.fs.add("persist.attached", Error, e.Path, "is not attached: "+why, r.attachFix(e, s))
	case mounts.StateMissing:
		// the copy's finding says it all
	default:
		if s.Err != s.CopyErr { // a refusal on the target's side
			r.refused("persist.attached", e.Path, s.Err, "ls -ld "+s.Target)
		}
	}
}

func (r *run) attachFix(e config.Entry, s mounts.EntryStatus) string {
	if r.in.Sys.InInitrd {
		return "blankslate persist --root " + r.in.Root
	}
	if e.How == "bind" {
		return fmt.Sprintf("The next boot attaches it; now: mount --bind %s %s", s.Source, s.Target)
	}
	return fmt.Sprintf("The next boot attaches it; now, if nothing is at %s: ln -s %s %s", s.Target, linkTarget(r.cfg.PersistRoot, e.Path), s.Target)
}

func linkTarget(persistRoot, p string) string { return persistRoot + p }

func errText(err error) string {
	if err == nil {
		return "no reason given"
	}
	return err.Error()
}

// unitName is the systemd mount unit of path p, escaped as systemd escapes
// it (a "-" in a name becomes \x2d), for a hint.
func unitName(p string) string { return unit.UnitNamePathEscape(p) + ".mount" }
