package zfstest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

const kept = "rpool/nixos/blankslate-prev/k"

func TestRenameCarriesSnapshotsDescendantsAndClones(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddFS(root+"/child", nil)
	m.AddSnapshot(root+"/child", "s")
	m.AddBookmark(start, "mark")
	m.AddClone(start, "rpool/c", nil)
	m.Write(root, 9)
	m.AddFS("rpool/nixos/blankslate-prev", nil)
	if err := m.Rename(root, kept); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dataset(root); err == nil {
		t.Error("the old name still exists")
	}
	info, _ := m.Info("rpool/c")
	marks, _ := m.Bookmarks(kept)
	w, _ := m.Written(kept, "start")
	if got := snapNames(t, m, kept+"/child"); !reflect.DeepEqual(got, []string{kept + "/child@s"}) ||
		info.Origin != kept+"@start" || len(marks) != 1 || marks[0].Name != kept+"#mark" || w != 9 {
		t.Errorf("child snapshots %v, clone origin %q, bookmarks %+v, written %d", got, info.Origin, marks, w)
	}
}

func TestRenameRefusesWhatZFSRefuses(t *testing.T) {
	tests := []struct{ name, from, to, want string }{
		{"a name that exists", root, "rpool/nixos/home", "already exists"},
		{"a missing parent", root, "rpool/nope/x", "parent does not exist"},
		{"beneath itself", "rpool/nixos", "rpool/nixos/x/y", "beneath itself"},
		{"another pool", root, "other/x", "same pool"},
		{"a pool's root", "rpool", "rpool2", "pool's root"},
		{"a volume", "rpool/docker", "rpool/docker2", "not applicable"},
		{"a missing dataset", "rpool/nope", "rpool/x", "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			m.AddPool("other", zfstest.GiB)
			if err := m.Rename(tc.from, tc.to); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
			if len(m.Journal()) > 0 {
				t.Errorf("journal %q after a refusal", m.Journal())
			}
		})
	}
}

func TestCloneStartsFromItsSnapshotWithItsOwnProperties(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(root, 10)
	m.AddSnapshot(root, "s")
	m.Write(root, 5)
	if err := m.Clone(root+"@s", "rpool/nixos/c", map[string]string{"mountpoint": "/c"}); err != nil {
		t.Fatal(err)
	}
	info, _ := m.Info("rpool/nixos/c")
	props, _ := m.LocalProps("rpool/nixos/c")
	ds, _ := m.Dataset("rpool/nixos/c")
	snaps, _ := m.Snapshots(root)
	if info.Origin != root+"@s" || info.Referenced != 10 || info.Used != 0 || props["mountpoint"] != "/c" || ds.Mounted {
		t.Errorf("clone %+v, props %v, dataset %+v", info, props, ds)
	}
	if !reflect.DeepEqual(snaps[1].Clones, []string{"rpool/nixos/c"}) {
		t.Errorf("the snapshot does not list its clone: %+v", snaps[1])
	}
	for _, bad := range []struct{ snap, target, want string }{
		{root + "@nope", "rpool/x", "does not exist"},
		{root + "@s", "rpool/nixos/home", "already exists"},
		{root + "@s", "rpool/nope/x", "parent does not exist"},
		{root + "@s", "rpool/x", "no such property"},
	} {
		props := map[string]string{}
		if bad.want == "no such property" {
			props["nonsense"] = "1"
		}
		if err := m.Clone(bad.snap, bad.target, props); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("clone %s as %s: %v, want %q", bad.snap, bad.target, err, bad.want)
		}
	}
}

// The three steps that keep a root: the promote leaves the root owning @start
// again, the kept root a clone of it holding what the boot wrote.
func TestPromoteSwapsOriginAndClone(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddFS("rpool/nixos/blankslate-prev", nil)
	m.Purge(start)
	m.AddSnapshot(root, "older")
	m.AddSnapshot(root, "start")
	m.AddBookmark(start, "mark")
	m.Write(root, 42)
	m.AddSnapshot(root, "newer") // stays with the kept root
	for _, step := range []error{
		m.Rename(root, kept),
		m.Clone(kept+"@start", root, nil),
		m.Promote(root),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	rootInfo, _ := m.Info(root)
	keptInfo, _ := m.Info(kept)
	w, _ := m.Written(kept, root+"@start")
	marks, _ := m.Bookmarks(root)
	if got := snapNames(t, m, root); !reflect.DeepEqual(got, []string{root + "@older", root + "@start"}) {
		t.Errorf("root snapshots %v: it must take those up to and including the origin", got)
	}
	if got := snapNames(t, m, kept); !reflect.DeepEqual(got, []string{kept + "@newer"}) {
		t.Errorf("kept snapshots %v", got)
	}
	if rootInfo.Origin != "" || keptInfo.Origin != root+"@start" || w != 42 || len(marks) != 1 {
		t.Errorf("root origin %q, kept origin %q, kept written %d, root bookmarks %+v", rootInfo.Origin, keptInfo.Origin, w, marks)
	}
	if w, _ := m.Written(root, "start"); w != 0 {
		t.Errorf("the root has %d bytes written since @start, want 0", w)
	}
}

func TestPromoteHandsOnTheOriginsOwnOriginAndKeepsOtherClones(t *testing.T) {
	m := zfstest.Seed(t)
	m.AddClone(start, "rpool/a", nil) // a is a clone of root@start
	m.AddSnapshot("rpool/a", "s")
	m.AddClone("rpool/a@s", "rpool/b", nil)
	m.AddClone("rpool/a@s", "rpool/other", nil)
	if err := m.Promote("rpool/b"); err != nil {
		t.Fatal(err)
	}
	a, _ := m.Info("rpool/a")
	b, _ := m.Info("rpool/b")
	other, _ := m.Info("rpool/other")
	if b.Origin != start || a.Origin != "rpool/b@s" || other.Origin != "rpool/b@s" {
		t.Errorf("origins: a %q, b %q, other %q", a.Origin, b.Origin, other.Origin)
	}
}

func TestPromoteRefusesANonCloneAndANameConflict(t *testing.T) {
	m := zfstest.Seed(t)
	if err := m.Promote(root); err == nil || !strings.Contains(err.Error(), "not a cloned filesystem") {
		t.Errorf("not a clone: %v", err)
	}
	m.AddClone(start, "rpool/c", nil)
	m.AddSnapshot("rpool/c", "start")
	if err := m.Promote("rpool/c"); err == nil || !strings.Contains(err.Error(), "conflicts") {
		t.Errorf("conflict: %v", err)
	}
	if got := snapNames(t, m, root); !reflect.DeepEqual(got, []string{start}) || len(m.Journal()) > 0 {
		t.Errorf("a refused promote changed something: %v %q", got, m.Journal())
	}
}

func TestDestroyRemovesOneFilesystemOnly(t *testing.T) {
	tests := []struct {
		name, target string
		setup        func(m *zfstest.Model)
		want         string // "" for success
	}{
		{"one with snapshots is refused", root, nil, "has snapshots"},
		{"one whose snapshot has a clone is refused", "rpool/nixos/home", func(m *zfstest.Model) {
			m.AddSnapshot("rpool/nixos/home", "s")
			m.AddClone("rpool/nixos/home@s", "rpool/c", nil)
		}, "has snapshots"},
		{"one with children is refused", "rpool/nixos", nil, "has children"},
		{"a mounted one is refused", "rpool/nixos/home", func(m *zfstest.Model) { m.Mount("rpool/nixos/home", "/home") }, "busy"},
		{"a pool's root is refused", "empty", func(m *zfstest.Model) { m.AddPool("empty", 1) }, "pool's root"},
		{"a volume is refused", "rpool/docker", nil, "not applicable"},
		{"a clone goes, and its origin loses it", "rpool/c", func(m *zfstest.Model) { m.AddClone(start, "rpool/c", nil) }, ""},
		{"a plain filesystem goes", "rpool/nixos/home", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			if tc.setup != nil {
				tc.setup(m)
			}
			err := m.Destroy(tc.target)
			if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			_, gone := m.Dataset(tc.target)
			if (err == nil) != (gone != nil) {
				t.Errorf("destroy returned %v but the dataset is there: %v", err, gone == nil)
			}
			if snaps, _ := m.Snapshots(root); len(snaps[0].Clones) > 0 {
				t.Errorf("@start still lists clones %v", snaps[0].Clones)
			}
		})
	}
}
