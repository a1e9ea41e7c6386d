package boot

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

var now = time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)

// fakeLister plays the listing process.
type fakeLister struct {
	listing audit.Listing
	err     error
	calls   int
}

func (f *fakeLister) List(dataset, snap string, lim config.AuditLimits) (audit.Listing, error) {
	f.calls++
	return f.listing, f.err
}

func withKeep(roots int) *config.Config {
	c := config.Default()
	c.Keep = &config.Keep{Roots: &roots}
	return c
}

// listingAtBoot turns the listing after boot off: the root is listed in the
// initrd, before the rollback.
func listingAtBoot(c *config.Config) *config.Config {
	off := false
	if c.Audit == nil {
		c.Audit = &config.Audit{}
	}
	c.Audit.ListAfterBoot = &off
	return c
}

func withoutAudit() *config.Config {
	c := config.Default()
	off := false
	c.Audit = &config.Audit{Enable: &off}
	return c
}

// rollbackOn runs the rollback step on m and records the steps it passed.
// rollbackOn runs the rollback step, then, when it left the set-aside for
// after switch-root, finishes it as blankslate audit does.
func rollbackOn(t *testing.T, m *zfstest.Model, cfg *config.Config, l Lister) (RollbackReport, []Step) {
	t.Helper()
	rep, steps := rollbackOnly(t, m, cfg, l)
	if rep.Unfinished {
		finishOn(t, m, cfg)
	}
	return rep, steps
}

// rollbackOnly runs the rollback step alone: what the boot does before the
// root is mounted.
func rollbackOnly(t *testing.T, m *zfstest.Model, cfg *config.Config, l Lister) (RollbackReport, []Step) {
	t.Helper()
	var steps []Step
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	rep := Rollback(RollbackRequest{Config: cfg, ZFS: m, Lister: l, Now: now, Log: log,
		RecordPath: filepath.Join(t.TempDir(), "audit.json"),
		AfterStep:  func(s Step) { steps = append(steps, s) }})
	return rep, steps
}

func TestRollbackOrderAndTruthfulRecord(t *testing.T) {
	listed := audit.Listing{Top: []audit.Entry{{Name: "junk", Type: "file"}},
		Files: []audit.File{{Change: "created", Type: "file", Path: "/junk"}}, Complete: true}
	tests := []struct {
		name        string
		cfg         *config.Config
		setup       func(*zfstest.Model)
		lister      *fakeLister
		wantOutcome event.Outcome
		wantRecord  audit.Outcome // "" when no record
		wantSteps   []Step
		check       func(*testing.T, *zfstest.Model, RollbackReport)
	}{
		{
			name: "with listAfterBoot off a dirty root is listed at boot, erased, and the record says so", cfg: listingAtBoot(config.Default()),
			setup:  func(m *zfstest.Model) { m.Write(zfstest.Root, 50<<20) },
			lister: &fakeLister{listing: listed}, wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.Audit.Bytes != 50<<20 || !reflect.DeepEqual(rep.Audit.Files, listed.Files) || !rep.Audit.Complete {
					t.Errorf("record %+v does not hold what was listed", rep.Audit)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "by default a dirty root is set aside for the listing after boot and nothing is listed at boot", cfg: config.Default(),
			setup:  func(m *zfstest.Model) { m.Write(zfstest.Root, 50<<20) },
			lister: &fakeLister{listing: listed}, wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepRename, StepClone, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				want := keep.Container(zfstest.Root) + "/" + now.Format(keep.TimeFormat)
				if rep.SetAside != want || rep.Audit.SetAside != want || !rep.Audit.Pending || rep.Audit.KeptAs != "" {
					t.Errorf("set aside %q, record %+v; want %s, pending, not kept", rep.SetAside, rep.Audit, want)
				}
				if info, err := m.Info(want); err != nil || info.Audit != keep.AuditPending || !info.ReadOnly || info.Referenced < 50<<20 {
					t.Errorf("the root set aside: %+v, %v; want it read-only, marked pending, holding the data", info, err)
				}
				if rep.Rollback.Discarded != 50<<20 || rep.Audit.Bytes != 50<<20 {
					t.Errorf("discarded %d, recorded %d bytes; want %d", rep.Rollback.Discarded, rep.Audit.Bytes, 50<<20)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a root that cannot be set aside (a newer snapshot) is listed at boot instead", cfg: config.Default(),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.AddSnapshot(zfstest.Root, "later")
			},
			lister: &fakeLister{listing: listed}, wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.SetAside != "" || rep.Audit.Pending || !rep.Audit.Complete || len(rep.Audit.Files) != 1 {
					t.Errorf("record %+v; want it listed at boot", rep.Audit)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a failed set-aside lists at boot and still rolls back", cfg: config.Default(),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.Fail("Clone")
			},
			lister: &fakeLister{listing: listed}, wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepRename, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.KeepErr == nil || rep.SetAside != "" || rep.Audit.Pending || !rep.Audit.Complete {
					t.Errorf("keep err %v, record %+v; want the failure and a listing made at boot", rep.KeepErr, rep.Audit)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a clean root is left as it was", cfg: config.Default(),
			lister: &fakeLister{}, wantOutcome: event.RollbackNoop, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.Audit.Bytes != 0 || !rep.Audit.Complete {
					t.Errorf("record of a clean root: %+v", rep.Audit)
				}
			},
		},
		{
			name: "with keep on the root is kept, not erased, and the record names the kept root", cfg: withKeep(3),
			setup:  func(m *zfstest.Model) { m.Write(zfstest.Root, 50<<20) },
			lister: &fakeLister{listing: listed}, wantOutcome: event.RootKept, wantRecord: audit.OutcomeKept,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepRename, StepClone, StepKeep, StepRollback}, // nothing to prune
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				want := keep.Container(zfstest.Root) + "/" + now.Format(keep.TimeFormat)
				if rep.Kept.Kept != want || rep.Audit.KeptAs != want {
					t.Errorf("kept %q, record says %q; want %q", rep.Kept.Kept, rep.Audit.KeptAs, want)
				}
				if info, err := m.Info(want); err != nil || info.Referenced < 50<<20 {
					t.Errorf("the kept root does not hold the data: %+v, %v", info, err)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a failed keep still rolls back, and the record says erased", cfg: withKeep(3),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.Fail("Rename")
			},
			lister: &fakeLister{listing: listed}, wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.KeepErr == nil || rep.Kept.Kept != "" {
					t.Errorf("keep: %+v, %v; want a failure and nothing kept", rep.Kept, rep.KeepErr)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a failed listing still rolls back, with the bytes in the record", cfg: listingAtBoot(config.Default()),
			setup:       func(m *zfstest.Model) { m.Write(zfstest.Root, 1<<20) },
			lister:      &fakeLister{listing: audit.Listing{Top: listed.Top, Limited: "killed"}, err: errors.New("killed at its deadline")},
			wantOutcome: event.RollbackDone, wantRecord: audit.OutcomeErased,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.AuditErr == nil || rep.Audit.Complete || rep.Audit.Bytes != 1<<20 || len(rep.Audit.Top) != 1 {
					t.Errorf("audit %+v, %v; want an incomplete record with the bytes and what arrived", rep.Audit, rep.AuditErr)
				}
				expectBlank(t, m)
			},
		},
		{
			name: "an unreadable written@start still rolls back, without a record", cfg: config.Default(),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.Inject(zfstest.Fault{Method: "Written", Nth: 1})
			},
			lister: &fakeLister{}, wantOutcome: event.RollbackDone,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.AuditErr == nil {
					t.Error("no audit error reported")
				}
				expectBlank(t, m)
			},
		},
		{
			name: "a newer snapshot with a clone is refused, and the record says not reset and why", cfg: config.Default(),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.AddSnapshot(zfstest.Root, "later")
				m.AddClone(zfstest.Root+"@later", "rpool/nixos/other", nil)
			},
			lister: &fakeLister{}, wantOutcome: event.RollbackRefused, wantRecord: audit.OutcomeNotReset,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.Err == nil || !strings.Contains(rep.Audit.Error, "has clones") {
					t.Errorf("err %v, record error %q", rep.Err, rep.Audit.Error)
				}
			},
		},
		{
			name: "a missing snapshot is refused; written@start cannot be read, so there is no record", cfg: config.Default(),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.Purge(zfstest.Root + "@" + zfstest.Start)
			},
			lister: &fakeLister{}, wantOutcome: event.RollbackRefused,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
			check: func(t *testing.T, m *zfstest.Model, rep RollbackReport) {
				if rep.Err == nil || rep.AuditErr == nil {
					t.Errorf("err %v, audit err %v; want both", rep.Err, rep.AuditErr)
				}
			},
		},
		{
			name: "a failing rollback is a failure, not a refusal", cfg: listingAtBoot(config.Default()),
			setup: func(m *zfstest.Model) {
				m.Write(zfstest.Root, 1<<20)
				m.Fail("RollbackTo")
			},
			lister: &fakeLister{}, wantOutcome: event.RollbackFailed, wantRecord: audit.OutcomeNotReset,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
		},
		{
			name: "with the audit trail off nothing is listed or recorded", cfg: withoutAudit(),
			setup:  func(m *zfstest.Model) { m.Write(zfstest.Root, 1<<20) },
			lister: &fakeLister{}, wantOutcome: event.RollbackDone,
			wantSteps: []Step{StepRepair, StepAudit, StepReturn, StepKeep, StepRollback},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			if tc.setup != nil {
				tc.setup(m)
			}
			rep, steps := rollbackOn(t, m, tc.cfg, tc.lister)
			if rep.Outcome != tc.wantOutcome {
				t.Errorf("outcome %s, want %s (err %v)", rep.Outcome, tc.wantOutcome, rep.Err)
			}
			if !reflect.DeepEqual(steps, tc.wantSteps) {
				t.Errorf("steps %v, want %v", steps, tc.wantSteps)
			}
			switch {
			case tc.wantRecord == "" && rep.Audit != nil:
				t.Errorf("a record was made: %+v", rep.Audit)
			case tc.wantRecord != "" && (rep.Audit == nil || rep.Audit.Outcome != tc.wantRecord):
				t.Errorf("record %+v, want outcome %q", rep.Audit, tc.wantRecord)
			}
			if !tc.cfg.AuditLimits().Enabled && tc.lister.calls > 0 {
				t.Error("the listing ran with the audit trail off")
			}
			if rep.SetAside != "" && tc.lister.calls > 0 {
				t.Error("the root was set aside for the listing after boot, and listed at boot too")
			}
			if tc.check != nil {
				tc.check(t, m, rep)
			}
		})
	}
}

// repairFirst reports whether steps begin with the repair: nothing but its
// own clone and promote before StepRepair, and StepRepair before the audit.
func repairFirst(steps []Step) bool {
	for _, s := range steps {
		switch s {
		case StepClone, StepPromote:
		case StepRepair:
			return true
		default:
			return false
		}
	}
	return false
}

func expectBlank(t *testing.T, m *zfstest.Model) {
	t.Helper()
	if n, err := m.Written(zfstest.Root, zfstest.Start); err != nil || n != 0 {
		t.Errorf("the root is not blank: written@start %d, %v", n, err)
	}
}

// powerCut stops a step where a power cut would.
type powerCut struct{}

// cutAfter runs the rollback step and stops it right after step, as the VM
// power-cut scenarios do with the fault-injection build.
func cutAfter(t *testing.T, m *zfstest.Model, cfg *config.Config, step Step) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil && r != (powerCut{}) {
			panic(r)
		}
	}()
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	Rollback(RollbackRequest{Config: cfg, ZFS: m, Now: now, Log: log, AfterStep: func(s Step) {
		if s == step {
			panic(powerCut{})
		}
	}})
	t.Fatalf("the step never reached %s", step)
}

// A keep cut short at any step is repaired first by the next boot, with keep
// on or off, and that boot ends with a blank root owning @start.
func TestRollbackRepairsAnInterruptedKeepFirst(t *testing.T) {
	for _, cut := range []Step{StepRename, StepClone, StepPromote} {
		for _, roots := range []int{0, 2} {
			t.Run(fmt.Sprintf("cut after %s, then keep.roots %d", cut, roots), func(t *testing.T) {
				m := zfstest.Seed(t)
				m.Write(zfstest.Root, 1<<20)
				cutAfter(t, m, withKeep(2), cut)
				m.ClearJournal()
				rep, steps := rollbackOn(t, m, withKeep(roots), &fakeLister{})
				if rep.RepairErr != nil || len(rep.Repaired) == 0 {
					t.Fatalf("repair: %v, %v; want it to finish the keep", rep.Repaired, rep.RepairErr)
				}
				if !repairFirst(steps) {
					t.Errorf("steps %v: the repair (its own clone and promote, then repair) must come first", steps)
				}
				if rep.Err != nil {
					t.Errorf("the rollback after the repair failed: %v", rep.Err)
				}
				expectBlank(t, m)
				if info, err := m.Info(zfstest.Root); err != nil || info.Origin != "" {
					t.Errorf("the root is still a clone (%+v, %v): it must own @start", info, err)
				}
			})
		}
	}
}

// The record is written once, where persist will look for it, and says what
// the report says.
func TestRollbackWritesTheRecordItReports(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(zfstest.Root, 4096)
	path := filepath.Join(t.TempDir(), "run", "audit.json")
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	rep := Rollback(RollbackRequest{Config: config.Default(), ZFS: m, Lister: &fakeLister{}, Now: now, Log: log, RecordPath: path})
	got, err := audit.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rep.Audit) {
		t.Errorf("written %+v, reported %+v", got, rep.Audit)
	}
	bad := Rollback(RollbackRequest{Config: config.Default(), ZFS: zfstest.Seed(t), Now: now, Log: log,
		RecordPath: filepath.Join(path, "under-a-file")})
	if bad.RecordErr == nil || bad.Outcome != event.RollbackNoop {
		t.Errorf("an unwritable record: %v, outcome %s; want the error reported and the rollback done", bad.RecordErr, bad.Outcome)
	}
}
