package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
	"github.com/blankslate/blankslate/rollback"
)

func runRollback(args []string, stderr io.Writer) int {
	var c common
	if !parseFlags("rollback", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.BoolVar(&c.force, "force", false, "act even outside an initrd")
	}) {
		return exitUsage
	}
	rec := event.New()
	step := &step{rec: rec, name: "rollback", notDone: "the root was NOT reset", policy: policyOf(c.config)}
	if !c.force && !inInitrd() {
		return step.refuseOutsideInitrd("roll back the root dataset")
	}
	cfg, from, err := config.Load(c.config)
	if err != nil {
		return step.fail("config-invalid", err, exitUsage)
	}
	step.policy = cfg.OnFailure
	rec.Log.Infof("rollback: [started] %s to @%s (configuration: %s)", cfg.Dataset, cfg.Snapshot, from)
	z, err := libzfs.Open()
	if err != nil {
		return step.fail("zfs-unavailable", err, exitFailed)
	}
	defer z.Close()
	repairKept(rec, z, cfg)
	audited := recordAudit(rec, z, cfg)
	keepRoot(rec, z, cfg)
	res, err := rollback.Run(z, rollback.Request{Pool: cfg.Pool, Dataset: cfg.Dataset, Snapshot: cfg.Snapshot})
	audited.done(err)
	if err != nil {
		return step.fail(rollbackOutcome(err), err, exitFailed)
	}
	reportRollback(rec, res)
	return exitOK
}

// rollbackOutcome tells a refusal (nothing was tried) from a failure of ZFS itself.
func rollbackOutcome(err error) event.Outcome {
	var e *rollback.Error
	if errors.As(err, &e) && e.Kind != rollback.KindZFSFailed && e.Kind != rollback.KindPartialChange {
		return "rollback-refused"
	}
	return "rollback-failed"
}

func reportRollback(rec *event.Recorder, res rollback.Result) {
	fields := map[string]string{
		"snapshot":            res.Snapshot,
		"discarded_bytes":     strconv.FormatUint(res.Discarded, 10),
		"destroyed_snapshots": strconv.Itoa(len(res.DestroyedSnapshots)),
		"destroyed_bookmarks": strconv.Itoa(len(res.DestroyedBookmarks)),
		"took":                short(res.Took).String(),
	}
	if res.NoOp {
		rec.Record("rollback-noop", journal.PriInfo,
			fmt.Sprintf("rollback: [finished] %s: nothing was written since the snapshot; left as it was (%s)", res.Snapshot, short(res.Took)), fields)
		return
	}
	msg := fmt.Sprintf("rollback: [finished] rolled back to %s, discarding %s", res.Snapshot, human.Bytes(res.Discarded))
	if n := len(res.DestroyedSnapshots); n > 0 {
		msg += fmt.Sprintf("; destroyed %d newer snapshot(s): %v", n, res.DestroyedSnapshots)
	}
	if n := len(res.DestroyedBookmarks); n > 0 {
		msg += fmt.Sprintf("; destroyed %d newer bookmark(s): %v", n, res.DestroyedBookmarks)
	}
	rec.Record("rollback-done", journal.PriNotice, msg+fmt.Sprintf(" (%s)", short(res.Took)), fields)
}
