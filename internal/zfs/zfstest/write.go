package zfstest

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The calls that change the pool. Each one that takes effect is journaled;
// one that fails has changed nothing.

// DestroySnapshots destroys names in one atomic batch, like
// lzc_destroy_snaps: all of them go or none. Snapshots that do not exist are
// ignored; a snapshot with clones fails the whole batch, as do names from
// more than one pool.
func (m *Model) DestroySnapshots(names []string) error {
	if len(names) == 0 {
		return nil // the binding makes no call
	}
	return m.call("DestroySnapshots", names, true, func() error {
		what := "cannot destroy snapshots " + strings.Join(names, ", ")
		var doomed []*snapshot
		for _, n := range names {
			if _, _, ok := zfs.SplitSnapshot(n); !ok {
				return fmt.Errorf("%s: %s is not a snapshot name", what, n)
			}
			if zfs.PoolOf(n) != zfs.PoolOf(names[0]) {
				return fmt.Errorf("%s: they are in more than one pool", what)
			}
			s, err := m.findSnapshot(n)
			if err != nil {
				continue // already gone: the kernel ignores it
			}
			if c := m.clonesOf(s); len(c) > 0 {
				return fmt.Errorf("%s: snapshot %s is cloned (%s)", what, n, strings.Join(c, ", "))
			}
			doomed = append(doomed, s)
		}
		for _, s := range doomed {
			s.fs.snaps = remove(s.fs.snaps, s)
		}
		return nil
	}, nil)
}

// DestroyBookmarks destroys names; those that do not exist are ignored.
// Errors wrap an errno, as lzc_destroy_bookmarks returns one.
func (m *Model) DestroyBookmarks(names []string) error {
	if len(names) == 0 {
		return nil
	}
	return m.call("DestroyBookmarks", names, true, func() error {
		what := "destroying bookmarks " + strings.Join(names, ", ")
		var doomed []*bookmark
		for _, n := range names {
			fs, mark, ok := strings.Cut(n, "#")
			if !ok || fs == "" || mark == "" {
				return fmt.Errorf("%s: %w", what, syscall.EINVAL)
			}
			if zfs.PoolOf(n) != zfs.PoolOf(names[0]) {
				return fmt.Errorf("%s: %w", what, syscall.EXDEV)
			}
			if d, err := m.lookup(fs); err == nil {
				for _, b := range d.marks {
					if b.name == mark {
						doomed = append(doomed, b)
					}
				}
			}
		}
		for _, b := range doomed {
			b.fs.marks = remove(b.fs.marks, b)
		}
		return nil
	}, nil)
}

// RollbackTo rolls fs back to fs@snap like lzc_rollback_to: the head gets the
// snapshot's data back and what was written since is gone. It fails with
// EEXIST when a newer snapshot or bookmark exists, ESRCH when the snapshot
// does not, ENOENT when fs does not. A mounted filesystem is rolled back too
// (the kernel suspends it meanwhile).
func (m *Model) RollbackTo(fs, snap string) error {
	return m.call("RollbackTo", []string{fs, snap}, true, func() error {
		what := "rolling " + fs + " back to @" + snap
		d, err := m.lookup(fs)
		if err != nil {
			return fmt.Errorf("%s: %w", what, syscall.ENOENT)
		}
		s, err := m.findSnapshot(zfs.SnapshotName(fs, snap))
		if err != nil {
			return fmt.Errorf("%s: %w", what, syscall.ESRCH)
		}
		newerMark := len(d.marks) > 0 && d.marks[len(d.marks)-1].txg > s.txg
		if d.snaps[len(d.snaps)-1] != s || newerMark {
			return fmt.Errorf("%s: %w (a snapshot newer than @%s appeared meanwhile)", what, syscall.EEXIST, snap)
		}
		d.data, d.diff = s.data.copy(), nil
		return nil
	}, nil)
}

// Rename renames a filesystem; its snapshots, bookmarks and descendants go
// with it, clones keep their origin, and nothing is mounted or unmounted.
func (m *Model) Rename(from, to string) error {
	return m.call("Rename", []string{from, to}, true, func() error { return m.rename(from, to) }, nil)
}

func (m *Model) rename(from, to string) error {
	what := fmt.Sprintf("cannot rename '%s' to '%s'", from, to)
	if _, err := m.filesystem(from); err != nil {
		return err
	}
	switch {
	case zfs.Parent(from) == "":
		return fmt.Errorf("%s: a pool's root dataset cannot be renamed", what)
	case zfs.PoolOf(from) != zfs.PoolOf(to):
		return fmt.Errorf("%s: datasets must be within the same pool", what)
	case strings.HasPrefix(to, from+"/"):
		return fmt.Errorf("%s: a dataset cannot be moved beneath itself", what)
	case validName(to) != nil:
		return fmt.Errorf("%s: invalid dataset name", what)
	}
	if _, err := m.lookup(to); err == nil {
		return fmt.Errorf("%s: dataset already exists", what)
	}
	if err := m.mustParent(to); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, n := range append([]string{from}, m.descendants(from)...) {
		d := m.ds[n]
		delete(m.ds, n)
		d.name = to + strings.TrimPrefix(n, from)
		m.ds[d.name] = d
	}
	return nil
}

// Clone makes target a clone of snap with props set locally; nothing is
// mounted. A clone of a volume's snapshot is a volume.
func (m *Model) Clone(snap, target string, props map[string]string) error {
	args := append([]string{snap, target}, propArgs(props)...)
	return m.call("Clone", args, true, func() error { return m.clone(snap, target, props) }, nil)
}

func (m *Model) clone(snap, target string, props map[string]string) error {
	s, err := m.findSnapshot(snap)
	if err != nil {
		return err
	}
	if zfs.PoolOf(snap) != zfs.PoolOf(target) {
		return fmt.Errorf("cannot create '%s': source and target pools differ", target)
	}
	d, err := m.create(target, s.fs.volume, props)
	if err != nil {
		return err
	}
	d.origin, d.data = s, s.data.copy()
	return nil
}

// Promote makes the clone name independent of its origin: the origin
// filesystem's snapshots up to and including the origin snapshot, and its
// bookmarks as old, move to name; name takes the origin's own origin, and the
// origin filesystem becomes a clone of the moved origin snapshot.
func (m *Model) Promote(name string) error {
	return m.call("Promote", []string{name}, true, func() error { return m.promote(name) }, nil)
}

func (m *Model) promote(name string) error {
	d, err := m.filesystem(name)
	if err != nil {
		return err
	}
	o := d.origin
	if o == nil {
		return fmt.Errorf("cannot promote '%s': not a cloned filesystem", name)
	}
	parent := o.fs
	var moved, kept []*snapshot
	for _, s := range parent.snaps {
		if s.txg <= o.txg {
			moved = append(moved, s)
		} else {
			kept = append(kept, s)
		}
	}
	for _, s := range moved {
		for _, own := range d.snaps {
			if own.name == s.name {
				return fmt.Errorf("cannot promote '%s': snapshot name '%s' from origin conflicts with '%s' from target",
					name, s.full(), own.full())
			}
		}
	}
	var movedMarks, keptMarks []*bookmark
	for _, b := range parent.marks {
		if b.txg <= o.txg {
			movedMarks = append(movedMarks, b)
		} else {
			keptMarks = append(keptMarks, b)
		}
	}
	for _, s := range moved {
		s.fs = d
	}
	for _, b := range movedMarks {
		b.fs = d
	}
	d.snaps, parent.snaps = append(moved, d.snaps...), kept
	d.marks, parent.marks = append(movedMarks, d.marks...), keptMarks
	d.origin, parent.origin = parent.origin, o
	return nil
}

// SetProp sets one property of a filesystem.
func (m *Model) SetProp(name, prop, value string) error {
	return m.call("SetProp", []string{name, prop, value}, true, func() error { return m.setProp(name, prop, value) }, nil)
}

func (m *Model) setProp(name, prop, value string) error {
	d, err := m.filesystem(name)
	if err != nil {
		return err
	}
	lit, err := checkProp(prop, value, d.volume, false)
	if err != nil {
		return fmt.Errorf("cannot set property for '%s': %w", name, err)
	}
	d.props[prop] = lit
	return nil
}

// SetProps sets several properties at once: all of them, or none when one is
// invalid.
func (m *Model) SetProps(name string, props map[string]string) error {
	args := append([]string{name}, propArgs(props)...)
	return m.call("SetProps", args, true, func() error {
		d, err := m.filesystem(name)
		if err != nil {
			return err
		}
		lits, err := checkProps(props, d.volume, false)
		if err != nil {
			return fmt.Errorf("cannot set properties for '%s': %w", name, err)
		}
		for k, v := range lits {
			d.props[k] = v
		}
		return nil
	}, nil)
}

// CreateFS creates a filesystem with props; its parent must exist, and
// nothing is mounted.
func (m *Model) CreateFS(name string, props map[string]string) error {
	args := append([]string{name}, propArgs(props)...)
	return m.call("CreateFS", args, true, func() error {
		_, err := m.create(name, false, props)
		return err
	}, nil)
}

// Destroy destroys one filesystem. Like zfs_destroy without recursion it
// refuses one that has snapshots (and so clones depending on it), children,
// or a mount.
func (m *Model) Destroy(name string) error {
	return m.call("Destroy", []string{name}, true, func() error {
		d, err := m.filesystem(name)
		if err != nil {
			return err
		}
		what := "cannot destroy '" + name + "'"
		switch {
		case zfs.Parent(name) == "":
			return fmt.Errorf("%s: a pool's root dataset goes only with its pool", what)
		case len(d.snaps) > 0:
			return fmt.Errorf("%s: filesystem has snapshots (%s first)", what, d.snaps[0].full())
		case len(m.children(name)) > 0:
			return fmt.Errorf("%s: filesystem has children", what)
		case d.mountedAt != "":
			return fmt.Errorf("%s: dataset is busy (mounted at %s)", what, d.mountedAt)
		}
		delete(m.ds, name)
		return nil
	}, nil)
}

func remove[T comparable](list []T, x T) []T {
	out := list[:0:0]
	for _, y := range list {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// Snapshot takes fs@snap, like lzc_snapshot of one name: one transaction.
// A read-only filesystem can be snapshotted; the name must be new.
func (m *Model) Snapshot(fs, snap string) error {
	return m.call("Snapshot", []string{fs, snap}, true, func() error {
		d, err := m.filesystem(fs)
		if err != nil {
			return err
		}
		if snap == "" || strings.ContainsAny(snap, "@#/ ") {
			return fmt.Errorf("cannot create snapshot '%s@%s': invalid name", fs, snap)
		}
		for _, s := range d.snaps {
			if s.name == snap {
				return fmt.Errorf("cannot create snapshot '%s': dataset already exists", s.full())
			}
		}
		d.snaps = append(d.snaps, &snapshot{fs: d, name: snap, txg: m.nextTxg(), data: d.data.copy()})
		return nil
	}, nil)
}
