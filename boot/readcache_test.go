package boot

import (
	"testing"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

// repeatedReads returns the reads that reached the pool a second time with no
// write between: what a cache of this run's reads should have answered.
func repeatedReads(calls []zfstest.Call) []string {
	var again []string
	seen := map[string]bool{}
	for _, c := range calls {
		switch {
		case c.Mutating:
			clear(seen)
		case seen[c.Entry]:
			again = append(again, c.Entry)
		default:
			seen[c.Entry] = true
		}
	}
	return again
}

func TestRollbackAsksThePoolEachThingOnceBetweenWrites(t *testing.T) {
	tests := []struct {
		name      string
		cfg       *config.Config
		setup     func(*zfstest.Model)
		wantReads int // at most: the count with the cache (without it: 15, 31, 31, 18)
		// wantAfter: at most this many reads after the first write; -1: not counted.
		wantAfter int
	}{
		{"nothing written", config.Default(), nil, 9, 0},
		// 10: the set-aside stops at the clone (keep.SetAsideForMount), so
		// nothing reads the pool after its two writes: the prune and the
		// seal's reads run after boot, and the root needs no rollback.
		{"dirty root, set aside", config.Default(), func(m *zfstest.Model) { m.Write(zfstest.Root, 50<<20) }, 10, 0},
		{"dirty root, kept with keep.roots 3", withKeep(3), func(m *zfstest.Model) { m.Write(zfstest.Root, 50<<20) }, 10, 0},
		{"dirty root, newer snapshots", config.Default(), func(m *zfstest.Model) {
			m.Write(zfstest.Root, 1<<20)
			m.AddSnapshot(zfstest.Root, "later")
		}, 9, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			if tc.setup != nil {
				tc.setup(m)
			}
			rep, _ := rollbackOnly(t, m, tc.cfg, &fakeLister{})
			if rep.Err != nil {
				t.Fatalf("rollback: %v", rep.Err)
			}
			calls := m.Calls()
			if again := repeatedReads(calls); len(again) > 0 {
				t.Errorf("asked the pool again with nothing written between: %q", again)
			}
			reads, after, wrote := 0, 0, false
			for _, c := range calls {
				switch {
				case c.Mutating:
					wrote = true
				case wrote:
					after++
					reads++
				default:
					reads++
				}
			}
			t.Logf("%d reads, %d of them after the first write", reads, after)
			if reads > tc.wantReads {
				t.Errorf("%d reads of the pool, more than the %d this boot needed before", reads, tc.wantReads)
			}
			if tc.wantAfter >= 0 && after > tc.wantAfter {
				t.Errorf("%d reads after the first write, want at most %d: what the writes did answers them", after, tc.wantAfter)
			}
			if rep.Unfinished {
				finishOn(t, m, tc.cfg)
			}
			expectBlank(t, m)
		})
	}
}

// A read after a write, failed or not, reaches the pool: the cache never
// answers with what the pool was before the write.
func TestReadCacheForgetsOnEveryWrite(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(zfstest.Root, 1<<20)
	m.Inject(zfstest.Fault{Method: "Rename", Nth: 2, After: true})
	c := newReadCache(m)
	aside := zfstest.Root + "-aside"
	if _, err := c.Dataset(aside); err == nil {
		t.Fatalf("%s exists before the rename", aside)
	}
	if err := c.Rename(zfstest.Root, aside); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Dataset(aside); err != nil {
		t.Fatalf("after the rename: %v (answered from before it)", err)
	}
	snaps, err := c.Snapshots(aside)
	if err != nil || len(snaps) == 0 {
		t.Fatalf("snapshots of %s: %v, %v", aside, snaps, err)
	}
	// The second rename takes effect and then fails (a lost reply).
	if err := c.Rename(aside, zfstest.Root); err == nil {
		t.Fatal("the injected failure did not fire")
	}
	if _, err := c.Dataset(zfstest.Root); err != nil {
		t.Fatalf("after a failed rename that took effect: %v (answered from before it)", err)
	}
	snaps[0].Name = "changed by the caller"
	again, _ := c.Snapshots(zfstest.Root)
	if len(again) == 0 || again[0].Name == "changed by the caller" {
		t.Errorf("a caller's change to a list reached the next caller: %v", again)
	}
}
