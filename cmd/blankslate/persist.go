package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/coreos/go-systemd/v22/journal"
	"github.com/sirupsen/logrus"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/boot"
	"github.com/blankslate/blankslate/internal/event"
)

// defaultRoot is where the systemd initrd mounts the new root.
const defaultRoot = "/sysroot"

// entryLinesUpTo: a configuration with at most this many entries gets a line
// for every entry attached; a larger one gets the summary and a line for each
// failure (with --verbose, every line). The units send the lines to the
// serial console too, where a thousand of them cost the boot seconds.
const entryLinesUpTo = 100

func runPersist(args []string, stderr io.Writer) int {
	var c common
	var verbose bool
	var mapsFrom string
	if !parseFlags("persist", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&c.config, "config", "", "configuration `file`")
		fs.StringVar(&c.root, "root", defaultRoot, "the new root `dir`ectory")
		fs.BoolVar(&c.force, "force", false, "act even outside an initrd")
		fs.BoolVar(&verbose, "verbose", false, "log every entry attached, however many there are")
		fs.StringVar(&mapsFrom, "maps-from", "", "the persistent root `dir` whose var/lib/nixos uid-map and gid-map resolve owner names (default: the configuration's persistRoot)")
	}) {
		return exitUsage
	}
	if mapsFrom != "" && (!filepath.IsAbs(mapsFrom) || filepath.Clean(mapsFrom) != mapsFrom) {
		fmt.Fprintf(stderr, "blankslate persist: --maps-from %q must be an absolute, clean path such as /persist\n", mapsFrom)
		return exitUsage
	}
	if !filepath.IsAbs(c.root) || filepath.Clean(c.root) != c.root {
		fmt.Fprintf(stderr, "blankslate persist: --root %q must be an absolute, clean path such as /sysroot\n", c.root)
		return exitUsage
	}
	rec := event.New(stderr)
	st := newStep(rec, "persist", "the persisted paths were NOT all attached", event.PersistNotDone)
	if !c.force && !inInitrd() {
		return st.refuseOutsideInitrd("mount over paths")
	}
	cfg, from, code := st.load(c.config)
	if cfg == nil {
		return code
	}
	if verbose || len(cfg.Entries) <= entryLinesUpTo {
		rec.Log.SetLevel(logrus.DebugLevel)
	}
	rec.Log.Infof("persist: [started] %d entries from %s into %s (configuration: %s)",
		len(cfg.Entries), boot.JoinRoot(c.root, cfg.PersistRoot), c.root, from)
	unlock, err := boot.Lock(boot.LockPath, lockWait)
	if err != nil {
		return st.fail(event.PersistFailed, err, exitFailed)
	}
	defer unlock()
	rep := boot.Persist(boot.PersistRequest{Config: cfg, Root: c.root, Log: rec.Log,
		RecordPath: audit.RecordPath, SavedPath: audit.SavedPath, MapsRoot: mapsFrom, AfterStep: afterStep})
	for _, err := range rep.Refused {
		rec.Log.Errorf("persist: [refused] %v", err)
	}
	logSave(rec, rep)
	if rep.Err != nil {
		return st.fail(rep.Outcome, rep.Err, exitFailed)
	}
	rec.Record(rep.Outcome, journal.PriNotice,
		fmt.Sprintf("persist: [finished] %d entries attached from %s (%s)", len(rep.Attached.Outcomes), rep.PersistRoot, short(rep.Took)),
		map[string]string{"entries": strconv.Itoa(len(rep.Attached.Outcomes)), "took": short(rep.Took).String()})
	return exitOK
}

// logSave says what became of the audit record; it never fails the step.
func logSave(rec *event.Recorder, rep boot.PersistReport) {
	switch {
	case rep.SaveErr != nil:
		rec.Log.Warnf("audit: [failed] the record of what the rollback erased was not saved: %v; it stays in %s", rep.SaveErr, audit.RecordPath)
	case rep.Saved != "":
		rec.Log.Infof("audit: [finished] saved %s; removed %d older record(s)", rep.Saved, len(rep.Removed))
	}
}
