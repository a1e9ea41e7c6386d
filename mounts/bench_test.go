package mounts

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/testns"
)

// benchEntries are n entries as a machine declares them: directories bound
// and files linked, a few levels deep, spread over a few top-level trees.
func benchEntries(n int) []Entry {
	out := make([]Entry, 0, n)
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("/srv/t%02d/app%05d", i%16, i)
		e := Entry{Path: p, How: Bind, Kind: Directory, Mode: 0o755}
		if i%4 == 3 {
			e = Entry{Path: p + ".conf", How: Symlink, Kind: File, Mode: 0o644}
		}
		out = append(out, e)
	}
	return out
}

// benchTree is a persistent dataset (a tmpfs of its own) and a boot of a
// blank root (boot).
func benchTree(b *testing.B) (store string) {
	b.Helper()
	if !testns.Active() {
		b.Fatal("run the benchmarks as root: they mount file systems in a private mount namespace")
	}
	store = filepath.Join(b.TempDir(), "persist-dataset")
	mkdirMount(b, "tmpfs", store, "tmpfs", 0)
	return store
}

// boot mounts a blank root (a fresh tmpfs) with the persistent dataset at
// <root>/persist, as the initrd has them when persist runs.
func boot(b *testing.B, store string) (newRoot, persist string) {
	b.Helper()
	newRoot = filepath.Join(filepath.Dir(store), "sysroot")
	mkdirMount(b, "tmpfs", newRoot, "tmpfs", 0)
	persist = filepath.Join(newRoot, "persist")
	mkdirMount(b, store, persist, "", unix.MS_BIND)
	return newRoot, persist
}

func mkdirMount(b *testing.B, src, dir, fstype string, flags uintptr) {
	b.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	data := "mode=0755"
	if fstype == "" {
		data = ""
	}
	if err := unix.Mount(src, dir, fstype, flags, data); err != nil {
		b.Fatalf("mount %s on %s: %v", src, dir, err)
	}
	b.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
}

// BenchmarkApply attaches n entries on a first boot (every copy created) and
// on a later boot (every copy there, the new root blank): the cost persist
// adds to a boot, per entry.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{5, 100, 1000, 10000} {
		entries := benchEntries(n)
		b.Run(fmt.Sprintf("first-boot/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				root, persist := boot(b, benchTree(b))
				b.StartTimer()
				applyOK(b, root, persist, entries)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/entry")
		})
		b.Run(fmt.Sprintf("next-boot/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				store := benchTree(b)
				root, persist := boot(b, store)
				applyOK(b, root, persist, entries) // the first boot makes the copies
				root, persist = boot(b, store)     // a blank root over the old one
				b.StartTimer()
				applyOK(b, root, persist, entries)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/entry")
		})
	}
}

func applyOK(b *testing.B, root, persist string, entries []Entry) {
	b.Helper()
	if res := Apply(root, persist, entries, nil); res.Failed() > 0 {
		for _, o := range res.Outcomes {
			if o.Err != nil {
				b.Fatalf("%s: %v", o.Entry.Path, o.Err)
			}
		}
	}
}
