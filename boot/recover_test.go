package boot

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

func TestParseCmdlineTakesOursAndSetsAsideWhatItDoesNotKnow(t *testing.T) {
	tests := []struct {
		line     string
		want     Cmdline
		unknown  []string
		warnings int
	}{
		{"root=zfs:rpool quiet", Cmdline{}, nil, 0},
		{"quiet blankslate.rollback=skip", Cmdline{Skip: true}, nil, 0},
		{"blankslate.root=previous", Cmdline{Root: "previous"}, nil, 0},
		{"blankslate.root=20261126T015800Z\n", Cmdline{Root: "20261126T015800Z"}, nil, 0},
		{"blankslate.root=a blankslate.root=b", Cmdline{Root: "b"}, nil, 0},
		{`x="a b" blankslate.root="previous"`, Cmdline{Root: "previous"}, nil, 0},
		{"blankslate.rollback=never", Cmdline{}, []string{"blankslate.rollback=never"}, 0},
		{"blankslate.rollback=skpi", Cmdline{}, []string{"blankslate.rollback=skpi"}, 0},
		{"blankslate.root=../../persist", Cmdline{}, []string{"blankslate.root=../../persist"}, 0},
		{"blankslate.root=a@b", Cmdline{}, []string{"blankslate.root=a@b"}, 0},
		{"blankslate.roots=previous blankslate.x", Cmdline{}, []string{"blankslate.roots=previous", "blankslate.x"}, 0},
		{"blankslate.rollback", Cmdline{}, []string{"blankslate.rollback"}, 0},
		{"blankslate.rollback=skip blankslate.root=previous", Cmdline{Skip: true}, nil, 1},
	}
	for _, tc := range tests {
		got := ParseCmdline(tc.line)
		if got.Skip != tc.want.Skip || got.Root != tc.want.Root || !slices.Equal(got.Unknown, tc.unknown) || len(got.Warnings) != tc.warnings {
			t.Errorf("%q: got %+v, want %+v, unknown %q, %d warnings", tc.line, got, tc.want, tc.unknown, tc.warnings)
		}
	}
}

// boot is one run of the rollback step with a kernel command line.
type bootRun struct {
	t     *testing.T
	m     *zfstest.Model
	cfg   *config.Config
	dir   string
	steps []Step
	// noAudit: the running system never gets to blankslate-audit.service
	// (a cut right after boot); otherwise run finishes the set-aside as it does.
	noAudit bool
}

func newBoot(t *testing.T, m *zfstest.Model, cfg *config.Config) *bootRun {
	return &bootRun{t: t, m: m, cfg: cfg, dir: t.TempDir()}
}

func (b *bootRun) run(cmdline string, hour int) RollbackReport {
	b.t.Helper()
	path := filepath.Join(b.dir, "cmdline")
	if err := os.WriteFile(path, []byte(cmdline+"\n"), 0o644); err != nil {
		b.t.Fatal(err)
	}
	os.Remove(b.state())
	b.steps = nil
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	rep := Rollback(RollbackRequest{Config: b.cfg, ZFS: b.m, Lister: &fakeLister{}, Now: now.Add(timeHours(hour)), Log: log,
		RecordPath: filepath.Join(b.dir, "audit.json"), CmdlinePath: path, StatePath: b.state(),
		AfterStep: func(s Step) { b.steps = append(b.steps, s) }})
	if rep.Unfinished && !b.noAudit {
		if _, err := finish(AuditRequest{Config: b.cfg, ZFS: b.m, Now: now.Add(timeHours(hour)), Log: log}); err != nil {
			b.t.Fatalf("finishing the set-aside after boot: %v", err)
		}
	}
	return rep
}

func (b *bootRun) state() string { return filepath.Join(b.dir, "root-state.json") }

func (b *bootRun) note() (bootstate.State, error) { return bootstate.Read(b.state()) }

// expectCopyOf checks that the root is a writable clone holding bytes, of a
// boot snapshot of kept.
func expectCopyOf(t *testing.T, m *zfstest.Model, kept string, bytes uint64) {
	t.Helper()
	info, err := m.Info(zfstest.Root)
	if err != nil || !strings.HasPrefix(info.Origin, kept+"@"+keep.BootSnapPrefix) || info.ReadOnly || info.Referenced != bytes {
		t.Errorf("the root is %+v (%v); want a writable copy of %s holding %d bytes", info, err, kept, bytes)
	}
	if k, err := m.Info(kept); err != nil || !k.ReadOnly || k.Referenced != bytes {
		t.Errorf("the kept root %s is %+v (%v); want it sealed and unchanged, %d bytes", kept, k, err, bytes)
	}
}

// expectOwnsStart checks the root is blank, owns @start and is no clone.
func expectOwnsStart(t *testing.T, m *zfstest.Model) {
	t.Helper()
	expectBlank(t, m)
	if info, err := m.Info(zfstest.Root); err != nil || info.Origin != "" {
		t.Errorf("the root is %+v (%v); want it to own @start", info, err)
	}
}

func keptRoots(t *testing.T, m *zfstest.Model) []keep.Root {
	t.Helper()
	roots, err := keep.List(m, zfstest.Root, zfstest.Start)
	if err != nil {
		t.Fatal(err)
	}
	return roots
}

func TestRollbackSkipLeavesTheRootAsItIs(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(zfstest.Root, 1<<20)
	b := newBoot(t, m, withKeep(2))
	rep := b.run("blankslate.rollback=skip", 0)
	if rep.Outcome != event.RollbackSkipped || rep.Err != nil || len(m.Journal()) != 0 {
		t.Errorf("outcome %s (%v), calls %v; want skipped and nothing changed", rep.Outcome, rep.Err, m.Journal())
	}
	if n, _ := m.Written(zfstest.Root, zfstest.Start); n != 1<<20 {
		t.Errorf("written@start %d, want the last boot's 1 MiB still there", n)
	}
	if !reflect.DeepEqual(b.steps, []Step{StepRepair, StepAudit}) {
		t.Errorf("steps %v", b.steps)
	}
	if rep.Audit == nil || rep.Audit.Outcome != audit.OutcomeNotReset || !strings.Contains(rep.Audit.Error, "skip") {
		t.Errorf("record %+v; want not reset, saying why", rep.Audit)
	}
	if s, err := b.note(); err != nil || s.State != bootstate.NotReset {
		t.Errorf("note %+v, %v", s, err)
	}
	next := b.run("", 1)
	if next.Outcome != event.RootKept {
		t.Errorf("the next boot: %s, want the root kept", next.Outcome)
	}
	expectOwnsStart(t, m)
	if _, err := b.note(); err == nil {
		t.Error("a normal boot left a note")
	}
}

// blankslate.root=previous boots the last boot's root, with keep on or off;
// the next normal boot keeps what the recovery boot wrote and is blank.
func TestRootPreviousBootsTheLastRootAndTheNextBootKeepsWhatItWrote(t *testing.T) {
	for _, roots := range []int{0, 2} {
		t.Run(fmt.Sprintf("keep.roots %d", roots), func(t *testing.T) {
			m := zfstest.Seed(t)
			m.Write(zfstest.Root, 3<<20)
			b := newBoot(t, m, withKeep(roots))
			rep := b.run("quiet blankslate.root=previous", 0)
			if rep.Outcome != event.RootRecovered || rep.Err != nil || rep.Recovery.From != rep.Kept.Kept {
				t.Fatalf("outcome %s (%v), recovery %+v, kept %q", rep.Outcome, rep.Err, rep.Recovery, rep.Kept.Kept)
			}
			expectCopyOf(t, m, rep.Kept.Kept, 3<<20)
			if s, err := b.note(); err != nil || s.State != bootstate.Recovered || s.From != rep.Kept.Kept {
				t.Errorf("note %+v, %v", s, err)
			}
			m.Write(zfstest.Root, 5<<20) // what the recovery boot writes
			next := b.run("", 1)
			if next.Outcome != event.RootKept || next.Returned == "" || next.Err != nil {
				t.Fatalf("the next boot: %s, returned %q (%v)", next.Outcome, next.Returned, next.Err)
			}
			expectOwnsStart(t, m)
			ret, _ := m.Info(next.Returned)
			if ret.Used != 5<<20 || !ret.ReadOnly {
				t.Errorf("the recovery boot's writes: %+v; want 5 MiB, sealed", ret)
			}
			if got := len(keptRoots(t, m)); got != 2 {
				t.Errorf("%d kept roots, want the last root and the recovery boot's", got)
			}
		})
	}
}

func TestRootByNameBootsThatKeptRoot(t *testing.T) {
	m := zfstest.Seed(t)
	b := newBoot(t, m, withKeep(3))
	m.Write(zfstest.Root, 1<<20)
	first := b.run("", 0).Kept.Kept
	m.Write(zfstest.Root, 2<<20)
	b.run("", 1)
	m.Write(zfstest.Root, 4<<20)
	rep := b.run("blankslate.root="+strings.TrimPrefix(first, keep.Container(zfstest.Root)+"/"), 2)
	if rep.Outcome != event.RootRecovered || rep.Recovery.From != first {
		t.Fatalf("outcome %s (%v), recovery %+v; want a copy of %s", rep.Outcome, rep.Err, rep.Recovery, first)
	}
	expectCopyOf(t, m, first, 1<<20)
	if rep.Kept.Kept == "" || len(rep.Kept.Pruned) > 0 {
		t.Errorf("kept %+v: the last boot's 4 MiB must be kept and nothing pruned", rep.Kept)
	}
	for i := 0; i < 2; i++ { // the return, then a boot that prunes beyond 3
		m.Write(zfstest.Root, 1<<10)
		if r := b.run("", 3+i); r.Err != nil || r.KeepErr != nil {
			t.Fatalf("boot %d after: %v, %v", i, r.Err, r.KeepErr)
		}
	}
	expectOwnsStart(t, m)
}

// A kept root that does not exist, or previous when there is none: under
// emergency the step stops with nothing changed; under continue the boot
// is a normal blank one and the report carries why.
func TestUnbootableRootFollowsTheFailurePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, cmdline string
		written       uint64
		want          string
	}{
		{"a name that is not a kept root", "blankslate.root=20990101T000000Z", 1 << 20, "is not a kept root"},
		{"previous after a boot that wrote nothing", "blankslate.root=previous", 0, "no previous root"},
	} {
		for _, policy := range []string{config.PolicyEmergency, config.PolicyContinue} {
			t.Run(tc.name+", "+policy, func(t *testing.T) {
				m := zfstest.Seed(t)
				m.Write(zfstest.Root, tc.written)
				cfg := config.Default()
				cfg.OnFailure = policy
				rep := newBoot(t, m, cfg).run(tc.cmdline, 0)
				if rep.Recovery.Err == nil || !strings.Contains(rep.Recovery.Err.Error(), tc.want) {
					t.Fatalf("recovery %+v, want %q", rep.Recovery, tc.want)
				}
				if policy == config.PolicyEmergency {
					if rep.Err == nil || rep.Outcome != event.RecoveryRefused || len(m.Journal()) > 0 {
						t.Errorf("outcome %s (%v), calls %v; want refused with nothing changed", rep.Outcome, rep.Err, m.Journal())
					}
					return
				}
				if rep.Err != nil || rep.Outcome == event.RecoveryRefused {
					t.Errorf("outcome %s (%v); want a normal boot", rep.Outcome, rep.Err)
				}
				expectOwnsStart(t, m)
			})
		}
	}
}

// A power cut after any step of a recovery boot, or of the boot that
// returns from it, is repaired by the next normal boot: the root is blank
// and owns @start, and the last boot's data is in a kept root.
func TestPowerCutDuringRecoveryIsRepairedByTheNextBoot(t *testing.T) {
	recoverySteps := []Step{StepRepair, StepAudit, StepReturn, StepRename, StepClone, StepPromote, StepKeep,
		StepRollback, StepBootSnapshot, StepSetAside, StepBootClone, StepRecover}
	returnSteps := []Step{StepReturnKeep, StepReturnBlank, StepReturn}
	for _, tc := range []struct {
		boot  string // which boot is cut
		steps []Step
	}{{"the recovery boot", recoverySteps}, {"the return", returnSteps}} {
		for _, cut := range tc.steps {
			t.Run(tc.boot+" after "+string(cut), func(t *testing.T) {
				m := zfstest.Seed(t)
				m.Write(zfstest.Root, 3<<20)
				b := newBoot(t, m, withKeep(2))
				line := "blankslate.root=previous"
				if tc.boot == "the return" {
					b.run(line, 0)
					m.Write(zfstest.Root, 5<<20)
					line = ""
				}
				cutBoot(t, b, line, cut)
				rep := b.run("", 2)
				if rep.Err != nil || rep.RepairErr != nil {
					t.Fatalf("the next boot: %v, repair %v", rep.Err, rep.RepairErr)
				}
				expectOwnsStart(t, m)
				var has3 bool
				for _, r := range keptRoots(t, m) {
					has3 = has3 || r.Referenced == 3<<20
					if !r.ReadOnly {
						t.Errorf("kept root %s not sealed", r.Name)
					}
				}
				if !has3 {
					t.Errorf("the last boot's 3 MiB is in no kept root: %+v", keptRoots(t, m))
				}
			})
		}
	}
}

// cutBoot runs one boot with cmdline and stops it right after step.
func cutBoot(t *testing.T, b *bootRun, cmdline string, step Step) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil && r != (powerCut{}) {
			panic(r)
		}
	}()
	path := filepath.Join(b.dir, "cmdline")
	os.WriteFile(path, []byte(cmdline), 0o644)
	log := logrus.New()
	log.SetOutput(&strings.Builder{})
	Rollback(RollbackRequest{Config: b.cfg, ZFS: b.m, Now: now.Add(timeHours(1)), Log: log, CmdlinePath: path,
		AfterStep: func(s Step) {
			if s == step {
				panic(powerCut{})
			}
		}})
	t.Fatalf("the boot never reached %s", step)
}

func timeHours(h int) time.Duration { return time.Duration(h) * time.Hour }
