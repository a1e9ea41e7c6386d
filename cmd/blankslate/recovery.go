package main

import (
	"fmt"
	"strings"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/boot"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/keep"
)

// logCmdline says what of the kernel command line was not understood.
func logCmdline(rec *event.Recorder, rep boot.RollbackReport) {
	if rep.CmdlineErr != nil {
		rec.Log.Warnf("rollback: %v", rep.CmdlineErr)
	}
	for _, w := range rep.Cmdline.Warnings {
		rec.Log.Warnf("rollback: kernel command line: %s", w)
	}
	reportUnknown(rec, rep)
	if rep.StateErr != nil {
		rec.Log.Warnf("rollback: the note for blankslate check could not be written (%v); check will not say why this root is not blank", rep.StateErr)
	}
}

// reportRecovery writes the outcome entry of a boot that the kernel command
// line changed, and reports whether it did: skipped, recovered, or a
// recovery that was not done (policy continue: the boot is blank instead).
func reportRecovery(rec *event.Recorder, rep boot.RollbackReport) bool {
	switch {
	case rep.Outcome == event.RollbackSkipped:
		bytes := "an unknown amount"
		if rep.Audit != nil {
			bytes = fmt.Sprint(rep.Audit.Bytes) + " bytes"
		}
		rec.Record(event.RollbackSkipped, journal.PriCrit, fmt.Sprintf("rollback: [skipped] blankslate.rollback=skip is on the kernel command line: "+
			"the root was NOT reset, this boot runs on the root as the last boot left it (%s written since the blank snapshot). "+
			"Boot without it to reset the root again; blankslate check reports it meanwhile (%s)", bytes, bootstate.Path), nil)
		return true
	case rep.Outcome == event.RootRecovered:
		r := rep.Recovery
		rec.Record(event.RootRecovered, journal.PriWarning, fmt.Sprintf("rollback: [recovered] blankslate.root=%s: this boot runs on a writable copy of the kept root %s "+
			"(a clone of %s); %s itself is not changed. The next boot without blankslate.root= keeps what this boot writes as a kept root and starts blank",
			r.Asked, r.From, r.Snapshot, r.From), map[string]string{"kept_root": r.From, "snapshot": r.Snapshot})
		return true
	case rep.Recovery.Err != nil:
		rec.Record(event.RecoveryNotDone, journal.PriCrit, fmt.Sprintf("rollback: blankslate.root=%s was NOT booted: %v; "+
			"the boot CONTINUES on a blank root because the configuration says onFailure=continue", rep.Recovery.Asked, rep.Recovery.Err), nil)
		reportRollback(rec, rep)
		return true
	}
	return false
}

// reportUnknown writes the crit entry of a boot whose kernel command line
// carries blankslate.* words blankslate does not know: a mistyped recovery
// word keeps the last boot's root, held, and says so.
func reportUnknown(rec *event.Recorder, rep boot.RollbackReport) {
	if len(rep.Cmdline.Unknown) == 0 {
		return
	}
	words := strings.Join(rep.Cmdline.Unknown, " ")
	held := rep.Kept.Kept
	if held == "" {
		held = rep.Returned
	}
	var what string
	switch {
	case rep.Cmdline.Skip:
		what = "blankslate.rollback=skip keeps the root as the last boot left it"
	case rep.Err != nil:
		what = "the last boot's root could not be kept, so it was NOT rolled back (the next entries say why)"
	case held != "":
		what = fmt.Sprintf("the last boot's root is KEPT, held, as %s: it is never pruned nor destroyed by the listing after boot, whatever keep.roots says, "+
			"until you make it an ordinary kept root with: %s. This boot starts blank", held, keep.Release(held))
	default:
		what = "the last boot left nothing to keep (nothing was written since the blank snapshot); this boot starts blank"
	}
	rec.Record(event.RootKept, journal.PriCrit, fmt.Sprintf("rollback: kernel command line: blankslate does not know %s (it knows %s): %s",
		words, boot.KnownWords, what), map[string]string{"unknown_words": words, "held": held})
}
