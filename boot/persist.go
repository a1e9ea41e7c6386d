package boot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/coreos/go-systemd/v22/unit"
	"github.com/sirupsen/logrus"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/mounts"
)

// PersistRequest is everything the persist step works with.
type PersistRequest struct {
	Config *config.Config
	Root   string // the new root, e.g. /sysroot; "/" on a running system
	Log    *logrus.Logger
	// RecordPath is the rollback's audit record, saved beneath the persistent
	// root and then moved to SavedPath; "" saves none.
	RecordPath, SavedPath string
	// MapsRoot is the persistent root whose var/lib/nixos maps resolve owner
	// names, as the system sees it (e.g. /persist); "" is Config.PersistRoot.
	MapsRoot string
	// AfterStep, when set, runs after each step (tests only: see doc.go).
	AfterStep func(Step)
}

// PersistReport says what the persist step did.
type PersistReport struct {
	PersistRoot string        // where the persistent root was seen
	Attached    mounts.Result // one outcome per entry that could be planned
	Refused     []error       // entries whose owner could not be resolved
	Saved       string        // the audit record's path beneath the persistent root
	Removed     []string      // older records removed
	SaveErr     error         // saving the record failed; the boot goes on
	Err         error         // the step failed: not every entry is attached
	Outcome     event.Outcome // PersistDone or PersistFailed
	Took        time.Duration
}

// Persist attaches every entry beneath req.Root and saves the audit record.
func Persist(req PersistRequest) PersistReport {
	start := time.Now()
	rep := PersistReport{PersistRoot: JoinRoot(req.Root, req.Config.PersistRoot), Outcome: event.PersistFailed}
	if rep.Err = requireMountPoint(rep.PersistRoot); rep.Err != nil {
		rep.Took = time.Since(start)
		return rep
	}
	maps := rep.PersistRoot
	if req.MapsRoot != "" {
		maps = JoinRoot(req.Root, req.MapsRoot)
	}
	var entries []mounts.Entry
	for _, p := range mounts.PlanWithMaps(req.Config, rep.PersistRoot, maps) {
		if p.Err != nil {
			rep.Refused = append(rep.Refused, p.Err)
			continue
		}
		entries = append(entries, p.Entry)
	}
	rep.Attached = mounts.Apply(req.Root, rep.PersistRoot, entries, req.Log)
	after(req.AfterStep, StepAttach)
	rep.saveRecord(req)
	after(req.AfterStep, StepSave)
	if n := len(rep.Refused) + rep.Attached.Failed(); n > 0 {
		rep.Err = fmt.Errorf("%d of %d entries were not attached; the lines above say which and why", n, len(req.Config.Entries))
	} else {
		rep.Outcome = event.PersistDone
	}
	rep.Took = time.Since(start)
	return rep
}

// saveRecord copies the rollback's record beneath the persistent root and
// keeps the last ones; a second run finds it saved and does nothing.
func (rep *PersistReport) saveRecord(req PersistRequest) {
	lim := req.Config.AuditLimits()
	if !lim.Enabled || req.RecordPath == "" {
		return
	}
	r, err := audit.Read(req.RecordPath)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		rep.SaveErr = err
		return
	}
	rep.Saved, rep.Removed, rep.SaveErr = audit.Save(rep.PersistRoot, r, lim.Keep)
	if rep.SaveErr == nil && req.SavedPath != "" {
		if err := os.Rename(req.RecordPath, req.SavedPath); err != nil {
			rep.SaveErr = fmt.Errorf("%w (a second persist would save the record again)", err)
		}
	}
}

// requireMountPoint refuses a persistent root that is not a mount point:
// writing into the plain directory beneath it would put every "persisted"
// file on the root that the next boot erases.
func requireMountPoint(path string) error {
	ok, err := mounts.IsMountPoint(path)
	if err != nil {
		return fmt.Errorf("the persistent root %s cannot be examined: %w; nothing was attached", path, err)
	}
	if !ok {
		return fmt.Errorf("the persistent root %s is not a mount point (did its dataset fail to mount?); "+
			"nothing was attached, because whatever is written there would be erased at the next boot. "+
			"Check its mount unit: systemctl status %s", path, unit.UnitNamePathEscape(path)+".mount")
	}
	return nil
}

// JoinRoot is path p as seen beneath root.
func JoinRoot(root, p string) string {
	if root == "/" {
		return p
	}
	return root + p
}
