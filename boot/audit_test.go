package boot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

// recordingLister is a fakeLister that remembers what it was asked to list.
type recordingLister struct {
	fakeLister
	asked []string
}

func (r *recordingLister) List(dataset, snap string, lim config.AuditLimits) (audit.Listing, error) {
	r.asked = append(r.asked, dataset+" against "+snap)
	return r.fakeLister.List(dataset, snap, lim)
}

// setAsideBoot runs a boot's rollback that sets the dirty root aside and
// saves its pending record beneath root as persist would; it returns the
// root set aside.
func setAsideBoot(t *testing.T, m *zfstest.Model, cfg *config.Config, root string, at time.Time) string {
	t.Helper()
	m.Write(zfstest.Root, 1<<20)
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	rep := Rollback(RollbackRequest{Config: cfg, ZFS: m, Lister: &fakeLister{}, Now: at, Log: log})
	if rep.SetAside == "" || rep.Err != nil {
		t.Fatalf("the rollback set nothing aside: %+v", rep)
	}
	if root != "" {
		if _, _, err := audit.Save(JoinRoot(root, cfg.PersistRoot), rep.Audit, 30); err != nil {
			t.Fatal(err)
		}
	}
	return rep.SetAside
}

// finishOn finishes the set-aside a boot left for after switch-root, as
// blankslate audit does before it lists.
func finishOn(t *testing.T, m *zfstest.Model, cfg *config.Config) []string {
	t.Helper()
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	did, err := finish(AuditRequest{Config: cfg, ZFS: m, Now: now, Log: log})
	if err != nil {
		t.Fatalf("finishing the set-aside after boot: %v", err)
	}
	return did
}

func auditOn(m *zfstest.Model, cfg *config.Config, l Lister, root string, hook func(Step)) AuditReport {
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	return Audit(AuditRequest{Config: cfg, ZFS: m, Lister: l, Root: root, Now: now.Add(time.Minute), Log: log, AfterStep: hook})
}

// persistentRoot makes a root directory with the persistent root beneath it.
func persistentRoot(t *testing.T, cfg *config.Config) string {
	root := t.TempDir()
	if err := os.MkdirAll(JoinRoot(root, cfg.PersistRoot), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// savedRecords reads every record saved beneath root.
func savedRecords(t *testing.T, cfg *config.Config, root string) []*audit.Record {
	t.Helper()
	dir := filepath.Join(JoinRoot(root, cfg.PersistRoot), audit.LogDir)
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var out []*audit.Record
	for _, n := range names {
		r, err := audit.Read(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestAuditAfterBootListsTheRootSetAsideThenLetsItGo(t *testing.T) {
	listed := audit.Listing{Top: []audit.Entry{{Name: "junk", Type: "file"}},
		Files: []audit.File{{Change: "created", Type: "file", Path: "/junk"}}, Complete: true}
	tests := []struct {
		name        string
		cfg         *config.Config
		lister      *recordingLister
		wantOutcome audit.Outcome
		wantGone    bool // the root set aside is destroyed
		wantListErr bool
	}{
		{"with keep.roots 0 it is listed, recorded as erased and destroyed", config.Default(),
			&recordingLister{fakeLister: fakeLister{listing: listed}}, audit.OutcomeErased, true, false},
		{"with keep.roots 2 it is listed, recorded as kept and kept", withKeep(2),
			&recordingLister{fakeLister: fakeLister{listing: listed}}, audit.OutcomeKept, false, false},
		{"a listing that fails is recorded as waiting, and the root stays set aside", config.Default(),
			&recordingLister{fakeLister: fakeLister{listing: audit.Listing{Limited: "mount failed"}, err: errors.New("mount failed")}},
			audit.OutcomeWaiting, false, true},
		{"a listing that fails with keep.roots 2 is recorded as waiting too", withKeep(2),
			&recordingLister{fakeLister: fakeLister{listing: audit.Listing{Limited: "ended early"}, err: errors.New("unexpected EOF")}},
			audit.OutcomeWaiting, false, true},
		{"a listing stopped at maxFiles is a bound, not a failure: the root goes", config.Default(),
			&recordingLister{fakeLister: fakeLister{listing: audit.Listing{Top: listed.Top, Files: listed.Files, Limited: "stopped at maxFiles 1"}}},
			audit.OutcomeErased, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			root := persistentRoot(t, tc.cfg)
			k := setAsideBoot(t, m, tc.cfg, root, now)
			rep := auditOn(m, tc.cfg, tc.lister, root, nil)
			if rep.Err != nil || len(rep.Roots) != 1 || rep.Roots[0].Name != k || rep.Roots[0].SaveErr != nil {
				t.Fatalf("report %+v; want %s listed and saved", rep, k)
			}
			if want := k + " against " + zfstest.Root + "@" + zfstest.Start; len(tc.lister.asked) != 1 || tc.lister.asked[0] != want {
				t.Errorf("listed %v, want [%s]", tc.lister.asked, want)
			}
			if (rep.Roots[0].ListErr != nil) != tc.wantListErr {
				t.Errorf("listing error %v, want one: %v", rep.Roots[0].ListErr, tc.wantListErr)
			}
			recs := savedRecords(t, tc.cfg, root)
			if len(recs) != 1 {
				t.Fatalf("%d records saved, want 1 (the boot's pending one replaced)", len(recs))
			}
			r := recs[0]
			if r.Pending || r.SetAside != k || r.Outcome != tc.wantOutcome || r.Bytes != 1<<20 || (tc.wantListErr && r.Complete) {
				t.Errorf("record %+v", r)
			}
			if tc.wantListErr && (r.ListError == "" || r.KeptAs != "" || strings.Contains(r.Summary(), "; erased") || !strings.Contains(r.Summary(), "FAILED")) {
				t.Errorf("record of a failed listing %+v: %s", r, r.Summary())
			}
			_, err := m.Info(k)
			if gone := err != nil; gone != tc.wantGone {
				t.Errorf("root set aside destroyed: %v, want %v", gone, tc.wantGone)
			}
			if tc.wantListErr {
				if info, _ := m.Info(k); info.Audit != keep.AuditRetry || !info.ReadOnly {
					t.Errorf("the root whose listing failed: %+v; want it read-only and marked for a retry", info)
				}
				if len(rep.Unlisted) != 1 {
					t.Errorf("unlisted %v, want the root", rep.Unlisted)
				}
				return
			}
			if !tc.wantGone {
				if info, _ := m.Info(k); info.Audit != keep.AuditListed || !info.ReadOnly {
					t.Errorf("the kept root: %+v; want it read-only and marked listed", info)
				}
			}
		})
	}
}

func TestAuditWithNothingSetAsideDoesNothing(t *testing.T) {
	m := zfstest.Seed(t)
	cfg := config.Default()
	root := persistentRoot(t, cfg)
	m.ClearJournal()
	rep := auditOn(m, cfg, &recordingLister{}, root, nil)
	if rep.Err != nil || len(rep.Roots) != 0 || len(m.Journal()) != 0 || len(savedRecords(t, cfg, root)) != 0 {
		t.Errorf("report %+v, changes %v", rep, m.Journal())
	}
}

// A root whose record cannot be saved stays as it is, waiting, and the next
// run lists it again.
func TestAuditThatCannotSaveLeavesTheRootWaiting(t *testing.T) {
	m := zfstest.Seed(t)
	cfg := config.Default()
	k := setAsideBoot(t, m, cfg, "", now)
	rep := auditOn(m, cfg, &recordingLister{}, filepath.Join(t.TempDir(), "missing"), nil)
	if len(rep.Roots) != 1 || rep.Roots[0].SaveErr == nil || len(rep.Unlisted) != 1 {
		t.Fatalf("report %+v; want the save to fail", rep)
	}
	if info, err := m.Info(k); err != nil || info.Audit != keep.AuditPending {
		t.Errorf("the root set aside: %+v, %v; want it still waiting", info, err)
	}
}

// A power cut after any step of the listing after boot leaves the root
// waiting or gone; the next run ends with one record for the boot, listed,
// and the root gone.
func TestAuditCutAfterAnyStepConvergesToOneRecord(t *testing.T) {
	listed := audit.Listing{Files: []audit.File{{Change: "created", Type: "file", Path: "/junk"}}, Complete: true}
	for _, cut := range []Step{StepList, StepSave, StepPrune} {
		t.Run("cut after "+string(cut), func(t *testing.T) {
			m := zfstest.Seed(t)
			cfg := config.Default()
			root := persistentRoot(t, cfg)
			k := setAsideBoot(t, m, cfg, root, now)
			func() {
				defer func() {
					if r := recover(); r != nil && r != (powerCut{}) {
						panic(r)
					}
				}()
				auditOn(m, cfg, &recordingLister{fakeLister: fakeLister{listing: listed}}, root, func(s Step) {
					if s == cut {
						panic(powerCut{})
					}
				})
				t.Fatalf("the listing never reached %s", cut)
			}()
			auditOn(m, cfg, &recordingLister{fakeLister: fakeLister{listing: listed}}, root, nil)
			recs := savedRecords(t, cfg, root)
			if len(recs) != 1 || recs[0].Pending || len(recs[0].Files) != 1 || recs[0].SetAside != k {
				t.Fatalf("records %+v; want one, listed", recs)
			}
			if _, err := m.Info(k); err == nil {
				t.Errorf("%s is still there", k)
			}
		})
	}
}

// Roots that nobody lists (the service is not enabled) are bounded: beyond
// keep.MaxPending the oldest is destroyed unlisted, and the record says so.
func TestRootsWaitingTooLongAreDestroyedUnlistedAndRecorded(t *testing.T) {
	m := zfstest.Seed(t)
	cfg := config.Default()
	var set []string
	for i := 0; i < keep.MaxPending; i++ {
		set = append(set, setAsideBoot(t, m, cfg, "", now.Add(time.Duration(i)*time.Hour)))
	}
	m.Write(zfstest.Root, 1<<20)
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	rep := Rollback(RollbackRequest{Config: cfg, ZFS: m, Lister: &fakeLister{}, Now: now.Add(24 * time.Hour), Log: log})
	if len(rep.Audit.Unlisted) != 1 || rep.Audit.Unlisted[0] != set[0] {
		t.Fatalf("unlisted %v, want [%s]", rep.Audit.Unlisted, set[0])
	}
	finishOn(t, m, cfg)
	waiting, err := keep.Awaiting(m, zfstest.Root, zfstest.Start)
	if err != nil || len(waiting) != keep.MaxPending {
		t.Errorf("%d roots waiting (%v), want %d", len(waiting), err, keep.MaxPending)
	}
}

// A root held (an unknown blankslate.* word, cut between the hold and the
// seal) and waiting for its listing is kept by the prune whatever keep.roots
// says, so its record says kept, not erased.
func TestAHeldRootWaitingForItsListingIsRecordedAsKept(t *testing.T) {
	m := zfstest.Seed(t)
	cfg := config.Default()
	root := persistentRoot(t, cfg)
	k := setAsideBoot(t, m, cfg, root, now)
	if err := m.SetProp(k, keep.HoldProp, "test"); err != nil {
		t.Fatal(err)
	}
	listed := audit.Listing{Files: []audit.File{{Change: "created", Type: "file", Path: "/junk"}}, Complete: true}
	rep := auditOn(m, cfg, &recordingLister{fakeLister: fakeLister{listing: listed}}, root, nil)
	if len(rep.Roots) != 1 || rep.Roots[0].Record == nil {
		t.Fatalf("report %+v", rep)
	}
	if r := rep.Roots[0].Record; r.Outcome != audit.OutcomeKept || r.KeptAs != k {
		t.Errorf("record %+v; want kept as %s", r, k)
	}
	if _, err := m.Info(k); err != nil {
		t.Errorf("the held root is gone: %v", err)
	}
}
