package boot

import (
	"fmt"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs"
	"github.com/blankslate/blankslate/keep"
)

// AuditRequest is everything the listing after boot works with.
type AuditRequest struct {
	Config *config.Config
	ZFS    keep.ZFS
	// Lister lists a root set aside against the root dataset's blank
	// snapshot (List(setAside, "<dataset>@<snapshot>", …)).
	Lister Lister
	Root   string // the running system's root, "/"; the persistent root is beneath it
	Now    time.Time
	Log    Logger
	// AfterStep, when set, runs after each step (tests only: see doc.go).
	AfterStep func(Step)
}

// AuditReport says what the listing after boot did, root by root.
type AuditReport struct {
	// Finished is what finishing the boot's set-aside did (keep.Finish):
	// the root promoted, the root set aside sealed; empty when there was none.
	Finished []string
	Roots    []AuditedRoot
	Unlisted []string // roots left waiting: listing or saving failed
	Err      error    // the roots waiting could not be read
}

// AuditedRoot is one root set aside and what became of it.
type AuditedRoot struct {
	Name   string
	Record *audit.Record
	// ListErr: the listing failed (not a configured bound); the root stays
	// set aside, marked for a retry (MarkErr when that mark failed), and the
	// record's outcome is "waiting".
	ListErr  error
	MarkErr  error
	Saved    string
	SaveErr  error // the record could not be saved: the root waits for the next run
	Pruned   []string
	PruneErr error
}

// Audit lists every root the rollback set aside (oldest first), saves each
// one's record beneath the persistent root, and only then marks it listed and
// prunes kept roots as keep.roots says (with 0 that destroys it). A cut
// anywhere leaves the root waiting, and the next run lists it again and
// replaces its record (audit.Save). A listing that failed (rather than one
// stopped at audit.maxFiles or audit.maxSeconds) leaves the root waiting too,
// marked keep.AuditRetry: its record says "waiting", nothing is pruned, and
// the next run tries again. The roots left waiting are bounded by the
// rollback's prune (keep.MaxPending beyond keep.roots): past that bound the
// oldest is destroyed unlisted at boot, and that boot's record names it.
func Audit(req AuditRequest) AuditReport {
	var rep AuditReport
	d, snap := req.Config.Dataset, req.Config.Snapshot
	if rep.Finished, rep.Err = finish(req); rep.Err != nil {
		return rep
	}
	waiting, err := keep.Awaiting(req.ZFS, d, snap)
	if err != nil {
		rep.Err = fmt.Errorf("finding the roots set aside for their listing: %w", err)
		return rep
	}
	for _, r := range waiting {
		a := auditOne(req, r)
		rep.Roots = append(rep.Roots, a)
		if a.SaveErr != nil || a.ListErr != nil {
			rep.Unlisted = append(rep.Unlisted, r.Name)
		}
	}
	return rep
}

// finish promotes the root and seals the root the boot set aside, when the
// boot left that to this run (keep.SetAsideForMount): before the listing, so
// that the root set aside is read-only and marked waiting while it is listed.
// The seal marks it waiting as the boot's own repair would.
func finish(req AuditRequest) ([]string, error) {
	kr := keepRequestFor(req.Config, req.Now, req.Log, req.AfterStep)
	lim := req.Config.AuditLimits()
	kr.AuditPending = lim.Enabled && lim.AfterBoot
	did, err := keep.Finish(req.ZFS, kr)
	if err != nil {
		return did, fmt.Errorf("finishing the set-aside of the last boot's root (the next boot finishes it): %w", err)
	}
	return did, nil
}

func auditOne(req AuditRequest, r keep.Root) AuditedRoot {
	a := AuditedRoot{Name: r.Name}
	c := req.Config
	start := zfs.SnapshotName(c.Dataset, c.Snapshot)
	written, err := req.ZFS.Written(r.Name, start)
	if err != nil {
		a.SaveErr = fmt.Errorf("reading what %s holds beyond %s: %w", r.Name, start, err)
		return a
	}
	rec := audit.New(c.Dataset, c.Snapshot, written, keptTime(r, req.Now))
	rec.SetAside, rec.Outcome = r.Name, audit.OutcomeErased
	if c.KeepRoots() > 0 || r.Held() {
		rec.Outcome, rec.KeptAs = audit.OutcomeKept, r.Name
	}
	rec.Complete = written == 0
	if written > 0 {
		lim := c.AuditLimits()
		lim.StartWithin = AfterBootStart
		l, err := req.Lister.List(r.Name, start, lim)
		rec.Add(l)
		if err != nil {
			// A listing that failed says nothing of what the root holds: the
			// root is not let go on its word (docs/audit.md).
			a.ListErr = err // it says what failed (Lister)
			rec.Outcome, rec.KeptAs, rec.ListError = audit.OutcomeWaiting, "", err.Error()
		}
	}
	after(req.AfterStep, StepList)
	a.Record = rec
	a.Saved, _, a.SaveErr = audit.Save(JoinRoot(req.Root, c.PersistRoot), rec, c.AuditLimits().Keep)
	if a.SaveErr != nil {
		return a
	}
	after(req.AfterStep, StepSave)
	if a.ListErr != nil {
		a.MarkErr = keep.ListingFailed(req.ZFS, r.Name)
		return a
	}
	a.Pruned, a.PruneErr = keep.Listed(req.ZFS, keepRequestFor(c, req.Now, req.Log, req.AfterStep), r.Name)
	return a
}

// AfterBootStart is how long the listing after boot gives zfs diff to report
// its first changed path, before audit.maxSeconds starts to count: nothing
// waits for this listing, and on a pool busy with a boot the diff's temporary
// snapshot alone can take seconds (audit.Bounds).
const AfterBootStart = 2 * time.Minute

// keptTime is when the root was set aside (the time in its name), so that
// the record replaces the one the boot saved; now when the name has none.
func keptTime(r keep.Root, now time.Time) time.Time {
	if r.Time.IsZero() {
		return now
	}
	return r.Time
}
