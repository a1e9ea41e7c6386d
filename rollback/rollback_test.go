package rollback

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

var req = Request{Pool: "rpool", Dataset: "rpool/nixos/empty", Snapshot: "start"}

const ds = "rpool/nixos/empty"

func TestRollbackSucceeds(t *testing.T) {
	tests := []struct {
		name          string
		setup         func(m *zfstest.Model)
		wantSnaps     []string
		wantMarks     []string
		wantNoOp      bool
		wantMutations []string
	}{
		{
			name:          "dirty root is rolled back",
			setup:         func(m *zfstest.Model) { m.Write(ds, 4096) },
			wantMutations: []string{"RollbackTo " + ds + " start"},
		},
		{
			name:     "clean root is a no-op",
			setup:    func(m *zfstest.Model) {},
			wantNoOp: true,
		},
		{
			name: "newer snapshots are destroyed in one batch, older kept",
			setup: func(m *zfstest.Model) {
				m.Purge(ds + "@start")
				for _, s := range []string{"old", "start", "a", "b"} {
					m.AddSnapshot(ds, s)
				}
			},
			wantSnaps:     []string{ds + "@a", ds + "@b"},
			wantMutations: []string{"DestroySnapshots " + ds + "@a " + ds + "@b", "RollbackTo " + ds + " start"},
		},
		{
			name: "newer bookmarks are destroyed, bookmark of the snapshot itself kept",
			setup: func(m *zfstest.Model) {
				m.AddBookmark(ds+"@start", "same")
				m.AddSnapshot(ds, "gone")
				m.AddBookmark(ds+"@gone", "new")
				m.Purge(ds + "@gone")
			},
			wantMarks:     []string{ds + "#new"},
			wantMutations: []string{"DestroyBookmarks " + ds + "#new", "RollbackTo " + ds + " start"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			tc.setup(m)
			res, err := Run(m, req)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !reflect.DeepEqual(res.DestroyedSnapshots, tc.wantSnaps) || !reflect.DeepEqual(res.DestroyedBookmarks, tc.wantMarks) {
				t.Errorf("destroyed %v %v, want %v %v", res.DestroyedSnapshots, res.DestroyedBookmarks, tc.wantSnaps, tc.wantMarks)
			}
			if res.NoOp != tc.wantNoOp {
				t.Errorf("NoOp = %v, want %v", res.NoOp, tc.wantNoOp)
			}
			if got := m.Journal(); !reflect.DeepEqual(got, tc.wantMutations) {
				t.Errorf("mutations %q, want %q", got, tc.wantMutations)
			}
			if w, err := m.Written(ds, "start"); w != 0 || err != nil {
				t.Errorf("written@start %d (%v) after the rollback", w, err)
			}
		})
	}
}

func TestRollbackReportsDiscardedBytes(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(ds, 52428800)
	res, err := Run(m, req)
	if err != nil || res.Discarded != 52428800 {
		t.Fatalf("Discarded = %d, err %v; want 52428800", res.Discarded, err)
	}
}

func TestRollbackTwiceSucceedsAndSecondIsNoOp(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(ds, 1)
	if _, err := Run(m, req); err != nil {
		t.Fatal(err)
	}
	res, err := Run(m, req)
	if err != nil || !res.NoOp {
		t.Fatalf("second run: NoOp=%v err=%v", res.NoOp, err)
	}
}

func TestRollbackRefusesAndChangesNothing(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(m *zfstest.Model)
		wantKind string
		wantText string
	}{
		{"pool not imported", func(m *zfstest.Model) { m.Export("rpool") }, KindPoolMissing, "pool rpool is not imported"},
		{"dataset missing", func(m *zfstest.Model) { m.Purge(ds) }, KindDatasetBad, "does not exist"},
		{"snapshot missing", func(m *zfstest.Model) { m.Purge(ds + "@start") }, KindSnapMissing, ds + "@start does not exist"},
		{"dataset mounted", func(m *zfstest.Model) { m.Mount(ds, "/sysroot") }, KindMounted, "mounted at /sysroot"},
		{"dataset is a volume", func(m *zfstest.Model) { m.Purge(ds); m.AddVolume(ds, zfstest.GiB, nil) }, KindDatasetBad, "not a filesystem"},
		{"dataset has children", func(m *zfstest.Model) { m.AddFS(ds+"/kid", nil) }, KindChildren, ds + "/kid"},
		{"newer snapshot has a clone", func(m *zfstest.Model) {
			m.AddSnapshot(ds, "later")
			m.AddClone(ds+"@later", "rpool/c", nil)
		}, KindClones, "rpool/c"},
		{"snapshot listing fails", func(m *zfstest.Model) { m.Fail("Snapshots") }, KindZFSFailed, "injected"},
		{"written fails", func(m *zfstest.Model) { m.Fail("Written") }, KindZFSFailed, "injected"},
		{"batch destroy fails", func(m *zfstest.Model) {
			m.AddSnapshot(ds, "later")
			m.Fail("DestroySnapshots")
		}, KindZFSFailed, "injected"},
		{"rollback ioctl fails", func(m *zfstest.Model) { m.Write(ds, 1); m.Fail("RollbackTo") }, KindZFSFailed, "injected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			tc.setup(m)
			_, err := Run(m, req)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Kind != tc.wantKind || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("got %s %q, want %s containing %q", e.Kind, err, tc.wantKind, tc.wantText)
			}
			if !strings.Contains(err.Error(), "nothing was changed") || len(m.Journal()) > 0 {
				t.Errorf("changes made: %q (message %q)", m.Journal(), err)
			}
		})
	}
}

func TestRollbackFailureAfterDestroyNamesWhatChanged(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddSnapshot(ds, "later")
	m.Fail("RollbackTo")
	_, err := Run(m, req)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindPartialChange {
		t.Fatalf("err = %v, want %s", err, KindPartialChange)
	}
	for _, want := range []string{ds + "@later", "NOT rolled back"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}
