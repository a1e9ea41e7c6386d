package check

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs"
	"github.com/blankslate/blankslate/keep"
)

// dataset checks the root dataset: it exists, is a filesystem without
// children, has mountpoint=legacy, and is what is mounted at the root. It
// reports whether the dataset exists, so that its snapshots can be read.
func (r *run) dataset() bool {
	name := r.cfg.Dataset
	ds, err := r.in.ZFS.Dataset(name)
	switch {
	case errors.Is(err, zfs.ErrNotFound):
		r.fs.add("dataset.exists", Error, name, "does not exist; the rollback at boot will refuse to run",
			fmt.Sprintf("Set \"dataset\" to the root dataset (zfs list -r %s shows what exists)", r.cfg.Pool))
		return false
	case err != nil:
		r.fs.add("dataset.exists", Error, name, fmt.Sprintf("cannot be read: %v", err), "zfs list "+name)
		return false
	case !ds.Filesystem:
		r.fs.add("dataset.exists", Error, name, "is not a filesystem (a volume?); the rollback at boot will refuse it",
			"Set \"dataset\" to the root filesystem dataset")
		return false
	}
	r.fs.ok("dataset.exists", name, "exists, a filesystem")
	r.children(name)
	r.mountpoint(ds)
	return true
}

func (r *run) children(name string) {
	kids, err := r.in.ZFS.Children(name)
	switch {
	case err != nil:
		r.fs.add("dataset.children", Error, name, fmt.Sprintf("cannot list its children: %v", err), "zfs list -r "+name)
	case len(kids) > 0:
		r.fs.add("dataset.children", Error, name,
			fmt.Sprintf("has child datasets (%s); the rollback at boot will refuse it", strings.Join(kids, ", ")),
			fmt.Sprintf("zfs rename %s %s/nixos/%s   (move each out from under the root)", kids[0], r.cfg.Pool, lastPart(kids[0])))
	default:
		r.fs.ok("dataset.children", name, "has no child datasets")
	}
}

// mountpoint: blankslate's layout mounts the root by name (fileSystems."/"),
// so the property is legacy; and on a running system the root must be this
// dataset, or the rollback resets something the machine does not boot from.
func (r *run) mountpoint(ds zfs.Dataset) {
	if ds.Mountpoint == "legacy" {
		r.fs.ok("dataset.mountpoint", ds.Name, "mountpoint=legacy")
	} else {
		r.fs.add("dataset.mountpoint", Warning, ds.Name,
			fmt.Sprintf("mountpoint=%s; the layout mounts the root by name (fileSystems.\"/\"), which needs legacy", ds.Mountpoint),
			"zfs set mountpoint=legacy "+ds.Name)
	}
	m, ok := mountAt(r.mounts, r.in.Root)
	switch {
	case !ok:
		return // the root is not mounted (the initrd before sysroot.mount)
	case m.FSType == "zfs" && m.Source == ds.Name:
		r.fs.ok("dataset.root", r.in.Root, "is "+ds.Name)
	case m.FSType == "zfs":
		r.fs.add("dataset.root", Error, r.in.Root,
			fmt.Sprintf("is %s, not %s: every boot resets a dataset this system does not run from", m.Source, ds.Name),
			fmt.Sprintf("Set \"dataset\" to %s, or mount %s at / (NixOS: fileSystems.\"/\".device)", m.Source, ds.Name))
	default:
		r.fs.add("dataset.root", Info, r.in.Root,
			fmt.Sprintf("is on %s, not %s (a rescue system?)", m.FSType, ds.Name),
			fmt.Sprintf("To check the installed system: mount -t zfs %s /mnt, mount its persistent root, then blankslate check --root /mnt", ds.Name))
	}
}

// snapshot checks the blank snapshot: it exists, is the latest, and how much
// was written since.
func (r *run) snapshot() {
	full := r.cfg.SnapshotName()
	snaps, err := r.in.ZFS.Snapshots(r.cfg.Dataset)
	if err != nil {
		r.fs.add("snapshot.exists", Error, full, fmt.Sprintf("cannot list snapshots: %v", err), "zfs list -t snapshot "+r.cfg.Dataset)
		return
	}
	var target *zfs.Snapshot
	for i := range snaps {
		if snaps[i].Name == full {
			target = &snaps[i]
		}
	}
	if target == nil && r.unfinished() != "" {
		r.fs.ok("snapshot.exists", full, fmt.Sprintf("is %s@%s until blankslate audit promotes %s (see keep.aside)",
			r.unfinished(), r.cfg.Snapshot, r.cfg.Dataset))
		return
	}
	if target == nil {
		r.fs.add("snapshot.exists", Error, full,
			fmt.Sprintf("does not exist (%s); the rollback at boot will refuse to run and the root is NOT reset", snapList(snaps)),
			fmt.Sprintf("Only while %s is blank: zfs snapshot %s   (a snapshot of a dirty root would be restored at every boot); or set \"snapshot\" to one that exists",
				r.cfg.Dataset, full))
		return
	}
	r.fs.ok("snapshot.exists", full, "exists")
	r.newer(snaps, *target)
	r.written()
}

func (r *run) newer(snaps []zfs.Snapshot, target zfs.Snapshot) {
	var newer, cloned, clones []string
	for _, s := range snaps {
		if s.CreateTxg > target.CreateTxg {
			newer = append(newer, s.Name)
			if len(s.Clones) > 0 {
				cloned = append(cloned, s.Name)
				clones = append(clones, s.Clones...)
			}
		}
	}
	switch {
	case len(newer) == 0:
		r.fs.ok("snapshot.latest", target.Name, "is the latest snapshot").with("newer", 0)
	case len(cloned) > 0:
		r.fs.add("snapshot.latest", Error, target.Name,
			fmt.Sprintf("%d newer snapshot(s) (%s); %s has clones (%s): the rollback at boot will refuse, like zfs rollback -r",
				len(newer), strings.Join(newer, ", "), strings.Join(cloned, ", "), strings.Join(clones, ", ")),
			fmt.Sprintf("If %s is not needed: zfs destroy %s. To keep it, copy it first (zfs snapshot %s@keep && zfs send %s@keep | zfs recv %s/kept), "+
				"then destroy it. Never zfs promote it: @%s would move to it. blankslate never destroys a clone",
				clones[0], clones[0], clones[0], clones[0], r.cfg.Pool, r.cfg.Snapshot)).
			with("newer", len(newer)).with("clones", clones)
	default:
		r.fs.add("snapshot.latest", Warning, target.Name,
			fmt.Sprintf("%d newer snapshot(s) (%s): the next boot's rollback destroys them", len(newer), strings.Join(newer, ", ")),
			fmt.Sprintf("Copy what you need from them first (zfs send %s | zfs recv %s/kept), else zfs destroy %s", newer[0], r.cfg.Pool, newer[0])).
			with("newer", len(newer))
	}
}

func (r *run) written() {
	w, err := r.in.ZFS.Written(r.cfg.Dataset, r.cfg.Snapshot)
	if err != nil {
		r.fs.add("snapshot.written", Warning, r.cfg.Dataset, fmt.Sprintf("cannot read written@%s: %v", r.cfg.Snapshot, err),
			"zfs get written@"+r.cfg.Snapshot+" "+r.cfg.Dataset)
		return
	}
	msg := "nothing written since @" + r.cfg.Snapshot
	if w > 0 {
		msg = fmt.Sprintf("%s written since @%s: the next boot discards it (blankslate diff lists it)", human.Bytes(w), r.cfg.Snapshot)
	}
	r.fs.add("snapshot.written", Info, r.cfg.Dataset, msg, "").with("bytes", w)
}

func snapList(snaps []zfs.Snapshot) string {
	if len(snaps) == 0 {
		return "the dataset has no snapshots"
	}
	names := make([]string, len(snaps))
	for i, s := range snaps {
		names[i] = s.Name[strings.IndexByte(s.Name, '@'):]
	}
	return "the dataset has only " + strings.Join(names, " ")
}

func lastPart(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

// unfinished is the root set aside whose @start the root is still a clone
// of (keep.Unfinished); "" when none or it cannot be told.
func (r *run) unfinished() string {
	kr, ok := r.in.ZFS.(keep.Reader)
	if !ok {
		return ""
	}
	aside, _ := keep.Unfinished(kr, r.cfg.Dataset, r.cfg.Snapshot)
	return aside
}
