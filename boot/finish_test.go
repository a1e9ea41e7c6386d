package boot

import (
	"testing"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
	"github.com/blankslate/blankslate/keep"
)

// A boot with the default audit settings leaves the root a clone of the root
// it set aside, unpromoted, for blankslate audit. When the running system
// never gets there (a power cut between the clone and the promotion), the
// next boot's repair promotes and seals first, whatever the command line
// asks, and the root set aside still waits for its listing.
func TestACutBetweenTheCloneAndThePromotionIsFinishedByTheNextBoot(t *testing.T) {
	tests := []struct {
		name    string
		cmdline func(aside string) string
		want    event.Outcome
		check   func(t *testing.T, m *zfstest.Model, rep RollbackReport, aside string)
	}{
		{"a normal boot", func(string) string { return "" }, event.RollbackDone,
			func(t *testing.T, m *zfstest.Model, rep RollbackReport, aside string) {
				if !rep.Unfinished || rep.SetAside == aside {
					t.Errorf("set aside %q (unfinished %v); want this boot's own root set aside", rep.SetAside, rep.Unfinished)
				}
			}},
		{"blankslate.rollback=skip", func(string) string { return "blankslate.rollback=skip" }, event.RollbackSkipped,
			func(t *testing.T, m *zfstest.Model, _ RollbackReport, _ string) {
				if info, err := m.Info(zfstest.Root); err != nil || info.Origin != "" {
					t.Errorf("the root %+v (%v); want it promoted and left as it is", info, err)
				}
				if n, _ := m.Written(zfstest.Root, zfstest.Start); n != 1<<10 {
					t.Errorf("written@start %d, want what the running system wrote", n)
				}
			}},
		{"blankslate.root=previous", func(string) string { return "blankslate.root=previous" }, event.RootRecovered,
			func(t *testing.T, m *zfstest.Model, rep RollbackReport, aside string) {
				expectCopyOf(t, m, rep.Recovery.From, 1<<10)
			}},
		{"blankslate.root= the root set aside", func(aside string) string { return "blankslate.root=" + aside }, event.RootRecovered,
			func(t *testing.T, m *zfstest.Model, rep RollbackReport, aside string) {
				if rep.Recovery.From != aside {
					t.Errorf("booted %q, want %s", rep.Recovery.From, aside)
				}
				expectCopyOf(t, m, aside, 50<<20)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			m.Write(zfstest.Root, 50<<20)
			b := newBoot(t, m, config.Default())
			b.noAudit = true
			first := b.run("", 0)
			if !first.Unfinished || first.SetAside == "" {
				t.Fatalf("the first boot: set aside %q, unfinished %v", first.SetAside, first.Unfinished)
			}
			m.Write(zfstest.Root, 1<<10) // the running system, cut before blankslate audit
			rep := b.run(tc.cmdline(first.SetAside), 1)
			if rep.Outcome != tc.want || rep.Err != nil || rep.RepairErr != nil || len(rep.Repaired) == 0 {
				t.Fatalf("outcome %s (err %v, repair %v %v), want %s after a repair", rep.Outcome, rep.Err, rep.Repaired, rep.RepairErr, tc.want)
			}
			k, err := m.Info(first.SetAside)
			if err != nil || !k.ReadOnly || k.CanMount != "noauto" || k.Audit != keep.AuditPending {
				t.Errorf("the first boot's root set aside: %+v (%v); want it sealed and waiting for its listing", k, err)
			}
			tc.check(t, m, rep, first.SetAside)
		})
	}
}
