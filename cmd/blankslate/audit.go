package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/blankslate/blankslate/boot"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
)

// runAudit is `blankslate audit`, run by blankslate-audit.service after
// switch-root: it lists the roots the rollback set aside (docs/audit.md).
func runAudit(args []string, stderr io.Writer) int {
	var c common
	if !parseFlags("audit", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.StringVar(&c.root, "root", "/", "the running system's root `dir`ectory")
	}) {
		return exitUsage
	}
	if !filepath.IsAbs(c.root) || filepath.Clean(c.root) != c.root {
		fmt.Fprintf(stderr, "blankslate audit: --root %q must be an absolute, clean path such as /\n", c.root)
		return exitUsage
	}
	rec := event.New(stderr)
	st := newStep(rec, "audit", "what the last boot's root held was not listed", event.AuditFailed)
	cfg, _, code := st.load(c.config)
	if cfg == nil {
		return code
	}
	unlock, err := boot.Lock(boot.LockPath, lockWait)
	if err != nil {
		return st.fail(event.AuditFailed, err, exitFailed)
	}
	defer unlock()
	z, err := libzfs.Open()
	if err != nil {
		return st.fail(event.ZFSUnavailable, fmt.Errorf("%w; nothing was listed or destroyed", err), exitFailed)
	}
	defer z.Close()
	start := time.Now()
	rep := boot.Audit(boot.AuditRequest{Config: cfg, ZFS: z, Lister: &childLister{}, Root: c.root,
		Now: time.Now(), Log: rec.Log, AfterStep: afterStep})
	if len(rep.Finished) > 0 {
		rec.Log.Infof("audit: [set aside] finished what the boot left for after switch-root: %s", strings.Join(rep.Finished, "; "))
	}
	if rep.Err != nil {
		return st.fail(event.AuditFailed, rep.Err, exitFailed)
	}
	if len(rep.Roots) == 0 {
		rec.Log.Infof("audit: [finished] no root is waiting for its listing")
		return exitOK
	}
	failed := 0
	for _, a := range rep.Roots {
		if !reportAudited(rec, a) {
			failed++
		}
	}
	rec.Log.Infof("audit: [timing] %d root(s) listed in %s", len(rep.Roots), short(time.Since(start)))
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// reportAudited writes one root's outcome entry; false when it still waits.
func reportAudited(rec *event.Recorder, a boot.AuditedRoot) bool {
	if a.SaveErr != nil {
		rec.Record(event.AuditFailed, journal.PriErr,
			fmt.Sprintf("audit: [failed] %s: %v; it is left as it is, and the next run lists it again", a.Name, a.SaveErr),
			map[string]string{"set_aside": a.Name})
		return false
	}
	if a.ListErr != nil {
		left := "it stays set aside, read-only, and nothing was destroyed"
		if a.MarkErr != nil {
			left += fmt.Sprintf(" (marking it for a retry failed: %v)", a.MarkErr)
		}
		rec.Record(event.AuditFailed, journal.PriErr,
			fmt.Sprintf("audit: [not listed] %s: %v; %s; the record %s says so; `blankslate audit` (or the next boot's blankslate-audit.service) lists it again",
				a.Name, a.ListErr, left, a.Saved),
			map[string]string{"set_aside": a.Name, "record": a.Saved})
		return false
	}
	fate := "destroyed"
	if len(a.Pruned) == 0 || !slices.Contains(a.Pruned, a.Name) {
		fate = "kept, read-only (keep.roots)"
	}
	if a.PruneErr != nil {
		fate = "NOT destroyed: " + a.PruneErr.Error()
	}
	if len(a.Pruned) > 0 {
		fate += "; pruned " + strings.Join(a.Pruned, ", ")
	}
	rec.Record(event.AuditListed, journal.PriInfo,
		fmt.Sprintf("audit: [listed] %s: %s; saved %s; %s", a.Name, a.Record.Summary(), a.Saved, fate),
		map[string]string{"set_aside": a.Name, "bytes": human.Bytes(a.Record.Bytes), "record": a.Saved})
	return a.PruneErr == nil
}
