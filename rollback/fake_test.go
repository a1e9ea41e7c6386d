package rollback

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// fakeZFS is an in-memory pool for the logic tests. It models what the rollback
// reads, and records every mutating call so tests can prove "nothing changed".
type fakeZFS struct {
	pools     map[string]bool
	datasets  map[string]zfs.Dataset
	snaps     map[string][]zfs.Snapshot // by dataset, oldest first
	marks     map[string][]zfs.Snapshot
	written   map[string]uint64 // by dataset
	children  map[string][]string
	failOn    string // name of a method that fails
	mutations []string
}

func newFake() *fakeZFS {
	f := &fakeZFS{
		pools:    map[string]bool{"rpool": true},
		datasets: map[string]zfs.Dataset{},
		snaps:    map[string][]zfs.Snapshot{},
		marks:    map[string][]zfs.Snapshot{},
		written:  map[string]uint64{},
		children: map[string][]string{},
	}
	f.datasets["rpool/nixos/empty"] = zfs.Dataset{Name: "rpool/nixos/empty", Filesystem: true, Mountpoint: "legacy"}
	f.snaps["rpool/nixos/empty"] = []zfs.Snapshot{{Name: "rpool/nixos/empty@start", CreateTxg: 10}}
	return f
}

func (f *fakeZFS) fail(method string) error {
	if f.failOn == method {
		return fmt.Errorf("%s: injected failure", method)
	}
	return nil
}

func (f *fakeZFS) PoolImported(p string) (bool, error) { return f.pools[p], f.fail("PoolImported") }

func (f *fakeZFS) Dataset(n string) (zfs.Dataset, error) {
	d, ok := f.datasets[n]
	if !ok {
		return d, fmt.Errorf("%s: %w", n, zfs.ErrNotFound)
	}
	return d, f.fail("Dataset")
}

func (f *fakeZFS) Snapshots(fs string) ([]zfs.Snapshot, error) {
	return f.snaps[fs], f.fail("Snapshots")
}
func (f *fakeZFS) Bookmarks(fs string) ([]zfs.Snapshot, error) {
	return f.marks[fs], f.fail("Bookmarks")
}
func (f *fakeZFS) Children(fs string) ([]string, error) { return f.children[fs], f.fail("Children") }
func (f *fakeZFS) Written(fs, _ string) (uint64, error) { return f.written[fs], f.fail("Written") }

func (f *fakeZFS) DestroySnapshots(names []string) error {
	if err := f.fail("DestroySnapshots"); err != nil {
		return err
	}
	f.mutations = append(f.mutations, "destroy "+strings.Join(names, ","))
	for _, n := range names {
		fs := n[:strings.IndexByte(n, '@')]
		f.snaps[fs] = without(f.snaps[fs], n)
	}
	return nil
}

func (f *fakeZFS) DestroyBookmarks(names []string) error {
	if err := f.fail("DestroyBookmarks"); err != nil {
		return err
	}
	f.mutations = append(f.mutations, "destroy-bookmarks "+strings.Join(names, ","))
	for _, n := range names {
		fs := n[:strings.IndexByte(n, '#')]
		f.marks[fs] = without(f.marks[fs], n)
	}
	return nil
}

// RollbackTo behaves like lzc_rollback_to: the snapshot must be the latest.
func (f *fakeZFS) RollbackTo(fs, snap string) error {
	if err := f.fail("RollbackTo"); err != nil {
		return err
	}
	s := f.snaps[fs]
	sort.Slice(s, func(i, j int) bool { return s[i].CreateTxg < s[j].CreateTxg })
	if len(s) == 0 || s[len(s)-1].Name != fs+"@"+snap {
		return fmt.Errorf("rollback to %s@%s: EEXIST (not the latest snapshot)", fs, snap)
	}
	f.mutations = append(f.mutations, "rollback "+fs+"@"+snap)
	f.written[fs] = 0
	return nil
}

func without(list []zfs.Snapshot, name string) []zfs.Snapshot {
	var out []zfs.Snapshot
	for _, s := range list {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}
