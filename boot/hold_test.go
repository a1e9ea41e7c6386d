package boot

import (
	"slices"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/bootstate"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

func withPolicy(c *config.Config, policy string) *config.Config {
	c.OnFailure = policy
	return c
}

// expectUntouched checks the root still holds the last boot's bytes and
// its newer snapshot (when it had one).
func expectUntouched(t *testing.T, m *zfstest.Model, written uint64, newer bool) {
	t.Helper()
	if w, err := m.Written(zfstest.Root, zfstest.Start); err != nil || w != written {
		t.Errorf("written@start %d (%v), want the last boot's %d still on the root", w, err, written)
	}
	snaps, _ := m.Snapshots(zfstest.Root)
	if has := slices.ContainsFunc(snaps, func(s zfs.Snapshot) bool { return strings.HasSuffix(s.Name, "@later") }); has != newer {
		t.Errorf("snapshots %v; want @later: %v", snaps, newer)
	}
}

// A boot that must keep the last boot's root (blankslate.root=, or an
// unknown blankslate.* word) and cannot keep it exactly as it was rolls
// nothing back, under either policy: the step fails with the real reason
// (emergency stops; continue goes on with the root not reset, cmd says so
// at crit), the record and the note say the root was not reset.
func TestARootThatCannotBeKeptIsNeverRolledBack(t *testing.T) {
	tests := []struct {
		name, cmdline string
		spoil         func(*zfstest.Model)
		newer         bool
		want          string
	}{
		{"previous, a snapshot newer than @start", "blankslate.root=previous",
			func(m *zfstest.Model) { m.AddSnapshot(zfstest.Root, "later") }, true, "newer than @start"},
		{"previous, the keep's rename fails", "blankslate.root=previous",
			func(m *zfstest.Model) { m.Fail("Rename") }, false, "renaming"},
		{"previous, the keep's clone fails", "blankslate.root=previous",
			func(m *zfstest.Model) { m.Fail("Clone") }, false, "cloning"},
		{"a name, a snapshot newer than @start", "blankslate.root=NAME",
			func(m *zfstest.Model) { m.AddSnapshot(zfstest.Root, "later") }, true, "newer than @start"},
		{"an unknown word, a snapshot newer than @start", "blankslate.roots=previous",
			func(m *zfstest.Model) { m.AddSnapshot(zfstest.Root, "later") }, true, "newer than @start"},
	}
	for _, tc := range tests {
		for _, policy := range []string{config.PolicyEmergency, config.PolicyContinue} {
			t.Run(tc.name+", "+policy, func(t *testing.T) {
				m := zfstest.Seed(t)
				b := newBoot(t, m, withPolicy(withKeep(2), policy))
				m.Write(zfstest.Root, 1<<20)
				first := b.run("", 0).Kept.Kept
				line := strings.Replace(tc.cmdline, "NAME", strings.TrimPrefix(first, keep.Container(zfstest.Root)+"/"), 1)
				m.Write(zfstest.Root, 3<<20)
				tc.spoil(m)
				rep := b.run(line, 1)
				if rep.Err == nil || rep.Outcome != event.RecoveryRefused || !strings.Contains(rep.Err.Error(), tc.want) ||
					!strings.Contains(rep.Err.Error(), "NOT rolled back") || strings.Contains(rep.Err.Error(), "<nil>") {
					t.Fatalf("outcome %s, err %v; want the step refused, saying %q", rep.Outcome, rep.Err, tc.want)
				}
				if slices.Contains(b.steps, StepRollback) {
					t.Errorf("steps %v: the rollback ran", b.steps)
				}
				expectUntouched(t, m, 3<<20, tc.newer)
				if r := rep.Audit; r == nil || r.Outcome != audit.OutcomeNotReset {
					t.Errorf("record %+v; want not reset", r)
				}
				if s, err := b.note(); err != nil || s.State != bootstate.NotReset || !strings.Contains(s.Why, tc.want) {
					t.Errorf("note %+v (%v); want not reset, saying why", s, err)
				}
				if roots := keptRoots(t, m); len(roots) != 1 || roots[0].Name != first {
					t.Errorf("kept roots %+v; want only %s, untouched", roots, first)
				}
			})
		}
	}
}

// Any blankslate.* word blankslate does not know keeps the last boot's
// root, held: the boot goes on blank; neither keep.roots (0 here, with the
// listing after boot on, the default) nor the listing after boot destroys
// it, until the user releases it.
func TestAnUnknownWordKeepsTheRootHeld(t *testing.T) {
	for _, line := range []string{"blankslate.roots=previous", "blankslate.rollback=skpi", "quiet blankslate.root=../x"} {
		t.Run(line, func(t *testing.T) {
			m := zfstest.Seed(t)
			cfg := config.Default()
			if cfg.KeepRoots() != 0 || !cfg.AuditLimits().AfterBoot {
				t.Fatalf("the default is no longer keep.roots 0 with the listing after boot: %d, %+v", cfg.KeepRoots(), cfg.AuditLimits())
			}
			root := persistentRoot(t, cfg)
			b := newBoot(t, m, cfg)
			m.Write(zfstest.Root, 3<<20)
			rep := b.run(line, 0)
			held := rep.Kept.Kept
			if rep.Err != nil || held == "" || rep.SetAside != "" || !strings.Contains(rep.Hold, strings.Fields(line)[len(strings.Fields(line))-1]) {
				t.Fatalf("outcome %s (%v), kept %q, set aside %q, hold %q; want the root kept and held, naming the word",
					rep.Outcome, rep.Err, held, rep.SetAside, rep.Hold)
			}
			expectOwnsStart(t, m)
			for i := 0; i < 3; i++ { // boots that set their root aside, each listed after boot
				m.Write(zfstest.Root, 1<<20)
				if r := b.run("", 1+i); r.Err != nil || r.SetAside == "" {
					t.Fatalf("boot %d: %+v", i, r)
				}
				if a := auditOn(m, cfg, &fakeLister{}, root, nil); a.Err != nil || len(a.Unlisted) > 0 {
					t.Fatalf("the listing after boot: %+v", a)
				}
			}
			roots := keptRoots(t, m)
			if !slices.ContainsFunc(roots, func(r keep.Root) bool { return r.Name == held && r.Held() && r.Referenced == 3<<20 }) {
				t.Errorf("kept roots %+v; want %s still there, held, with the 3 MiB", roots, held)
			}
		})
	}
}

// blankslate.root= that cannot be booted, under continue: the boot goes on
// blank, and the last boot's root, which the user may have meant to get
// back, is kept held rather than destroyed.
func TestARecoveryNotDoneUnderContinueHoldsTheLastRoot(t *testing.T) {
	m := zfstest.Seed(t)
	cfg := withPolicy(config.Default(), config.PolicyContinue)
	m.Write(zfstest.Root, 3<<20)
	rep := newBoot(t, m, cfg).run("blankslate.root=20990101T000000Z", 0)
	if rep.Err != nil || rep.Recovery.Err == nil || rep.Kept.Kept == "" || !strings.Contains(rep.Hold, "was not booted") {
		t.Fatalf("err %v, recovery %+v, kept %q, hold %q", rep.Err, rep.Recovery, rep.Kept.Kept, rep.Hold)
	}
	expectOwnsStart(t, m)
	if roots := keptRoots(t, m); len(roots) != 1 || !roots[0].Held() {
		t.Errorf("kept roots %+v; want the last boot's, held", roots)
	}
}

// A power cut after any step of a boot that holds the root (an unknown
// word, keep.roots 0, the listing after boot on) converges: the next normal
// boot repairs what the cut left and the root is blank and owns @start. Cut
// once the hold is written on the root, the last boot's data is in a held
// root that neither that boot's prune nor the listing after boot destroys;
// cut before, nothing had changed and the next boot is an ordinary one.
func TestPowerCutDuringAHoldKeepsTheRootHeld(t *testing.T) {
	before := []Step{StepRepair, StepAudit, StepReturn}
	for _, cut := range append(before, StepHold, StepRename, StepClone, StepPromote, StepKeep, StepRollback) {
		t.Run("after "+string(cut), func(t *testing.T) {
			m := zfstest.Seed(t)
			cfg := config.Default()
			root := persistentRoot(t, cfg)
			b := newBoot(t, m, cfg)
			m.Write(zfstest.Root, 3<<20)
			cutBoot(t, b, "blankslate.roots=previous", cut)
			rep := b.run("", 2)
			if rep.Err != nil || rep.RepairErr != nil {
				t.Fatalf("the next boot: %v, repair %v", rep.Err, rep.RepairErr)
			}
			expectOwnsStart(t, m)
			if a := auditOn(m, cfg, &fakeLister{}, root, nil); a.Err != nil || len(a.Unlisted) > 0 {
				t.Fatalf("the listing after boot: %+v", a)
			}
			held := slices.ContainsFunc(keptRoots(t, m), func(r keep.Root) bool { return r.Referenced == 3<<20 && r.Held() })
			if want := !slices.Contains(before, cut); held != want {
				t.Errorf("the last boot's 3 MiB held: %v, want %v (kept roots %+v)", held, want, keptRoots(t, m))
			}
		})
	}
}
