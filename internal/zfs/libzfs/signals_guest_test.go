//go:build zfsguest

// The binding's iterations on real ZFS while every thread of the process is
// sent signals. Built only for the test VM (testvm/signals_vm_test.go builds
// it with -tags zfsguest and runs it in the guest scenario
// signals-iterations); it needs a pool and the dataset the scenario makes.

package libzfs

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// iteration is one kind of listing the binding makes; it returns how many
// items it saw, which must not change while signals arrive.
type iteration struct {
	name string
	runs int
	do   func(z *Handle) (int, error)
}

// guestEnv reads what the scenario made; outside the test VM the test fails
// rather than pass without having run.
// The diff runs on a filesystem of its own: its just-in-time snapshot would
// otherwise appear in the snapshot listing running beside it.
func guestEnv(t *testing.T) (pool, fs, diffFS, snap string, runs int) {
	pool, fs, diffFS, snap = os.Getenv("BSGUEST_POOL"), os.Getenv("BSGUEST_FS"), os.Getenv("BSGUEST_DIFF_FS"), os.Getenv("BSGUEST_SNAP")
	runs, _ = strconv.Atoi(os.Getenv("BSGUEST_RUNS"))
	if pool == "" || fs == "" || diffFS == "" || snap == "" || runs <= 0 {
		t.Fatal("BSGUEST_POOL, BSGUEST_FS, BSGUEST_DIFF_FS, BSGUEST_SNAP and BSGUEST_RUNS are unset: this test runs in the test VM (testvm/signals_vm_test.go)")
	}
	return pool, fs, diffFS, snap, runs
}

func iterations(pool, fs, diffFS, snap string, runs int) []iteration {
	count := func(n int, err error) (int, error) { return n, err }
	return []iteration{
		{"children", runs, func(z *Handle) (int, error) { l, err := z.Children(fs); return count(len(l), err) }},
		{"snapshots", runs, func(z *Handle) (int, error) { l, err := z.Snapshots(fs); return count(len(l), err) }},
		{"bookmarks", runs, func(z *Handle) (int, error) { l, err := z.Bookmarks(fs); return count(len(l), err) }},
		{"pool-datasets", runs / 4, func(z *Handle) (int, error) { l, err := z.Datasets(pool); return count(len(l), err) }},
		{"diff", runs / 5, func(z *Handle) (int, error) {
			var b strings.Builder
			err := z.Diff(diffFS, snap, &b)
			return strings.Count(b.String(), "\n"), err
		}},
	}
}

// TestIterationsSurviveSignals runs each iteration, each on its own handle,
// all at once, while a goroutine sends SIGURG (what Go's runtime sends to
// preempt) to every thread of the process, libzfs's own threads included. An
// error, or a count other than the one seen before the signals began, is a
// failure.
func TestIterationsSurviveSignals(t *testing.T) {
	pool, fs, diffFS, snap, runs := guestEnv(t)
	its := iterations(pool, fs, diffFS, snap, runs)
	want := make([]int, len(its))
	for i, it := range its {
		z := open(t)
		n, err := it.do(z)
		z.Close()
		if err != nil || n == 0 {
			t.Fatalf("%s before any signal: %d items, %v (the scenario must make some)", it.name, n, err)
		}
		want[i] = n
	}
	stop := make(chan struct{})
	var sent atomic.Int64
	go flood(stop, &sent)
	var wg sync.WaitGroup
	lines := make([]string, len(its))
	failed := make([]bool, len(its))
	start := time.Now()
	for i, it := range its {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lines[i], failed[i] = loop(t, it, want[i])
		}()
	}
	wg.Wait()
	close(stop)
	for i, l := range lines {
		fmt.Println(l)
		if failed[i] {
			t.Errorf("%s", l)
		}
	}
	fmt.Printf("SIGNALS sent=%d in %.1f s\n", sent.Load(), time.Since(start).Seconds())
	if sent.Load() == 0 {
		t.Error("no signal was sent: the test proved nothing")
	}
}

func open(t *testing.T) *Handle {
	z, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// loop runs it.runs times and says how many runs failed, with the first error.
func loop(t *testing.T, it iteration, want int) (string, bool) {
	z := open(t)
	defer z.Close()
	fails, first := 0, ""
	for range it.runs {
		n, err := it.do(z)
		if err == nil && n != want {
			err = fmt.Errorf("%d items, want %d", n, want)
		}
		if err != nil {
			fails++
			if first == "" {
				first = err.Error()
			}
		}
	}
	return fmt.Sprintf("SIGNALS kind=%s runs=%d failures=%d first=%q", it.name, it.runs, fails, first), fails > 0
}

// flood sends SIGURG to every thread of the process until stop is closed.
// SIGURG is the signal Go's runtime preempts with, so its handler ignores
// the extra ones; the thread list is read again each round to reach threads
// started meanwhile (libzfs's diff thread).
func flood(stop <-chan struct{}, sent *atomic.Int64) {
	pid := unix.Getpid()
	for {
		select {
		case <-stop:
			return
		default:
		}
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			continue
		}
		for _, e := range ents {
			if tid, err := strconv.Atoi(e.Name()); err == nil && unix.Tgkill(pid, tid, unix.SIGURG) == nil {
				sent.Add(1)
			}
		}
		// One CPU in the VM: let the iterations run between rounds.
		runtime.Gosched()
	}
}
