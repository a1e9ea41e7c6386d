package boot

import (
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
)

// holdWhy says why this boot keeps the last boot's root held (keep.HoldProp:
// never pruned, never listed and destroyed after boot): the kernel command
// line carries a blankslate.* word blankslate does not know (a mistyped
// recovery word must not fail open), or a blankslate.root= that cannot be
// booted under the policy continue (the boot goes on blank, and what the
// user wanted back stays). "" when neither.
func (rep *RollbackReport) holdWhy(refused error) string {
	var why []string
	if len(rep.Cmdline.Unknown) > 0 {
		why = append(why, "unknown kernel command line word(s) "+strings.Join(rep.Cmdline.Unknown, " "))
	}
	if refused != nil {
		why = append(why, "blankslate.root="+rep.Cmdline.Root+" was not booted")
	}
	return strings.Join(why, "; ")
}

// asked names what on the kernel command line made this boot keep the root.
func (rep *RollbackReport) asked() string {
	var w []string
	if rep.Cmdline.Root != "" {
		w = append(w, "blankslate.root="+rep.Cmdline.Root)
	}
	return strings.Join(append(w, rep.Cmdline.Unknown...), " ")
}

// unkept reports whether the last boot's root, which this boot must keep
// (a recovery boot, or a hold), is still in the root dataset after the
// return and the keep: then nothing is rolled back and the step fails with
// why (emergency; under continue the boot goes on, the root not reset).
func (rep *RollbackReport) unkept(req RollbackRequest, notKept string) bool {
	d, snap := req.Config.Dataset, req.Config.Snapshot
	var why string
	if rep.ReturnErr != nil {
		why = fmt.Sprintf("returning from the boot on a copy of a kept root failed: %v", rep.ReturnErr)
	} else if written, err := req.ZFS.Written(d, snap); err != nil {
		why = fmt.Sprintf("reading what %s holds beyond @%s: %v", d, snap, err)
	} else if written > 0 {
		why = fmt.Sprintf("%s still holds %d bytes written since @%s", d, written, snap)
		switch {
		case rep.KeepErr != nil:
			why += ": " + rep.KeepErr.Error()
		case notKept != "":
			why += ": it cannot be kept: " + notKept
		}
	}
	if why == "" {
		return false
	}
	err := fmt.Errorf("%s: the last boot's root could not be kept exactly as it was (%s), so it was NOT rolled back: the root is as the last boot left it. "+
		"Remove what keeps it from being kept (e.g. a snapshot newer than @%s: zfs list -t snapshot %s) and reboot, "+
		"or boot with blankslate.rollback=skip to use it as it is", rep.asked(), why, snap, d)
	rep.Recovery = Recovery{Asked: rep.Cmdline.Root, Err: err}
	rep.Err, rep.Outcome = err, event.RecoveryRefused
	if r := rep.Audit; r != nil {
		r.Outcome, r.Error = audit.OutcomeNotReset, err.Error()
		if req.RecordPath != "" {
			rep.RecordErr = r.Write(req.RecordPath)
		}
	}
	rep.note(req, bootstate.State{State: bootstate.NotReset, Why: err.Error()})
	return true
}
