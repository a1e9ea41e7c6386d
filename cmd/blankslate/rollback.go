package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/boot"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/keep"
)

// lockWait is how long a step waits for another run to finish.
const lockWait = 30 * time.Second

// afterStep is the boot steps' hook. It stays nil in the release binary; only
// the fault-injection build (faultinject.go) sets it.
var afterStep func(boot.Step)

func runRollback(args []string, stderr io.Writer) int {
	var c common
	if !parseFlags("rollback", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.BoolVar(&c.force, "force", false, "act even outside an initrd")
	}) {
		return exitUsage
	}
	rec := event.New(stderr)
	st := newStep(rec, "rollback", "the root was NOT reset", event.RootNotReset)
	if !c.force && !inInitrd() {
		return st.refuseOutsideInitrd("roll back the root dataset")
	}
	cfg, from, code := st.load(c.config)
	if cfg == nil {
		return code
	}
	rec.Log.Infof("rollback: [started] %s to @%s (configuration: %s)", cfg.Dataset, cfg.Snapshot, from)
	unlock, err := boot.Lock(boot.LockPath, lockWait)
	if err != nil {
		return st.fail(event.RollbackRefused, err, exitFailed)
	}
	defer unlock()
	z, err := libzfs.Open()
	if err != nil {
		return st.fail(event.ZFSUnavailable, fmt.Errorf("%w; nothing was changed", err), exitFailed)
	}
	defer z.Close()
	start := time.Now()
	rep := boot.Rollback(boot.RollbackRequest{Config: cfg, ZFS: z, Lister: &childLister{},
		RecordPath: audit.RecordPath, CmdlinePath: boot.CmdlinePath, StatePath: bootstate.Path,
		Now: time.Now(), Log: rec.Log, AfterStep: afterStep})
	logCmdline(rec, rep)
	logSteps(rec, rep)
	// One figure for every kind of boot (blank, kept, skipped, recovered),
	// so that what a recovery boot costs can be read off the console.
	rec.Log.Infof("rollback: [timing] repair, audit, keep, rollback and recovery took %s in all", short(time.Since(start)))
	if rep.Err != nil {
		return st.fail(rep.Outcome, rep.Err, exitFailed)
	}
	if reportRecovery(rec, rep) {
		return exitOK
	}
	reportRollback(rec, rep)
	return exitOK
}

// logSteps says what the steps before the rollback did; none of them stops it.
func logSteps(rec *event.Recorder, rep boot.RollbackReport) {
	if rep.RepairErr != nil {
		rec.Log.Errorf("keep: [failed] repairing an interrupted keep: %v; the rollback went on", rep.RepairErr)
	}
	if len(rep.Repaired) > 0 {
		rec.Log.Warnf("keep: [repaired] %s", strings.Join(rep.Repaired, "; "))
	}
	if rep.AuditErr != nil {
		rec.Log.Warnf("audit: [incomplete] %v; the rollback went on", rep.AuditErr)
	}
	switch {
	case rep.RecordErr != nil:
		rec.Log.Warnf("audit: [failed] the record of what the rollback erased could not be written: %v; the rollback went on", rep.RecordErr)
	case rep.Audit != nil && rep.Audit.Pending:
		rec.Log.Infof("audit: [set aside] %s (%s); `blankslate audit` (blankslate-audit.service) lists it after boot", rep.Audit.Summary(), audit.RecordPath)
	case rep.Audit != nil:
		rec.Log.Infof("audit: [finished] %s (%s)", rep.Audit.Summary(), audit.RecordPath)
	}
	if rep.Audit != nil && len(rep.Audit.Unlisted) > 0 {
		rec.Log.Warnf("audit: [not listed] %s waited for the listing after boot for more than %d boots and was destroyed unlisted; is blankslate-audit.service enabled?",
			strings.Join(rep.Audit.Unlisted, ", "), keep.MaxPending)
	}
	if rep.ReturnErr != nil {
		rec.Log.Errorf("keep: [failed] returning from the boot on a copy of a kept root: %v", rep.ReturnErr)
	}
	if rep.Returned != "" {
		rec.Log.Infof("keep: [returned] what the boot on a copy of a kept root wrote is kept, read-only, as %s; the root owns @start again", rep.Returned)
	}
	if rep.KeepErr != nil {
		rec.Log.Errorf("keep: [failed] %v; the rollback went on", rep.KeepErr)
	}
	if rep.Kept.Kept != "" || len(rep.Kept.Pruned) > 0 {
		rec.Log.Infof("keep: [finished] kept %s; %d older kept root(s) pruned", orNone(rep.Kept.Kept), len(rep.Kept.Pruned))
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// reportRollback writes the step's one outcome entry.
func reportRollback(rec *event.Recorder, rep boot.RollbackReport) {
	res := rep.Rollback
	fields := map[string]string{
		"snapshot":            res.Snapshot,
		"discarded_bytes":     strconv.FormatUint(res.Discarded, 10),
		"destroyed_snapshots": strconv.Itoa(len(res.DestroyedSnapshots)),
		"destroyed_bookmarks": strconv.Itoa(len(res.DestroyedBookmarks)),
		"took":                short(res.Took).String(),
	}
	var msg string
	switch rep.Outcome {
	case event.RootKept:
		kept := orNone(rep.Kept.Kept)
		if rep.Returned != "" {
			kept = rep.Returned
		}
		fields["kept_as"] = kept
		msg = fmt.Sprintf("rollback: [finished] the root is %s again; what the last boot wrote is kept, read-only, as %s", res.Snapshot, kept)
	case event.RollbackNoop:
		msg = fmt.Sprintf("rollback: [finished] %s: nothing was written since the snapshot; left as it was", res.Snapshot)
	default:
		msg = fmt.Sprintf("rollback: [finished] rolled back to %s, discarding %s", res.Snapshot, human.Bytes(res.Discarded))
		if rep.SetAside != "" {
			msg = fmt.Sprintf("rollback: [finished] rolled back to %s, discarding %s (set aside as %s until it is listed after boot)", res.Snapshot, human.Bytes(res.Discarded), rep.SetAside)
			fields["set_aside"] = rep.SetAside
		}
		if rep.Unfinished {
			msg += fmt.Sprintf("; the root is a fresh clone of %s@%s, promoted by `blankslate audit` after boot (or by the next boot)",
				rep.SetAside, strings.TrimPrefix(res.Snapshot[strings.LastIndexByte(res.Snapshot, '@'):], "@"))
		}
	}
	if n := len(res.DestroyedSnapshots); n > 0 {
		msg += fmt.Sprintf("; destroyed %d newer snapshot(s): %v", n, res.DestroyedSnapshots)
	}
	if n := len(res.DestroyedBookmarks); n > 0 {
		msg += fmt.Sprintf("; destroyed %d newer bookmark(s): %v", n, res.DestroyedBookmarks)
	}
	pri := journal.PriNotice
	if rep.Outcome == event.RollbackNoop {
		pri = journal.PriInfo
	}
	rec.Record(rep.Outcome, pri, msg+fmt.Sprintf(" (%s)", short(res.Took)), fields)
}
