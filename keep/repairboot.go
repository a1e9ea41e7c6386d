package keep

import (
	"fmt"
	"strings"
)

// RepairBoot finishes or undoes a boot from a kept root that a power cut
// interrupted (doc.go), before anything else looks at D:
//
//   - D missing and the blank root set aside: cut after the set-aside (the
//     clone never happened) or after the return's first rename; either way
//     the blank root is renamed back to D;
//   - a boot snapshot of a kept root that nothing is a clone of: cut after
//     the snapshot, or left by a failed clone; it is destroyed.
//
// A kept root of a recovery boot left unsealed is sealed by Repair.
func RepairBoot(z ZFS, req Request) ([]string, error) {
	var did []string
	blank := Blank(req.Dataset)
	haveBlank, err := exists(z, blank)
	if err != nil || blank == "" {
		return nil, err
	}
	haveD, err := exists(z, req.Dataset)
	if err != nil {
		return nil, err
	}
	switch {
	case haveBlank && !haveD:
		req.Log.Warnf("keep: [repair] %s is missing and %s holds @%s: a boot from a kept root, or the return from one, was cut short; renaming it back",
			req.Dataset, blank, req.Snapshot)
		if err := restoreBlank(z, req); err != nil {
			return nil, fmt.Errorf("keep: repair: %w", err)
		}
		did = append(did, "renamed "+blank+" back to "+req.Dataset)
	case haveBlank:
		if rec, _, err := IsRecoveryRoot(z, req.Dataset); err != nil || !rec {
			return nil, fmt.Errorf("keep: repair: both %s and %s exist and %s is not a copy of a kept root (%v); nothing was changed. "+
				"Look at them (zfs list -r -o name,origin,written %s) and destroy or rename the one that is not the root",
				req.Dataset, blank, req.Dataset, err, strings.TrimSuffix(blank, "/"+BlankName))
		}
	}
	orphans, err := unusedBootSnaps(z, req)
	if err != nil || len(orphans) == 0 {
		return did, err
	}
	if err := z.DestroySnapshots(orphans); err != nil {
		return did, fmt.Errorf("keep: repair: destroying the unused boot snapshots %v: %w", orphans, err)
	}
	req.Log.Warnf("keep: [repair] destroyed the unused boot snapshot(s) %v (a boot from a kept root was cut short after the snapshot)", orphans)
	return append(did, "destroyed "+strings.Join(orphans, ", ")), nil
}

// unusedBootSnaps lists the boot snapshots of kept roots that have no clone.
func unusedBootSnaps(z ZFS, req Request) ([]string, error) {
	roots, err := List(z, req.Dataset, req.Snapshot)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range roots {
		snaps, err := z.Snapshots(r.Name)
		if err != nil {
			return nil, fmt.Errorf("keep: listing the snapshots of %s: %w", r.Name, err)
		}
		for _, s := range snaps {
			if isBootSnapName(s.Name) && len(s.Clones) == 0 {
				out = append(out, s.Name)
			}
		}
	}
	return out, nil
}
