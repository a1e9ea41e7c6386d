package keep

import (
	"fmt"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The values of the user property zfs.AuditProp on a kept root.
const (
	// AuditPending: the root was set aside at boot so that what it holds can
	// be listed after switch-root; the listing has not been saved yet.
	AuditPending = "pending"
	// AuditListed: the listing was saved; the root is an ordinary kept root.
	AuditListed = "listed"
	// AuditRetry: the listing after boot failed at least once; the root waits
	// as with AuditPending, and `blankslate check` warns about it.
	AuditRetry = "retry"
)

// MaxPending bounds the roots waiting for their listing that Prune spares
// beyond keep.roots. More of them means the listing after boot has not run for
// that many boots (the service is not enabled, or every boot failed before
// it); the oldest beyond the bound are destroyed unlisted at boot, so that the
// pool does not fill up.
const MaxPending = 2

// SetAside keeps the root dataset as a kept root marked AuditPending, whatever
// keep.roots says, so that the boot needs no listing before the root is
// mounted: the listing runs after switch-root (Listed). It returns "" and why
// when the root cannot be set aside (nothing written, newer snapshots …); the
// caller then lists before the rollback, as without this step.
func SetAside(z ZFS, req Request) (name, why string, err error) {
	ok, why, err := keepable(z, req)
	if err != nil || !ok {
		return "", why, err
	}
	req.AuditPending = true
	name, err = keepRoot(z, req)
	return name, "", err
}

// Awaiting lists the roots waiting for their listing, oldest first.
func Awaiting(z Reader, d, snap string) ([]Root, error) {
	roots, err := List(z, d, snap)
	if err != nil {
		return nil, err
	}
	var out []Root
	for _, r := range roots {
		if r.Pending() && !r.OwnsStart {
			out = append(out, r)
		}
	}
	return out, nil
}

// ListingFailed marks a root set aside whose listing failed: it keeps waiting
// (nothing is pruned), and the mark tells `blankslate check` that a listing
// was tried and went wrong, as opposed to one not run yet.
func ListingFailed(z ZFS, name string) error {
	if err := z.SetProp(name, zfs.AuditProp, AuditRetry); err != nil {
		return fmt.Errorf("keep: marking %s as waiting for a listing that failed: %w", name, err)
	}
	return nil
}

// Listed marks a root set aside as listed, then prunes the kept roots beyond
// req.Roots: with keep.roots 0 that destroys it. It returns the roots pruned.
func Listed(z ZFS, req Request, name string) ([]string, error) {
	info, err := z.Info(name)
	if err != nil {
		return nil, fmt.Errorf("keep: reading %s: %w", name, err)
	}
	if info.Audit != AuditListed {
		if err := z.SetProp(name, zfs.AuditProp, AuditListed); err != nil {
			return nil, fmt.Errorf("keep: marking %s as listed: %w", name, err)
		}
	}
	return Prune(z, req)
}

// Detached says what SetAsideForMount did.
type Detached struct {
	Name string // the root set aside; "" when it could not be
	// Unfinished: D is a clone of Name@start, Name neither promoted nor
	// sealed; Finish (after switch-root) or the next boot's Repair does both.
	Unfinished bool
	// Pruned are roots that waited too long for their listing, destroyed
	// unlisted before the rename (pruneWaiting); Unfinished only.
	Pruned []string
}

// SetAsideForMount sets the root aside as SetAside does, but stops once D can
// be mounted: the rename and the clone, two transaction groups where SetAside
// syncs four. The promotion and the seal wait for Finish, which
// blankslate-audit.service runs before it lists (docs/performance.md); until
// then the root set aside is writable and D is a clone of its @start, the
// state a power cut after the clone always left, which Repair finishes.
//
// It does all of SetAside when the root set aside could be mounted by
// `zfs mount -a` after switch-root while unsealed (autoMountable).
func SetAsideForMount(z ZFS, req Request) (Detached, string, error) {
	ok, why, err := keepable(z, req)
	if err != nil || !ok {
		return Detached{}, why, err
	}
	req.AuditPending = true
	props, err := z.LocalProps(req.Dataset)
	if err != nil {
		return Detached{}, "", fmt.Errorf("keep: reading the local properties of %s (nothing was changed): %w", req.Dataset, err)
	}
	if autoMountable(props) {
		name, err := keepRoot(z, req)
		return Detached{Name: name}, "", err
	}
	pruned, err := pruneWaiting(z, req)
	if err != nil {
		return Detached{Pruned: pruned}, "", err
	}
	name, err := renameAndClone(z, req, props)
	if err != nil {
		return Detached{Pruned: pruned}, "", err
	}
	req.Log.Infof("keep: [set aside] %s until what it holds is listed after boot; blankslate audit promotes %s and seals it first", name, req.Dataset)
	return Detached{Name: name, Unfinished: true, Pruned: pruned}, "", nil
}

// autoMountable reports whether a root renamed into the container with these
// local properties would be mounted by `zfs mount -a` until it is sealed: it
// may be mounted (canmount on, the default) and has a mount point of its own
// (one set locally; an inherited one comes from the container, none).
func autoMountable(props map[string]string) bool {
	mp, local := props["mountpoint"]
	if !local || mp == "legacy" || mp == "none" {
		return false
	}
	cm := props["canmount"]
	return cm != "off" && cm != "noauto"
}

// Finish completes a set-aside that SetAsideForMount left unfinished: D is
// promoted (it owns @start again) and the root set aside is sealed, marked as
// req.AuditPending says. It changes nothing when D is not such a clone. It
// returns what it did.
func Finish(z ZFS, req Request) ([]string, error) {
	return finishClone(z, req, false)
}
