package mounts

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// While a goroutine keeps exchanging a real directory with a symlink that
// leads outside (renameat2 RENAME_EXCHANGE, so both names always exist),
// every Apply must either refuse or mount the real persistent copy inside
// the new root; /proc/self/mountinfo must never show a mount elsewhere.
func TestApplyUnderRenameExchangeRaceNeverMountsOutsideNewRoot(t *testing.T) {
	const runs = 300
	cases := []struct{ name, swapped, leadsTo string }{
		{"persistent parent", "sysroot/persist/var", "outside"},
		{"persistent copy", "sysroot/persist/var/lib", "outside/lib"},
		{"target parent", "sysroot/var", "outside"},
		{"target", "sysroot/var/lib", "outside/lib"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			tr.mkdir("sysroot/persist/var/lib", 0o755)
			tr.mkdir("sysroot/var/lib", 0o755)
			tr.mkdir("outside/lib", 0o755) // bait: would pass as a copy or a target
			tr.symlink(c.swapped+".swap", tr.path(c.leadsTo))
			var want unix.Stat_t
			if err := unix.Stat(tr.path("sysroot/persist/var/lib"), &want); err != nil {
				t.Fatal(err)
			}
			before := mountTable(t)

			var mu sync.Mutex // held by the swapper per exchange, and by us to inspect
			sw := startSwapper(&mu, tr.path(c.swapped), tr.path(c.swapped+".swap"))
			mounted, refused := 0, 0
			for i := 0; i < runs; i++ {
				res := Apply(tr.newRoot, tr.persist, []Entry{bindDir("/var/lib")}, nil)
				o := res.Outcomes[0]
				switch {
				case o.Err == nil:
					mounted++
				case errors.Is(o.Err, ErrRefused):
					refused++
				default:
					t.Errorf("run %d: neither mounted nor refused: %v", i, o.Err)
				}
				mu.Lock()
				checkRaceMounts(t, before, tr.newRoot, want)
				mu.Unlock()
			}
			if err := sw.stop(); err != nil {
				t.Fatalf("swapper: %v", err)
			}
			t.Logf("%d runs: %d mounted, %d refused, %d exchanges", runs, mounted, refused, sw.swaps)
			if sw.swaps == 0 {
				t.Error("the swapper never exchanged anything")
			}
		})
	}
}

// checkRaceMounts asserts every mount made since before is inside newRoot
// and shows the real persistent copy, then detaches it for the next run.
func checkRaceMounts(t *testing.T, before map[int]mountInfo, newRoot string, want unix.Stat_t) {
	t.Helper()
	for _, m := range newMounts(t, before) {
		if !strings.HasPrefix(m.point, newRoot+"/") {
			t.Errorf("mount on %s is outside the new root %s", m.point, newRoot)
		}
		var st unix.Stat_t
		if err := unix.Stat(m.point, &st); err != nil {
			t.Errorf("stat %s: %v", m.point, err)
		} else if st.Dev != want.Dev || st.Ino != want.Ino {
			t.Errorf("mount on %s shows %s, not the persistent copy", m.point, m.root)
		}
		if err := unix.Unmount(m.point, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil {
			t.Errorf("unmount %s: %v", m.point, err)
		}
	}
}

type swapper struct {
	done  chan struct{}
	quit  chan struct{}
	err   error
	swaps int
}

// startSwapper exchanges a and b until stopped. EBUSY (a is a mount point
// at that moment) is expected and skipped.
func startSwapper(mu *sync.Mutex, a, b string) *swapper {
	s := &swapper{done: make(chan struct{}), quit: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			select {
			case <-s.quit:
				return
			default:
			}
			mu.Lock()
			err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
			mu.Unlock()
			switch {
			case err == nil:
				s.swaps++
			case errors.Is(err, unix.EBUSY):
			default:
				s.err = err
				return
			}
		}
	}()
	return s
}

// stop ends the swapper and reports an unexpected rename error.
func (s *swapper) stop() error {
	close(s.quit)
	<-s.done
	return s.err
}
