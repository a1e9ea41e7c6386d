package restore

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

// Comparing reads only what either file holds: an exabyte of hole costs
// nothing, a difference after a hole is found at its byte, and zeros
// written as data equal a hole.
func TestFirstDifferenceReadsOnlyData(t *testing.T) {
	const eib = 1 << 60
	tests := []struct {
		name string
		a, b func(f *os.File)
		size int64
		want int64
	}{
		{"an exabyte of hole in both", func(*os.File) {}, func(*os.File) {}, eib, -1},
		{"the same byte after a hole", func(f *os.File) { f.WriteAt([]byte("x"), 1<<40) }, func(f *os.File) { f.WriteAt([]byte("x"), 1<<40) }, eib, -1},
		{"another byte after a hole", func(f *os.File) { f.WriteAt([]byte("x"), 1<<40) }, func(f *os.File) { f.WriteAt([]byte("y"), 1<<40) }, eib, 1 << 40},
		{"data only in the copy", func(*os.File) {}, func(f *os.File) { f.WriteAt([]byte("z"), 5<<30) }, eib, 5 << 30},
		{"zeros written equal a hole", func(f *os.File) { f.WriteAt(make([]byte, 1<<20), 1<<30) }, func(*os.File) {}, eib, -1},
		{"a file without holes", func(f *os.File) { f.WriteAt([]byte("abcdef"), 0) }, func(f *os.File) { f.WriteAt([]byte("abcdeF"), 0) }, 6, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tmpfs(t)
			a, b := sparse(t, filepath.Join(dir, "a"), tc.size, tc.a), sparse(t, filepath.Join(dir, "b"), tc.size, tc.b)
			defer a.Close()
			defer b.Close()
			t0 := time.Now()
			got, err := firstDifference(a, b)
			must(t, err)
			if got != tc.want {
				t.Errorf("first difference at %d, want %d", got, tc.want)
			}
			if d := time.Since(t0); d > 5*time.Second {
				t.Errorf("took %v: it read holes", d)
			}
		})
	}
}

// tmpfs is a tmpfs mounted for the test: it takes files of an exabyte.
func tmpfs(t *testing.T) string {
	t.Helper()
	if !testns.Active() {
		t.Skip("mounts a tmpfs: runs only as root (then in a private mount namespace)")
	}
	dir := t.TempDir()
	must(t, unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"))
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

func sparse(t *testing.T, p string, size int64, fill func(*os.File)) pathsafe.Handle {
	t.Helper()
	f, err := os.Create(p)
	must(t, err)
	fill(f)
	must(t, f.Truncate(size))
	must(t, f.Close())
	h, err := pathsafe.OpenPath(p)
	must(t, err)
	return h
}
