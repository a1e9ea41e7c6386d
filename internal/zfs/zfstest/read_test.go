package zfstest_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs"
	"github.com/blankslate/blankslate/internal/zfs/zfstest"
)

// Only Dataset says "missing" with zfs.ErrNotFound, as the binding does; the
// other calls fail with libzfs's text.
func TestOnlyDatasetWrapsErrNotFound(t *testing.T) {
	m := zfstest.Seed(t)
	if _, err := m.Dataset("rpool/nope"); !errors.Is(err, zfs.ErrNotFound) {
		t.Errorf("Dataset: %v", err)
	}
	if _, err := m.Dataset(start); !errors.Is(err, zfs.ErrNotFound) {
		t.Errorf("Dataset of a snapshot name: %v", err)
	}
	calls := map[string]func() error{
		"Snapshots":  func() error { _, err := m.Snapshots("rpool/nope"); return err },
		"Bookmarks":  func() error { _, err := m.Bookmarks("rpool/nope"); return err },
		"Children":   func() error { _, err := m.Children("rpool/nope"); return err },
		"Written":    func() error { _, err := m.Written("rpool/nope", "start"); return err },
		"Info":       func() error { _, err := m.Info("rpool/nope"); return err },
		"LocalProps": func() error { _, err := m.LocalProps("rpool/nope"); return err },
		"Datasets":   func() error { _, err := m.Datasets("nope"); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil || errors.Is(err, zfs.ErrNotFound) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAnExportedPoolHasNoDatasets(t *testing.T) {
	m := zfstest.Seed(t)
	m.Export("rpool")
	imported, err := m.PoolImported("rpool")
	p, perr := m.Pool("rpool")
	_, derr := m.Dataset(root)
	if imported || err != nil || p != (zfs.Pool{Name: "rpool"}) || perr != nil || !errors.Is(derr, zfs.ErrNotFound) {
		t.Errorf("imported %v %v, pool %+v %v, dataset %v", imported, err, p, perr, derr)
	}
	m.Import("rpool")
	if p, _ := m.Pool("rpool"); !p.Imported || p.Health != "ONLINE" || p.Status != "ok" || p.Size != 10*zfstest.GiB {
		t.Errorf("imported again: %+v", p)
	}
	if p, err := m.Pool("unknown"); p.Imported || err != nil {
		t.Errorf("unknown pool: %+v %v", p, err)
	}
}

func TestPropertiesAreInheritedAsInZFS(t *testing.T) {
	m := zfstest.Seed(t)
	m.Set("rpool/nixos", "mountpoint", "/n")
	m.AddFS("rpool/nixos/a/b", map[string]string{"user:x": "y"})
	tests := []struct{ name, prop, want string }{
		{"a mountpoint path gets the rest of the name", "mountpoint", "/n/a/b"},
		{"compression comes from the pool", "compression", "lz4"},
		{"atime defaults to on", "atime", "on"},
	}
	var props zfs.Props
	list, _ := m.Datasets("rpool")
	for _, p := range list {
		if p.Name == "rpool/nixos/a/b" {
			props = p
		}
	}
	got := map[string]string{"mountpoint": props.Mountpoint, "compression": props.Compression, "atime": props.Atime}
	for _, tc := range tests {
		if got[tc.prop] != tc.want {
			t.Errorf("%s: %s=%s, want %s", tc.name, tc.prop, got[tc.prop], tc.want)
		}
	}
	m.Set("rpool/nixos", "canmount", "off")
	m.Set("rpool/nixos", "readonly", "on")
	info, _ := m.Info("rpool/nixos/a/b")
	if info.CanMount != "on" || !info.ReadOnly {
		t.Errorf("canmount is not inherited, readonly is: %+v", info)
	}
	local, _ := m.LocalProps("rpool/nixos/a/b")
	if !reflect.DeepEqual(local, map[string]string{"user:x": "y"}) {
		t.Errorf("local properties %v: only what was set on the dataset itself", local)
	}
}

func TestSetPropRefusesWhatZFSRefuses(t *testing.T) {
	tests := []struct{ name, dataset, prop, value, want string }{
		{"a statistic", root, "used", "1", "read-only"},
		{"a set-once property", root, "casesensitivity", "mixed", "only when the dataset is made"},
		{"an unknown property", root, "colour", "blue", "no such property"},
		{"a bad canmount", root, "canmount", "maybe", "not one of"},
		{"a relative mountpoint", root, "mountpoint", "x", "absolute path"},
		{"a volume through the filesystem call", "rpool/docker", "compression", "off", "not applicable"},
		{"a bad size", root, "reservation", "lots", "not a size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			if err := m.SetProp(tc.dataset, tc.prop, tc.value); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
	m := zfstest.Seed(t)
	if err := m.SetProp("rpool/reserved", "refreservation", "2G"); err != nil {
		t.Fatal(err)
	}
	list, _ := m.Datasets("rpool")
	for _, p := range list {
		if p.Name == "rpool/reserved" && p.RefReservation != 2*zfstest.GiB {
			t.Errorf("refreservation %d, want 2 GiB", p.RefReservation)
		}
	}
}

func TestSeedIsTheDesignLayoutParentsFirst(t *testing.T) {
	m := zfstest.Seed(t)
	list, err := m.Datasets("rpool")
	if err != nil {
		t.Fatal(err)
	}
	want := []zfs.Props{
		{Name: "rpool", Compression: "lz4", Atime: "on", Mountpoint: "none"},
		{Name: "rpool/docker", Volume: true, Compression: "lz4", Volsize: 50 * zfstest.GiB, RefReservation: 51 * zfstest.GiB},
		{Name: "rpool/nixos", Compression: "lz4", Atime: "on", Mountpoint: "none"},
		{Name: "rpool/nixos/empty", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
		{Name: "rpool/nixos/home", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
		{Name: "rpool/nixos/nix", Compression: "lz4", Atime: "off", Mountpoint: "legacy"},
		{Name: "rpool/nixos/persist", Compression: "lz4", Atime: "on", Mountpoint: "legacy"},
		{Name: "rpool/reserved", Compression: "lz4", Atime: "on", Mountpoint: "none", RefReservation: 1 * zfstest.GiB},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("datasets\n%+v\nwant\n%+v", list, want)
	}
	ds, _ := m.Dataset(root)
	if ds != (zfs.Dataset{Name: root, Filesystem: true, Mountpoint: "legacy"}) {
		t.Errorf("root dataset %+v", ds)
	}
}

func TestCreateTxgIncreasesAcrossThePool(t *testing.T) {
	m := zfstest.Seed(t)
	a := m.AddSnapshot("rpool/nixos/home", "a")
	if err := m.CreateFS("rpool/x", nil); err != nil {
		t.Fatal(err)
	}
	b := m.AddSnapshot(root, "b")
	x, _ := m.Info("rpool/x")
	snaps, _ := m.Snapshots(root)
	if !(snaps[0].CreateTxg < a && a < x.CreateTxg && x.CreateTxg < b && snaps[1].CreateTxg == b) {
		t.Errorf("txgs @start %d, home@a %d, rpool/x %d, @b %d: not increasing", snaps[0].CreateTxg, a, x.CreateTxg, b)
	}
}

func TestWrittenIsWhatTheHeadHoldsAndTheSnapshotDoesNot(t *testing.T) {
	m := zfstest.Seed(t)
	m.Write(root, 100)
	m.AddSnapshot(root, "mid")
	m.Write(root, 20)
	m.AddClone(root+"@mid", "rpool/c", nil)
	m.Write("rpool/c", 3)
	tests := []struct {
		name, fs, snap string
		want           uint64
		fails          bool
	}{
		{"since the latest snapshot", root, "mid", 20, false},
		{"since an older one, everything after it", root, "start", 120, false},
		{"a clone since its origin, by full name", "rpool/c", root + "@mid", 3, false},
		{"a clone since an older snapshot of its origin", "rpool/c", start, 103, false},
		{"a snapshot of another lineage is refused", "rpool/nixos/home", root + "@mid", 0, true},
		{"a missing snapshot is refused", root, "nope", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.Written(tc.fs, tc.snap)
			if got != tc.want || (err != nil) != tc.fails {
				t.Errorf("written %d, %v; want %d (fails %v)", got, err, tc.want, tc.fails)
			}
		})
	}
}

func TestDiffNeedsAMountedFilesystemAndAWritablePool(t *testing.T) {
	tests := []struct {
		name  string
		setup func(m *zfstest.Model)
		snap  string
		want  string // output, or words of the error
	}{
		{"mounted: the lines as set", func(m *zfstest.Model) { m.Mount(root, "/r") }, "start", "+\tF\t/r/a\nM\t/\t/r/\n"},
		{"not mounted", func(m *zfstest.Model) {}, "start", "not mounted"},
		{"a missing snapshot", func(m *zfstest.Model) { m.Mount(root, "/r") }, "nope", "does not exist"},
		{"a read-only pool", func(m *zfstest.Model) { m.Mount(root, "/r"); m.SetPoolReadOnly("rpool", true) }, "start", "read-only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := zfstest.Seed(t)
			m.SetDiff(root, "+\tF\t/r/a", "M\t/\t/r/")
			tc.setup(m)
			var b strings.Builder
			err := m.Diff(root, tc.snap, &b)
			if err != nil && !strings.Contains(err.Error(), tc.want) || err == nil && b.String() != tc.want {
				t.Errorf("got %q, %v; want %q", b.String(), err, tc.want)
			}
		})
	}
}
