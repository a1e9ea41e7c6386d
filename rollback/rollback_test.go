package rollback

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs"
)

var req = Request{Pool: "rpool", Dataset: "rpool/nixos/empty", Snapshot: "start"}

const ds = "rpool/nixos/empty"

func TestRollbackSucceeds(t *testing.T) {
	tests := []struct {
		name          string
		setup         func(f *fakeZFS)
		wantSnaps     []string
		wantMarks     []string
		wantNoOp      bool
		wantMutations []string
	}{
		{
			name:          "dirty root is rolled back",
			setup:         func(f *fakeZFS) { f.written[ds] = 4096 },
			wantMutations: []string{"rollback " + ds + "@start"},
		},
		{
			name:     "clean root is a no-op",
			setup:    func(f *fakeZFS) {},
			wantNoOp: true,
		},
		{
			name: "newer snapshots are destroyed in one batch, older kept",
			setup: func(f *fakeZFS) {
				f.snaps[ds] = []zfs.Snapshot{{Name: ds + "@old", CreateTxg: 5}, {Name: ds + "@start", CreateTxg: 10},
					{Name: ds + "@a", CreateTxg: 11}, {Name: ds + "@b", CreateTxg: 12}}
			},
			wantSnaps:     []string{ds + "@a", ds + "@b"},
			wantMutations: []string{"destroy " + ds + "@a," + ds + "@b", "rollback " + ds + "@start"},
		},
		{
			name: "newer bookmarks are destroyed, bookmark of the snapshot itself kept",
			setup: func(f *fakeZFS) {
				f.marks[ds] = []zfs.Snapshot{{Name: ds + "#same", CreateTxg: 10}, {Name: ds + "#new", CreateTxg: 11}}
			},
			wantMarks:     []string{ds + "#new"},
			wantMutations: []string{"destroy-bookmarks " + ds + "#new", "rollback " + ds + "@start"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			tc.setup(f)
			res, err := Run(f, req)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !reflect.DeepEqual(res.DestroyedSnapshots, tc.wantSnaps) || !reflect.DeepEqual(res.DestroyedBookmarks, tc.wantMarks) {
				t.Errorf("destroyed %v %v, want %v %v", res.DestroyedSnapshots, res.DestroyedBookmarks, tc.wantSnaps, tc.wantMarks)
			}
			if res.NoOp != tc.wantNoOp {
				t.Errorf("NoOp = %v, want %v", res.NoOp, tc.wantNoOp)
			}
			if !reflect.DeepEqual(f.mutations, tc.wantMutations) {
				t.Errorf("mutations %q, want %q", f.mutations, tc.wantMutations)
			}
		})
	}
}

func TestRollbackReportsDiscardedBytes(t *testing.T) {
	f := newFake()
	f.written[ds] = 52428800
	res, err := Run(f, req)
	if err != nil || res.Discarded != 52428800 {
		t.Fatalf("Discarded = %d, err %v; want 52428800", res.Discarded, err)
	}
}

func TestRollbackTwiceSucceedsAndSecondIsNoOp(t *testing.T) {
	f := newFake()
	f.written[ds] = 1
	if _, err := Run(f, req); err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, req)
	if err != nil || !res.NoOp {
		t.Fatalf("second run: NoOp=%v err=%v", res.NoOp, err)
	}
}

func TestRollbackRefusesAndChangesNothing(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(f *fakeZFS)
		wantKind string
		wantText string
	}{
		{"pool not imported", func(f *fakeZFS) { f.pools["rpool"] = false }, KindPoolMissing, "pool rpool is not imported"},
		{"dataset missing", func(f *fakeZFS) { delete(f.datasets, ds) }, KindDatasetBad, "does not exist"},
		{"snapshot missing", func(f *fakeZFS) { f.snaps[ds] = nil }, KindSnapMissing, ds + "@start does not exist"},
		{"dataset mounted", func(f *fakeZFS) {
			f.datasets[ds] = zfs.Dataset{Name: ds, Filesystem: true, Mounted: true, MountedAt: "/sysroot"}
		}, KindMounted, "mounted at /sysroot"},
		{"dataset is a volume", func(f *fakeZFS) { f.datasets[ds] = zfs.Dataset{Name: ds} }, KindDatasetBad, "not a filesystem"},
		{"dataset has children", func(f *fakeZFS) { f.children[ds] = []string{ds + "/kid"} }, KindChildren, ds + "/kid"},
		{"newer snapshot has a clone", func(f *fakeZFS) {
			f.snaps[ds] = append(f.snaps[ds], zfs.Snapshot{Name: ds + "@later", CreateTxg: 20, Clones: []string{"rpool/c"}})
		}, KindClones, "rpool/c"},
		{"snapshot listing fails", func(f *fakeZFS) { f.failOn = "Snapshots" }, KindZFSFailed, "injected"},
		{"written fails", func(f *fakeZFS) { f.failOn = "Written" }, KindZFSFailed, "injected"},
		{"batch destroy fails", func(f *fakeZFS) {
			f.snaps[ds] = append(f.snaps[ds], zfs.Snapshot{Name: ds + "@later", CreateTxg: 20})
			f.failOn = "DestroySnapshots"
		}, KindZFSFailed, "injected"},
		{"rollback ioctl fails", func(f *fakeZFS) { f.written[ds] = 1; f.failOn = "RollbackTo" }, KindZFSFailed, "injected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			tc.setup(f)
			_, err := Run(f, req)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Kind != tc.wantKind || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("got %s %q, want %s containing %q", e.Kind, err, tc.wantKind, tc.wantText)
			}
			if !strings.Contains(err.Error(), "nothing was changed") || len(f.mutations) > 0 {
				t.Errorf("changes made: %q (message %q)", f.mutations, err)
			}
		})
	}
}

func TestRollbackFailureAfterDestroyNamesWhatChanged(t *testing.T) {
	f := newFake()
	f.snaps[ds] = append(f.snaps[ds], zfs.Snapshot{Name: ds + "@later", CreateTxg: 20})
	f.failOn = "RollbackTo"
	_, err := Run(f, req)
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
