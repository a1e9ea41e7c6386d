package check

import (
	"fmt"
	"path"
	"strings"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/mounts"
)

// CopiesFunc checks the persistent copies on dataset, mounted read-only
// where nobody else sees it (cmd/blankslate runs Copies in a mount
// namespace of its own), and returns the findings.
type CopiesFunc func(dataset string) ([]Finding, error)

// rescueCopies checks the persistent copies from a system where the root
// checked is not mounted (a rescue system): on the persistent dataset,
// mounted read-only in a private mount namespace. It reports whether it
// said anything; false leaves the "not checked" finding to the caller.
func (r *run) rescueCopies(why string) bool {
	if r.in.Copies == nil || r.in.ZFS == nil || r.in.Sys.InInitrd {
		return false
	}
	ds := r.persistDataset()
	if ds == "" {
		return false
	}
	fs, err := r.in.Copies(ds)
	if err != nil {
		r.fs.add("persist.root", NotChecked, ds, fmt.Sprintf("%s, and the persistent dataset could not be looked at read-only: %v; the persistent copies were not checked", why, err),
			fmt.Sprintf("Mount the root at /mnt and %s beneath it, then: blankslate check --root /mnt", r.cfg.PersistRoot))
		return true
	}
	r.fs.add("persist.root", Info, r.in.Root, fmt.Sprintf("%s: the persistent copies were checked on %s, mounted read-only in a private mount namespace; the attachments were not looked at", why, ds),
		fmt.Sprintf("To check the attachments too: mount the root at /mnt and %s beneath it, then blankslate check --root /mnt", r.cfg.PersistRoot))
	r.fs = append(r.fs, fs...)
	return true
}

// persistDataset is the dataset mounted at the persistent root: the one
// whose mountpoint property says so, else <parent of the root dataset>/persist
// (the layout of docs/DESIGN.md, where every mountpoint is legacy).
func (r *run) persistDataset() string {
	all, err := r.in.ZFS.Datasets(r.cfg.Pool)
	if err != nil {
		return ""
	}
	conventional := path.Dir(r.cfg.Dataset) + "/persist"
	found := ""
	for _, d := range all {
		switch {
		case d.Volume:
		case d.Mountpoint == r.cfg.PersistRoot:
			return d.Name
		case d.Name == conventional:
			found = d.Name
		}
	}
	return found
}

// Copies checks each entry's persistent copy beneath persistDir (where the
// persistent dataset is mounted for the check) by persist's own rules, as
// a running system's check does, and names each copy by where it lives on
// the booted system (the configuration's persistent root). emptyRoot is an
// empty directory standing for the root, which is not looked at.
func Copies(cfg *config.Config, emptyRoot, persistDir string) []Finding {
	r := &run{cfg: cfg}
	plan := mounts.Plan(cfg, persistDir)
	entries := make([]mounts.Entry, len(plan))
	for i, p := range plan {
		entries[i] = p.Entry
	}
	status := mounts.Status(emptyRoot, persistDir, entries)
	for i, p := range plan {
		if p.Err != nil {
			r.fs.add("persist.owner", Error, cfg.Entries[i].Path, p.Err.Error(), "Give a numeric uid and gid in the configuration")
		}
		r.copyOK(cfg.Entries[i], p, status[i])
	}
	for i := range r.fs {
		f := &r.fs[i]
		f.Object = strings.ReplaceAll(f.Object, persistDir, cfg.PersistRoot)
		f.Message = strings.ReplaceAll(f.Message, persistDir, cfg.PersistRoot)
		f.Fix = strings.ReplaceAll(f.Fix, persistDir, cfg.PersistRoot)
	}
	return r.fs
}
