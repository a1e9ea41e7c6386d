package boot

import (
	"errors"
	"fmt"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/keep"
)

// Recovery says what became of blankslate.root=.
type Recovery struct {
	Asked    string // what the command line asked: previous or a name
	From     string // the kept root this boot runs on a copy of
	Snapshot string // the snapshot of it that the root is a clone of
	// Err: the recovery was not done. Under the policy continue the boot
	// went on with a blank root; under emergency Err is the step's error.
	Err error
}

// resolveTarget checks, before anything is changed, that what the command
// line asks for can be booted. It returns the kept root's name, previous
// (the root as it is now, kept by this boot), or "" for a normal boot.
func resolveTarget(req RollbackRequest, asked string) (string, error) {
	if asked == "" {
		return "", nil
	}
	d := req.Config.Dataset
	if asked != RootPrevious {
		name, err := keep.Resolve(req.ZFS, d, req.Config.Snapshot, asked)
		if err != nil {
			return "", fmt.Errorf("blankslate.root=%s: %w", asked, err)
		}
		return name, nil
	}
	if rec, _, err := keep.IsRecoveryRoot(req.ZFS, d); rec || err != nil {
		return RootPrevious, err
	}
	written, err := req.ZFS.Written(d, req.Config.Snapshot)
	if err != nil {
		return "", fmt.Errorf("blankslate.root=previous: reading what the last boot wrote on %s: %w", d, err)
	}
	if written == 0 {
		return "", fmt.Errorf("blankslate.root=previous: the last boot left %s blank (nothing written since @%s), so there is no previous root to boot; "+
			"name a kept root instead (blankslate roots lists them)", d, req.Config.Snapshot)
	}
	return RootPrevious, nil
}

// refuseRecovery records why the recovery cannot be done and reports
// whether the step stops here (policy emergency: nothing was changed) or
// goes on as a normal boot (policy continue).
func (rep *RollbackReport) refuseRecovery(req RollbackRequest, err error) bool {
	rep.Recovery = Recovery{Asked: rep.Cmdline.Root, Err: err}
	if req.Config.OnFailure == config.PolicyContinue {
		return false
	}
	rep.Err = fmt.Errorf("%w; the root was left as it was", err)
	rep.Outcome = event.RecoveryRefused
	return true
}

// recover boots the kept root target: previous is the root this boot kept
// or returned; the rollback has just made the root blank.
func (rep *RollbackReport) recover(req RollbackRequest, kr keep.Request, target string) {
	rep.Recovery.Asked = rep.Cmdline.Root
	if target == RootPrevious {
		target = rep.Returned
		if target == "" {
			target = rep.Kept.Kept
		}
	}
	var err error
	if target == "" {
		why := errors.Join(rep.ReturnErr, rep.KeepErr)
		if why == nil {
			why = errors.New("nothing was kept")
		}
		err = fmt.Errorf("blankslate.root=previous: the last boot's root could not be kept (%v), so it cannot be booted; the root is blank", why)
	} else {
		rep.Recovery.Snapshot, err = keep.BootFrom(req.ZFS, kr, target)
	}
	after(req.AfterStep, StepRecover)
	if err != nil {
		rep.refuseRecovery(req, err)
		return
	}
	rep.Recovery.From = target
	rep.note(req, bootstate.State{State: bootstate.Recovered, From: target, Snapshot: rep.Recovery.Snapshot,
		Why: fmt.Sprintf("blankslate.root=%s on the kernel command line: this boot runs on a writable copy of the kept root %s; "+
			"the next boot without it keeps what this boot writes as a kept root and starts blank", rep.Cmdline.Root, target)})
}

// skipWhy is what the record and the note say of blankslate.rollback=skip.
const skipWhy = "blankslate.rollback=skip on the kernel command line: this boot keeps the root as the last boot left it"

// skip is blankslate.rollback=skip: the repair has run (a root cut in half
// would not boot), the audit records what stays, nothing else is done.
func (rep *RollbackReport) skip(req RollbackRequest) RollbackReport {
	rep.Audit, _, rep.AuditErr = record(req, true) // nothing is set aside on a boot that keeps its root
	after(req.AfterStep, StepAudit)
	rep.Outcome = event.RollbackSkipped
	if r := rep.Audit; r != nil {
		r.Outcome, r.Error = audit.OutcomeNotReset, skipWhy
		if req.RecordPath != "" {
			rep.RecordErr = r.Write(req.RecordPath)
		}
	}
	rep.note(req, bootstate.State{State: bootstate.NotReset, Why: skipWhy})
	return *rep
}

// note leaves the state of this boot's root where check finds it.
func (rep *RollbackReport) note(req RollbackRequest, s bootstate.State) {
	if req.StatePath != "" {
		rep.StateErr = bootstate.Write(req.StatePath, s)
	}
}
