package zfstest

import (
	"fmt"
	"io"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The calls that only read. Each returns what the binding returns for the
// same state, including its errors.

// PoolImported reports whether pool is imported; an unknown pool is not, and
// that is no error.
func (m *Model) PoolImported(pool string) (imported bool, err error) {
	err = m.call("PoolImported", []string{pool}, false, func() error {
		p, ok := m.pools[pool]
		imported = ok && p.Imported
		return nil
	}, nil)
	return imported, err
}

// Pool describes pool; one that is unknown or not imported has only its
// name, with no error.
func (m *Model) Pool(name string) (p zfs.Pool, err error) {
	p = zfs.Pool{Name: name}
	err = m.call("Pool", []string{name}, false, func() error {
		if q, ok := m.pools[name]; ok && q.Imported {
			p = *q
		}
		return nil
	}, nil)
	return p, err
}

// Dataset describes a filesystem or volume; missing (or in a pool that is not
// imported) it wraps zfs.ErrNotFound.
func (m *Model) Dataset(name string) (out zfs.Dataset, err error) {
	err = m.call("Dataset", []string{name}, false, func() error {
		d, err := m.lookup(name)
		if err != nil {
			return fmt.Errorf("dataset %s: %w", name, zfs.ErrNotFound)
		}
		out = zfs.Dataset{Name: name, Filesystem: !d.volume}
		if !d.volume {
			out.Mounted, out.MountedAt = d.mountedAt != "", d.mountedAt
			out.Mountpoint = m.prop(d, "mountpoint")
		}
		return nil
	}, nil)
	return out, err
}

// Snapshots lists fs's snapshots, oldest first, with their clones.
func (m *Model) Snapshots(fs string) (out []zfs.Snapshot, err error) {
	err = m.call("Snapshots", []string{fs}, false, func() error {
		d, err := m.lookup(fs)
		if err != nil {
			return err
		}
		for _, s := range d.snaps {
			out = append(out, zfs.Snapshot{Name: s.full(), CreateTxg: s.txg, Clones: m.clonesOf(s)})
		}
		return nil
	}, nil)
	return out, err
}

// Bookmarks lists fs's bookmarks, oldest first.
func (m *Model) Bookmarks(fs string) (out []zfs.Snapshot, err error) {
	err = m.call("Bookmarks", []string{fs}, false, func() error {
		d, err := m.lookup(fs)
		if err != nil {
			return err
		}
		for _, b := range d.marks {
			out = append(out, zfs.Snapshot{Name: b.full(), CreateTxg: b.txg})
		}
		return nil
	}, nil)
	return out, err
}

// Children lists fs's child filesystems and volumes, sorted.
func (m *Model) Children(fs string) (out []string, err error) {
	err = m.call("Children", []string{fs}, false, func() error {
		if _, err := m.lookup(fs); err != nil {
			return err
		}
		out = m.children(fs)
		return nil
	}, nil)
	return out, err
}

// Written is written@snap of fs: the bytes of fs's head that the snapshot
// does not hold. snap is the part after the @ of one of fs's snapshots, or,
// for a clone, the full name of a snapshot of its origin's lineage.
func (m *Model) Written(fs, snap string) (n uint64, err error) {
	err = m.call("Written", []string{fs, snap}, false, func() error {
		d, err := m.lookup(fs)
		if err != nil {
			return err
		}
		full := snap
		if !strings.Contains(snap, "@") {
			full = zfs.SnapshotName(fs, snap)
		}
		s, err := m.findSnapshot(full)
		if err != nil {
			return fmt.Errorf("cannot get written@%s of %s: %w", snap, fs, err)
		}
		if !m.earlier(s, d) {
			return fmt.Errorf("cannot get written@%s of %s: not an earlier snapshot from the same fs", snap, fs)
		}
		n = d.data.minus(s.data)
		return nil
	}, nil)
	return n, err
}

// earlier reports whether s is a snapshot of d, or of d's origin lineage no
// newer than the point d branched from.
func (m *Model) earlier(s *snapshot, d *dataset) bool {
	if s.fs == d {
		return true
	}
	for o := d.origin; o != nil; o = o.fs.origin {
		if s.fs == o.fs && s.txg <= o.txg {
			return true
		}
	}
	return false
}

// Info reads a filesystem's origin, space, createtxg, readonly and canmount.
func (m *Model) Info(name string) (out zfs.Info, err error) {
	err = m.call("Info", []string{name}, false, func() error {
		d, err := m.filesystem(name)
		if err != nil {
			return err
		}
		out = zfs.Info{Used: m.used(d), Referenced: d.data.bytes(), CreateTxg: d.txg,
			ReadOnly: m.prop(d, "readonly") == "on", CanMount: m.prop(d, "canmount"), Audit: d.props[zfs.AuditProp]}
		if d.origin != nil {
			out.Origin = d.origin.full()
		}
		return nil
	}, nil)
	return out, err
}

// LocalProps returns the properties set on a filesystem itself that a clone
// can take (not the set-once and encryption ones).
func (m *Model) LocalProps(name string) (out map[string]string, err error) {
	err = m.call("LocalProps", []string{name}, false, func() error {
		d, err := m.filesystem(name)
		if err != nil {
			return err
		}
		out = localProps(d)
		return nil
	}, nil)
	return out, err
}

// Datasets lists every filesystem and volume of pool, parents first, children
// in name order, with the properties the layout checks read.
func (m *Model) Datasets(pool string) (out []zfs.Props, err error) {
	err = m.call("Datasets", []string{pool}, false, func() error {
		if _, err := m.lookup(pool); err != nil {
			return err
		}
		var walk func(string)
		walk = func(n string) { // each dataset, then its children: as the binding walks
			out = append(out, m.props(m.ds[n]))
			for _, c := range m.children(n) {
				walk(c)
			}
		}
		walk(pool)
		return nil
	}, nil)
	return out, err
}

func (m *Model) props(d *dataset) zfs.Props {
	p := zfs.Props{Name: d.name, Volume: d.volume, Compression: m.prop(d, "compression"),
		Reservation: m.size(d, "reservation"), RefReservation: m.size(d, "refreservation")}
	if d.volume {
		p.Volsize = m.size(d, "volsize")
	} else {
		p.Atime, p.Mountpoint = m.prop(d, "atime"), m.prop(d, "mountpoint")
	}
	return p
}

// Diff writes what SetDiff gave for fs, one line each, as `zfs diff -H -F
// fs@snap` prints it. As with libzfs, fs must be a mounted filesystem, the
// snapshot must exist, and the pool must be writable (the diff takes a
// temporary snapshot).
func (m *Model) Diff(fs, snap string, w io.Writer) error {
	var lines []string
	return m.call("Diff", []string{fs, snap}, false, func() error {
		d, err := m.filesystem(fs)
		if err != nil {
			return err
		}
		from := snap
		if !strings.Contains(snap, "@") {
			from = zfs.SnapshotName(fs, snap)
		}
		s, err := m.findSnapshot(from)
		if err != nil {
			return err
		}
		if !m.earlier(s, d) {
			return fmt.Errorf("cannot diff %s: %s is not an earlier snapshot from the same fs", fs, from)
		}
		switch {
		case s.fs != d && s.fs.mountedAt == "":
			// libzfs finds the origin's paths through its mount too
			// (lib/libzfs/libzfs_diff.c, di_get_mountpoints).
			return fmt.Errorf("cannot diff %s: the origin %s is not mounted", fs, s.fs.name)
		case d.mountedAt == "":
			return fmt.Errorf("cannot diff %s: the filesystem is not mounted", fs)
		case m.pools[zfs.PoolOf(fs)].ReadOnly:
			return fmt.Errorf("cannot diff %s: the pool is read-only", fs)
		}
		lines = append(lines, d.diff...)
		return nil
	}, func() error {
		for _, l := range lines {
			if _, err := io.WriteString(w, l+"\n"); err != nil {
				return fmt.Errorf("diff of %s: writing the output: %w", fs, err)
			}
		}
		return nil
	})
}
