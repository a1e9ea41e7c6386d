package zfstest_test

import (
	"errors"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

const root, start = zfstest.Root, zfstest.Root + "@" + zfstest.Start

func TestRollbackToFollowsLzcRollbackTo(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(m *zfstest.Model)
		fs      string
		snap    string
		want    error // an errno, nil for success
		written uint64
	}{
		{"the latest snapshot discards what was written", func(m *zfstest.Model) { m.Write(root, 7) }, root, "start", nil, 0},
		{"a mounted filesystem is rolled back too", func(m *zfstest.Model) { m.Mount(root, "/sysroot"); m.Write(root, 7) }, root, "start", nil, 0},
		{"a newer snapshot refuses with EEXIST", func(m *zfstest.Model) { m.AddSnapshot(root, "later"); m.Write(root, 7) }, root, "start", syscall.EEXIST, 7},
		{"a newer bookmark refuses with EEXIST", func(m *zfstest.Model) {
			m.AddSnapshot(root, "later")
			m.AddBookmark(root+"@later", "mark")
			m.Purge(root + "@later")
			m.Write(root, 7)
		}, root, "start", syscall.EEXIST, 7},
		{"a bookmark of the snapshot itself is no obstacle", func(m *zfstest.Model) { m.AddBookmark(start, "same"); m.Write(root, 7) }, root, "start", nil, 0},
		{"a missing snapshot fails with ESRCH", func(m *zfstest.Model) { m.Write(root, 7) }, root, "nope", syscall.ESRCH, 7},
		{"a missing dataset fails with ENOENT", func(m *zfstest.Model) { m.Write(root, 7) }, "rpool/nope", "start", syscall.ENOENT, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			tc.setup(m)
			err := m.RollbackTo(tc.fs, tc.snap)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if w, _ := m.Written(root, "start"); w != tc.written {
				t.Errorf("written@start %d, want %d", w, tc.written)
			}
			if j := m.Journal(); (err == nil) != (len(j) == 1) {
				t.Errorf("journal %q after err %v", j, err)
			}
		})
	}
}

func TestRollbackToAnOlderStateKeepsWhatTheSnapshotHeld(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(root, 100)
	m.AddSnapshot(root, "mid")
	m.Write(root, 20)
	if err := m.RollbackTo(root, "mid"); err != nil {
		t.Fatal(err)
	}
	info, _ := m.Info(root)
	w, _ := m.Written(root, "start")
	if info.Referenced != 100 || w != 100 {
		t.Errorf("referenced %d, written@start %d; want 100 and 100", info.Referenced, w)
	}
}

func TestRollbackClearsTheDiff(t *testing.T) {
	m := zfstest.Seed(t)
	m.Mount(root, "/r")
	m.SetDiff(root, "+\tF\t/r/junk")
	if err := m.RollbackTo(root, "start"); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := m.Diff(root, "start", &b); err != nil || b.String() != "" {
		t.Errorf("diff %q, %v after a rollback; want nothing", b.String(), err)
	}
}

func TestDestroySnapshotsIsOneAtomicBatch(t *testing.T) {
	tests := []struct {
		name  string
		setup func(m *zfstest.Model)
		batch []string
		fails string // words of the error, "" for success
		left  []string
	}{
		{"every snapshot of the batch goes", nil, []string{root + "@a", root + "@b"}, "", []string{start}},
		{"missing snapshots are ignored", nil, []string{root + "@a", root + "@gone"}, "", []string{start, root + "@b"}},
		{"a cloned snapshot keeps every one", func(m *zfstest.Model) { m.AddClone(root+"@b", "rpool/c", nil) },
			[]string{root + "@a", root + "@b"}, "is cloned (rpool/c)", []string{start, root + "@a", root + "@b"}},
		{"names from two pools keep every one", func(m *zfstest.Model) { m.AddPool("other", zfstest.GiB) },
			[]string{root + "@a", "other@x"}, "more than one pool", []string{start, root + "@a", root + "@b"}},
		{"a name that is no snapshot keeps every one", nil, []string{root + "@a", root},
			"not a snapshot name", []string{start, root + "@a", root + "@b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			m.AddSnapshot(root, "a")
			m.AddSnapshot(root, "b")
			if tc.setup != nil {
				tc.setup(m)
			}
			err := m.DestroySnapshots(tc.batch)
			if (tc.fails == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("err %v, want %q", err, tc.fails)
			}
			if got := snapNames(t, m, root); !reflect.DeepEqual(got, tc.left) {
				t.Errorf("left %v, want %v", got, tc.left)
			}
			if j := m.Journal(); (err == nil) != (len(j) == 1) {
				t.Errorf("journal %q after err %v", j, err)
			}
		})
	}
}

func TestDestroyBookmarksIgnoresMissingAndRefusesMixedPools(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddBookmark(start, "a")
	m.AddBookmark(start, "b")
	m.AddPool("other", zfstest.GiB)
	if err := m.DestroyBookmarks([]string{root + "#a", "other#x"}); !errors.Is(err, syscall.EXDEV) {
		t.Errorf("two pools: %v, want EXDEV", err)
	}
	if err := m.DestroyBookmarks([]string{root + "@a"}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("a snapshot name: %v, want EINVAL", err)
	}
	if err := m.DestroyBookmarks([]string{root + "#a", root + "#gone"}); err != nil {
		t.Fatal(err)
	}
	marks, _ := m.Bookmarks(root)
	if len(marks) != 1 || marks[0].Name != root+"#b" {
		t.Errorf("bookmarks %+v, want only #b", marks)
	}
}

func snapNames(t *testing.T, m *zfstest.Model, fs string) []string {
	t.Helper()
	snaps, err := m.Snapshots(fs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range snaps {
		names = append(names, s.Name)
	}
	return names
}
