package restore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

func TestSpaceForKeepsHeadroomBeyondTheCopy(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		need, avail uint64
		uncounted   bool // f_blocks 0, as ramfs reports
		want        bool
	}{
		{"plenty", 100 * mib, 10000 * mib, false, true},
		{"exactly the copy and 16 MiB of headroom", 100 * mib, 116 * mib, false, true},
		{"the copy fits but not the headroom", 100 * mib, 115 * mib, false, false},
		{"a large copy keeps 1/32 of itself free", 3200 * mib, 3300 * mib, false, true},
		{"a large copy short of 1/32 headroom", 3200 * mib, 3299 * mib, false, false},
		{"nothing to copy on a full file system", 0, 0, false, false},
		{"nothing to copy, room enough", 0, 16 * mib, false, true},
		{"more than there is", 2 * mib, mib, false, false},
		{"a file system that counts nothing is not judged", 100 * mib, 0, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := unix.Statfs_t{Bsize: 4096, Bavail: tc.avail / 4096, Blocks: 1 << 20}
			if tc.uncounted {
				st.Blocks = 0
			}
			if avail, got := spaceFor(tc.need, st); got != tc.want || avail != tc.avail {
				t.Errorf("spaceFor(%d, %d free) = %d, %v; want %v", tc.need, tc.avail, avail, got, tc.want)
			}
		})
	}
}

// A copy that does not fit the target's file system is refused before
// anything is written, saying how much it needs and how much is free; the
// same copy fits a larger one, and its progress adds up to its size.
func TestCopyRefusesWhenTheTargetIsShortOfSpace(t *testing.T) {
	tr := newTrees(t)
	must(t, unix.Mount("tmpfs", tr.to, "tmpfs", 0, "mode=0755,size=24m"))
	t.Cleanup(func() { _ = unix.Unmount(tr.to, unix.MNT_DETACH) })
	testns.MountTmpfs(t, tr.kept)
	tr.write(tr.kept, "home/a/big", strings.Repeat("x", 30<<20), 0o644)
	tr.write(tr.kept, "home/a/small", "small", 0o644)
	to := reopen(t, tr.to)
	from := reopen(t, tr.kept)
	_, err := Copy(from, to, "home/a", Options{})
	var short *NoSpace
	if !errors.As(err, &short) || short.Need < 30<<20 || short.Avail > 24<<20 ||
		!strings.Contains(err.Error(), "the copy needs 30.") || !strings.Contains(err.Error(), "and 16.0 MiB more is kept free") ||
		!strings.Contains(err.Error(), "the file system of "+tr.to+" has ") || !strings.Contains(err.Error(), "MiB free; nothing was copied") {
		t.Fatalf("got %v, want a refusal for want of space", err)
	}
	if names, _ := os.ReadDir(tr.to); len(names) != 0 {
		t.Errorf("something was written: %v", names)
	}
	must(t, unix.Mount("tmpfs", tr.to, "tmpfs", 0, "mode=0755,size=64m"))
	t.Cleanup(func() { _ = unix.Unmount(tr.to, unix.MNT_DETACH) })
	to = reopen(t, tr.to)
	var last, total int64
	calls := 0
	_, err = Copy(from, to, "home/a", Options{Progress: func(done, tot int64) { last, total = done, tot; calls++ }})
	must(t, err)
	if want := int64(30<<20 + 5); last != want || total != want || calls < 30 {
		t.Errorf("progress ended at %d of %d after %d calls, want %d of %d after 30 or more", last, total, calls, want, want)
	}
	if st := lstat(t, filepath.Join(tr.to, "home/a/big")); st.Size != 30<<20 {
		t.Errorf("big is %d bytes", st.Size)
	}
}

// reopen opens p as Copy takes it, after a mount was made there.
func reopen(t *testing.T, p string) pathsafe.Handle {
	t.Helper()
	h, err := pathsafe.OpenRoot(p, pathsafe.Root)
	must(t, err)
	t.Cleanup(h.Close)
	return h
}
