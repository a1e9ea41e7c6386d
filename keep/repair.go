package keep

import (
	"fmt"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Repair finishes a keep that a power cut interrupted (see the package comment)
// and seals kept roots left writable. It runs before every rollback, with keep
// on or off, and changes nothing when there is nothing to repair. It returns
// what it did, for the log.
func Repair(z ZFS, req Request) ([]string, error) {
	roots, err := List(z, req.Dataset, req.Snapshot)
	if err != nil || len(roots) == 0 {
		return nil, err
	}
	ok, err := exists(z, req.Dataset)
	if err != nil {
		return nil, err
	}
	var did []string
	if !ok {
		if did, err = repairMissing(z, req, roots); err != nil {
			return did, err
		}
	} else if did, err = repairClone(z, req); err != nil {
		return did, err
	}
	sealed, err := sealLeftovers(z, req)
	return append(did, sealed...), err
}

// repairMissing: D is gone and a kept root owns @start: clone it back, promote.
func repairMissing(z ZFS, req Request, roots []Root) ([]string, error) {
	r, found := owner(roots)
	if !found {
		return nil, nil
	}
	req.Log.Warnf("keep: [repair] %s is missing and %s owns @%s: the last keep was cut short after the rename; cloning it back",
		req.Dataset, r.Name, req.Snapshot)
	props, err := z.LocalProps(r.Name)
	if err != nil {
		return nil, fmt.Errorf("keep: repair: reading the local properties of %s: %w", r.Name, err)
	}
	seq, err := nextSeq(z, req, r.Name)
	if err != nil {
		return nil, fmt.Errorf("keep: repair: %w", err)
	}
	if err := cloneBack(z, req, r.Name, props); err != nil {
		return nil, fmt.Errorf("keep: repair: %w", err)
	}
	if err := promoteAndSeal(z, req, r.Name, seq); err != nil {
		return nil, fmt.Errorf("keep: repair: %w", err)
	}
	return []string{fmt.Sprintf("cloned %s@%s back as %s and promoted it", r.Name, req.Snapshot, req.Dataset)}, nil
}

// repairClone: D is still a clone of a kept root's @start: promote it.
func repairClone(z ZFS, req Request) ([]string, error) {
	return finishClone(z, req, true)
}

// finishClone promotes D when it is a clone of a kept root's @start and seals
// that root: a repair after a cut (cut says so in the journal) or the end of
// a set-aside that stopped at the clone (SetAsideForMount).
func finishClone(z ZFS, req Request, cut bool) ([]string, error) {
	info, err := z.Info(req.Dataset)
	if err != nil {
		return nil, fmt.Errorf("keep: reading %s: %w", req.Dataset, err)
	}
	if !isKeptStart(req.Dataset, req.Snapshot, info.Origin) {
		return nil, nil
	}
	kept := info.Origin[:len(info.Origin)-len(req.Snapshot)-1]
	if cut {
		req.Log.Warnf("keep: [repair] %s is still a clone of %s: the listing after the last boot (blankslate audit) did not promote it, "+
			"or a keep was cut short before the promote; promoting it", req.Dataset, info.Origin)
	} else {
		req.after(StepFinishing)
	}
	what := "keep: repair"
	if !cut {
		what = "keep: finishing the set-aside of " + kept
	}
	var did []string
	restored, err := restoreCloneProps(z, req, kept)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(restored) > 0 {
		did = append(did, "set "+propList(restored)+" on "+req.Dataset)
	}
	seq, err := nextSeq(z, req, kept)
	if err != nil {
		return did, fmt.Errorf("%s: %w", what, err)
	}
	if err := promoteAndSeal(z, req, kept, seq); err != nil {
		return did, fmt.Errorf("%s: %w", what, err)
	}
	return append(did, "promoted "+req.Dataset+", sealed "+kept), nil
}

// restoreCloneProps sets on D the local properties it was cloned with that it
// lacks. OpenZFS creates a clone and sets its properties in two transactions
// (zfs_ioc_clone in module/zfs/zfs_ioctl.c: "It would be nice to do this
// atomically"), so a power cut between them leaves D without, say, its
// mountpoint=legacy, and a root mounted by name would not mount. The properties
// are read again from the root set aside (D's own, renamed), but for what a
// keep writes on it; a property D has locally is left as it is (it may have been
// changed since).
func restoreCloneProps(z ZFS, req Request, kept string) (map[string]string, error) {
	want, err := z.LocalProps(kept)
	if err != nil {
		return nil, fmt.Errorf("reading the local properties of %s: %w", kept, err)
	}
	have, err := z.LocalProps(req.Dataset)
	if err != nil {
		return nil, fmt.Errorf("reading the local properties of %s: %w", req.Dataset, err)
	}
	for _, p := range []string{HoldProp, SeqProp, zfs.AuditProp, "readonly", "canmount"} {
		delete(want, p) // a keep's own, or the seal's
	}
	missing := map[string]string{}
	for k, v := range want {
		if _, ok := have[k]; !ok {
			missing[k] = v
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	req.Log.Warnf("keep: [repair] %s lacks the properties it was cloned with (%s): the clone was cut short before they were set; setting them",
		req.Dataset, propList(missing))
	if err := z.SetProps(req.Dataset, missing); err != nil {
		return nil, fmt.Errorf("setting %s on %s: %w", propList(missing), req.Dataset, err)
	}
	return missing, nil
}

// sealLeftovers seals kept roots (clones of D@start, or of a kept root's boot
// snapshot) that a cut after the promote, or after a return, left writable.
func sealLeftovers(z ZFS, req Request) ([]string, error) {
	roots, err := List(z, req.Dataset, req.Snapshot)
	if err != nil {
		return nil, err
	}
	var did []string
	for _, r := range roots {
		if !req.keptOrigin(r.Origin) || (r.ReadOnly && r.CanMount == "noauto") {
			continue
		}
		req.Log.Warnf("keep: [repair] %s is not sealed yet (the last keep was cut short after the promote)", r.Name)
		seq, err := nextSeq(z, req, r.Name)
		if err != nil {
			return did, fmt.Errorf("keep: repair: %w", err)
		}
		if err := seal(z, req, r.Name, seq); err != nil {
			return did, fmt.Errorf("keep: repair: %w", err)
		}
		did = append(did, "sealed "+r.Name)
	}
	return did, nil
}
