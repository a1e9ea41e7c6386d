package keep

import (
	"fmt"
	"strings"
)

// BootFrom makes the root dataset D a writable copy of the kept root kept,
// for one boot, in three steps of one transaction each:
//
//  1. snapshot kept@blankslate-boot-<time> (the kept root's content is not
//     changed; it gains a snapshot);
//  2. rename D, blank and owning @start, to <parent>/blankslate-blank;
//  3. clone that snapshot as D with D's locally set properties.
//
// D must be blank (the rollback ran before) and own @start. It returns the
// snapshot D is a clone of.
func BootFrom(z ZFS, req Request, kept string) (string, error) {
	blank := Blank(req.Dataset)
	if ok, err := exists(z, blank); err != nil || ok {
		return "", fmt.Errorf("keep: %s exists already (a boot from a kept root was not returned from); nothing was changed. "+
			"Boot once without blankslate.root= so that it is returned, then try again: %v", blank, err)
	}
	props, err := z.LocalProps(req.Dataset)
	if err != nil {
		return "", fmt.Errorf("keep: reading the local properties of %s (nothing was changed): %w", req.Dataset, err)
	}
	snap, err := freeBootSnap(z, req, kept)
	if err != nil {
		return "", err
	}
	if err := z.Snapshot(kept, snap); err != nil {
		return "", fmt.Errorf("keep: snapshotting %s@%s (nothing was changed): %w", kept, snap, err)
	}
	req.Log.Infof("keep: [snapshot] %s@%s: this boot's root is a copy of it; %s itself is not changed", kept, snap, kept)
	req.after(StepBootSnapshot)
	full := kept + "@" + snap
	if err := setAsideAndClone(z, req, full, props); err != nil {
		return "", err
	}
	return full, nil
}

// setAsideAndClone is steps 2 and 3; a failed clone renames the blank root
// back, so that the boot goes on blank.
func setAsideAndClone(z ZFS, req Request, snap string, props map[string]string) error {
	blank := Blank(req.Dataset)
	if err := z.Rename(req.Dataset, blank); err != nil {
		return fmt.Errorf("keep: setting the blank root aside (renaming %s to %s): %w; %s is left blank (the next boot destroys the unused snapshot %s)",
			req.Dataset, blank, err, req.Dataset, snap)
	}
	req.Log.Infof("keep: [set aside] %s as %s: it holds @%s until the next boot without blankslate.root=", req.Dataset, blank, req.Snapshot)
	req.after(StepSetAside)
	if err := z.Clone(snap, req.Dataset, props); err != nil {
		cause := fmt.Errorf("keep: cloning %s as %s: %w", snap, req.Dataset, err)
		if rerr := z.Rename(blank, req.Dataset); rerr != nil {
			return fmt.Errorf("%w; renaming %s back to %s failed too (the next boot renames it back): %v", cause, blank, req.Dataset, rerr)
		}
		return fmt.Errorf("%w; %s was renamed back to %s, which is blank", cause, blank, req.Dataset)
	}
	req.Log.Infof("keep: [cloned] %s as %s, writable, with its properties %s", snap, req.Dataset, propList(props))
	req.after(StepBootClone)
	return nil
}

// freeBootSnap is blankslate-boot-<UTC time>, with -2, -3 … when kept has
// that snapshot already.
func freeBootSnap(z ZFS, req Request, kept string) (string, error) {
	snaps, err := z.Snapshots(kept)
	if err != nil {
		return "", fmt.Errorf("keep: listing the snapshots of %s (nothing was changed): %w", kept, err)
	}
	base := BootSnapPrefix + req.Now.UTC().Format(TimeFormat)
	name := base
	for i := 2; i < 100; i++ {
		if _, taken := findSnap(snaps, kept+"@"+name); !taken {
			return name, nil
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return "", fmt.Errorf("keep: no free snapshot name beside %s@%s", kept, base)
}

// Return ends a recovery boot: when D is a clone of a kept root's boot
// snapshot, what that boot wrote is kept and the blank root comes back, in
// three steps of one transaction each (and the seal's two properties):
//
//  1. rename D into the container as <UTC time>: a kept root like the others;
//  2. rename <parent>/blankslate-blank back to D: D owns @start again;
//  3. seal the new kept root (readonly=on, canmount=noauto).
//
// It returns the new kept root, or "" when D is not a recovery boot's root.
func Return(z ZFS, req Request) (string, error) {
	rec, origin, err := IsRecoveryRoot(z, req.Dataset)
	if err != nil || !rec {
		return "", err
	}
	blank := Blank(req.Dataset)
	if ok, err := exists(z, blank); err != nil || !ok {
		return "", fmt.Errorf("keep: %s is a copy of %s but the blank root %s is missing (%v); nothing was changed. "+
			"Make the blank root again (zfs create, then zfs snapshot %s), rename it to %s, and reboot",
			req.Dataset, origin, blank, err, req.start(), blank)
	}
	name, err := freeName(z, req)
	if err != nil {
		return "", err
	}
	seq, err := nextSeq(z, req, "")
	if err != nil {
		return "", err
	}
	if err := holdFirst(z, req); err != nil {
		return "", err
	}
	if err := z.Rename(req.Dataset, name); err != nil {
		return "", fmt.Errorf("keep: renaming %s to %s (nothing was changed; the boot runs on it again): %w", req.Dataset, name, err)
	}
	req.Log.Infof("keep: [returned] %s to %s: it keeps what the boot from %s wrote", req.Dataset, name, origin)
	req.after(StepReturnKeep)
	if err := restoreBlank(z, req); err != nil {
		return "", err
	}
	return name, seal(z, req, name, seq)
}

// restoreBlank renames the set-aside blank root back to D.
func restoreBlank(z ZFS, req Request) error {
	blank := Blank(req.Dataset)
	if err := z.Rename(blank, req.Dataset); err != nil {
		return fmt.Errorf("keep: renaming %s back to %s: %w (the next boot renames it back)", blank, req.Dataset, err)
	}
	req.Log.Infof("keep: [restored] %s from %s: it owns @%s again", req.Dataset, blank, req.Snapshot)
	req.after(StepReturnBlank)
	return nil
}

// KeepNow keeps D as a previous root whatever keep.roots says, and prunes
// nothing: a boot that asks for a kept root loses nothing of the last boot,
// and never destroys the root it is about to boot. It returns "" and why
// when D cannot be kept (nothing written since @start, a newer snapshot …):
// the caller must then not roll D back unless D is blank.
func KeepNow(z ZFS, req Request) (name, why string, err error) {
	ok, why, err := keepable(z, req)
	if err != nil || !ok {
		if err == nil {
			req.Log.Infof("keep: [skipped] %s is not kept: %s", req.Dataset, why)
		}
		return "", why, err
	}
	name, err = keepRoot(z, req)
	return name, "", err
}

// isBootSnapName reports whether a snapshot's full name is a boot snapshot.
func isBootSnapName(full string) bool {
	i := strings.IndexByte(full, '@')
	return i >= 0 && strings.HasPrefix(full[i+1:], BootSnapPrefix)
}
