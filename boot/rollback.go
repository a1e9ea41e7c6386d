package boot

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/keep"
	"github.com/blankslate/blankslate/rollback"
)

// ZFS is what the rollback step needs of ZFS: the rollback's calls and keep's.
type ZFS interface {
	rollback.ZFS
	keep.ZFS
}

// Lister lists what a rollback of dataset to snap would erase, within the
// audit limits. The real one runs `blankslate audit-list` in a mount
// namespace of its own (cmd/blankslate); it returns what it found even when
// it also returns an error.
type Lister interface {
	List(dataset, snap string, lim config.AuditLimits) (audit.Listing, error)
}

// RollbackRequest is everything the rollback step works with.
type RollbackRequest struct {
	Config *config.Config
	ZFS    ZFS
	Lister Lister // nil: the record keeps the bytes only
	// RecordPath is where the audit record is written for persist to save
	// (audit.RecordPath); "" writes none.
	RecordPath string
	// CmdlinePath is the kernel command line to read blankslate.rollback=
	// and blankslate.root= from (CmdlinePath); "" reads none.
	CmdlinePath string
	// StatePath is where a boot whose root is not blank leaves its note for
	// check (bootstate.Path); "" leaves none.
	StatePath string
	Now       time.Time
	Log       Logger
	// AfterStep, when set, runs after each step (tests only: see doc.go).
	AfterStep func(Step)
}

// RollbackReport says what the rollback step did, step by step.
type RollbackReport struct {
	Cmdline    Cmdline  // what the kernel command line asked
	CmdlineErr error    // it could not be read; the boot is a normal one
	Repaired   []string // what the repair finished
	RepairErr  error
	Audit      *audit.Record // nil when the audit trail is off or failed
	AuditErr   error         // the listing is incomplete; the record says so too
	RecordErr  error         // the record could not be written to RecordPath
	Returned   string        // the kept root that now holds a recovery boot's writes
	ReturnErr  error
	Kept       keep.Result
	KeepErr    error
	// Hold is why the root this boot kept is held (keep.HoldProp): an
	// unknown blankslate.* word, or a blankslate.root= not booted; "" when not.
	Hold     string
	SetAside string // the root set aside for the listing after boot
	// Unfinished: SetAside was renamed and cloned only (keep.SetAsideForMount);
	// the root is a fresh clone of its @start, so no rollback ran, and
	// `blankslate audit` promotes the root and seals SetAside after boot.
	Unfinished bool
	Rollback   rollback.Result
	Recovery   Recovery
	StateErr   error         // the note for check could not be written
	Err        error         // the step's own failure; the root was not reset
	Outcome    event.Outcome // see rollbackOutcome
}

// Rollback runs repair → record → return → set aside or keep → rollback →
// recover and reports each; blankslate.rollback=skip stops after the repair.
// With the default audit settings the root is set aside instead of listed
// (docs/audit.md): nothing the boot does here grows with what the last boot
// wrote, and `blankslate audit` promotes the root, seals the root set aside
// and lists it after switch-root (docs/performance.md).
func Rollback(req RollbackRequest) RollbackReport {
	var rep RollbackReport
	req.ZFS = newReadCache(req.ZFS) // each step reads for itself; the pool is asked once between writes
	rep.Cmdline, rep.CmdlineErr = ReadCmdline(req.CmdlinePath)
	kr := keepRequest(req)
	rep.Repaired, rep.RepairErr = repair(req.ZFS, kr)
	after(req.AfterStep, StepRepair)
	if rep.Cmdline.Skip {
		return rep.skip(req)
	}
	target, err := resolveTarget(req, rep.Cmdline.Root)
	if err != nil && rep.refuseRecovery(req, err) {
		return rep
	}
	rep.Hold = rep.holdWhy(err)
	keepAll := target != "" || rep.Hold != "" // the last boot's root is kept whatever keep.roots says
	var later bool
	rep.Audit, later, rep.AuditErr = record(req, keepAll)
	after(req.AfterStep, StepAudit)
	plain := kr
	plain.AuditPending = false // a recovery boot's root is kept, not listed
	plain.Hold = rep.Hold
	rep.Returned, rep.ReturnErr = keep.Return(req.ZFS, plain)
	after(req.AfterStep, StepReturn)
	var notKept string
	if later {
		rep.setAside(req, kr)
	} else {
		notKept = rep.keep(req, plain, keepAll)
	}
	after(req.AfterStep, StepKeep)
	if keepAll && rep.unkept(req, notKept) {
		return rep
	}
	rep.Rollback, rep.Err = rep.rollback(req)
	after(req.AfterStep, StepRollback)
	if rep.SetAside != "" && rep.Err == nil {
		rep.Rollback.Discarded = rep.Audit.Bytes // gone from the root; listed, then destroyed or kept
	}
	if target != "" && rep.Err == nil {
		rep.recover(req, kr, target)
	}
	rep.finish(req)
	return rep
}

// rollback rolls the root back, unless the set-aside left it a fresh clone
// of @start: that holds nothing since @start, and it has no @start of its own
// to roll back to until it is promoted.
func (rep *RollbackReport) rollback(req RollbackRequest) (rollback.Result, error) {
	c := req.Config
	if rep.Unfinished {
		return rollback.Result{Snapshot: c.Dataset + "@" + c.Snapshot}, nil
	}
	return rollback.Run(req.ZFS, rollback.Request{Pool: c.Pool, Dataset: c.Dataset, Snapshot: c.Snapshot})
}

func keepRequest(req RollbackRequest) keep.Request {
	lim := req.Config.AuditLimits()
	kr := keepRequestFor(req.Config, req.Now, req.Log, req.AfterStep)
	kr.AuditPending = lim.Enabled && lim.AfterBoot && req.Lister != nil
	return kr
}

// keepRequestFor is what keep needs of a configuration, for the rollback
// step and the listing after boot alike.
func keepRequestFor(c *config.Config, now time.Time, log Logger, hook func(Step)) keep.Request {
	return keep.Request{Dataset: c.Dataset, Snapshot: c.Snapshot, Roots: c.KeepRoots(), Now: now, Log: log,
		AfterStep: func(s string) { after(hook, Step(s)) }}
}

// repair finishes a boot from a kept root cut short, then a keep cut short.
func repair(z ZFS, kr keep.Request) ([]string, error) {
	did, err := keep.RepairBoot(z, kr)
	if err != nil {
		return did, err
	}
	more, err := keep.Repair(z, kr)
	return append(did, more...), err
}

// keep keeps the root as a previous root: as keep.roots says on a normal
// boot; always, and pruning nothing, on a boot that asks for a kept root or
// holds it (all). It returns why the root was not kept, when all asked.
func (rep *RollbackReport) keep(req RollbackRequest, kr keep.Request, all bool) (notKept string) {
	if all {
		rep.Kept.Kept, notKept, rep.KeepErr = keep.KeepNow(req.ZFS, kr)
		return notKept
	}
	rep.Kept, rep.KeepErr = keep.Keep(req.ZFS, kr)
	return ""
}

// finish sets the outcome, completes the record and writes it.
func (rep *RollbackReport) finish(req RollbackRequest) {
	rep.Outcome = rollbackOutcome(*rep)
	rep.finishRecord()
	if rep.Audit != nil && req.RecordPath != "" {
		if err := rep.Audit.Write(req.RecordPath); err != nil {
			rep.RecordErr = err
		}
	}
}

// record starts the audit record: the bytes a rollback discards (no mount
// needed), then what they are, from the listing, unless the listing can run
// after boot (later): then the root is set aside for it (setAside).
func record(req RollbackRequest, recovering bool) (r *audit.Record, later bool, err error) {
	lim := req.Config.AuditLimits()
	if !lim.Enabled {
		return nil, false, nil
	}
	if rec, _, err := keep.IsRecoveryRoot(req.ZFS, req.Config.Dataset); rec || err != nil {
		return nil, false, err // a recovery boot's root is kept, not erased: the return says as what
	}
	written, err := req.ZFS.Written(req.Config.Dataset, req.Config.Snapshot)
	if err != nil {
		return nil, false, fmt.Errorf("reading what the rollback would discard: %w", err)
	}
	r = audit.New(req.Config.Dataset, req.Config.Snapshot, written, req.Now)
	r.Complete = written == 0
	if written == 0 || req.Lister == nil {
		return r, false, nil
	}
	if lim.AfterBoot && !recovering {
		return r, true, nil
	}
	return r, false, listNow(req, r)
}

// listNow lists, before the rollback, what it erases into r.
func listNow(req RollbackRequest, r *audit.Record) error {
	l, err := req.Lister.List(req.Config.Dataset, req.Config.Snapshot, req.Config.AuditLimits())
	r.Add(l)
	if err != nil {
		return fmt.Errorf("the list of changed paths is incomplete: %w", err)
	}
	return nil
}

// setAside keeps the root aside for the listing after boot, prunes kept
// roots as keep.roots says and roots that waited too long for their listing.
// When the root cannot be set aside it is listed now and kept as usual: the
// record is the same, only later. The set-aside stops once the root can be
// mounted when it can (keep.SetAsideForMount): then only the roots that
// waited too long are pruned now, the rest after boot.
func (rep *RollbackReport) setAside(req RollbackRequest, kr keep.Request) {
	d, why, err := keep.SetAsideForMount(req.ZFS, kr)
	if d.Name == "" {
		rep.Kept.Pruned = d.Pruned
		rep.Audit.Unlisted = append(rep.Audit.Unlisted, d.Pruned...)
		if err == nil {
			req.Log.Infof("audit: [listing now] %s cannot be set aside for the listing after boot: %s", req.Config.Dataset, why)
		}
		rep.AuditErr = listNow(req, rep.Audit)
		plain := kr
		plain.AuditPending = false
		rep.keep(req, plain, false)
		if err != nil {
			rep.KeepErr = errors.Join(fmt.Errorf("setting the root aside for the listing after boot: %w", err), rep.KeepErr)
		}
		return
	}
	rep.SetAside, rep.Unfinished = d.Name, d.Unfinished
	rep.Audit.SetAside, rep.Audit.Pending = d.Name, true
	rep.Audit.Limited = "listed after boot by blankslate audit (blankslate-audit.service)"
	if kr.Roots > 0 {
		rep.Kept.Kept = d.Name
	}
	if d.Unfinished {
		rep.Kept.Pruned = d.Pruned
		rep.Audit.Unlisted = append(rep.Audit.Unlisted, d.Pruned...) // pruneWaiting destroys waiting roots only
		return
	}
	waiting, err := keep.Awaiting(req.ZFS, kr.Dataset, kr.Snapshot)
	if err != nil {
		rep.KeepErr = err
		return
	}
	rep.Kept.Pruned, rep.KeepErr = keep.Prune(req.ZFS, kr)
	for _, w := range waiting {
		if slices.Contains(rep.Kept.Pruned, w.Name) {
			rep.Audit.Unlisted = append(rep.Audit.Unlisted, w.Name)
		}
	}
}

// rollbackOutcome tells a kept root, a rollback, a no-op, a refusal (nothing
// was tried) and a failure of ZFS itself apart.
func rollbackOutcome(rep RollbackReport) event.Outcome {
	var e *rollback.Error
	switch {
	case rep.Err != nil && rep.Recovery.Err != nil:
		return event.RecoveryRefused
	case rep.Err != nil && errors.As(rep.Err, &e) && e.Kind != rollback.KindZFSFailed && e.Kind != rollback.KindPartialChange:
		return event.RollbackRefused
	case rep.Err != nil:
		return event.RollbackFailed
	case rep.Recovery.From != "":
		return event.RootRecovered
	case rep.Kept.Kept != "" || rep.Returned != "":
		return event.RootKept
	case rep.SetAside != "":
		return event.RollbackDone // set aside, listed after boot, then destroyed
	case rep.Rollback.NoOp:
		return event.RollbackNoop
	}
	return event.RollbackDone
}

// finishRecord writes into the record what became of the data it lists.
func (rep *RollbackReport) finishRecord() {
	r := rep.Audit
	if r == nil {
		return
	}
	r.KeptAs = rep.Kept.Kept
	switch rep.Outcome {
	case event.RootKept, event.RootRecovered:
		r.Outcome = audit.OutcomeKept
	case event.RollbackRefused, event.RollbackFailed, event.RecoveryRefused:
		r.Outcome, r.Error = audit.OutcomeNotReset, rep.Err.Error()
	default:
		r.Outcome = audit.OutcomeErased
	}
}
