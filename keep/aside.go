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
