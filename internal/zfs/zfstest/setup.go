package zfstest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The setup helpers set the scene. They follow the same rules as the calls
// (a snapshot needs its dataset, a clone its snapshot …), are not journaled,
// ignore faults, and stop the test when asked for something ZFS would refuse.

// AddPool adds an imported, healthy pool of size bytes with its root dataset.
func (m *Model) AddPool(name string, size uint64) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.pools[name]; ok || validName(name) != nil || zfs.Parent(name) != "" {
		m.fatal(fmt.Errorf("cannot create pool '%s'", name))
	}
	m.pools[name] = &zfs.Pool{Name: name, Imported: true, Health: "ONLINE", Status: "ok", Size: size}
	m.ds[name] = &dataset{name: name, txg: m.nextTxg(), props: map[string]string{}}
}

// Export makes a pool not imported: its datasets are not found until Import.
func (m *Model) Export(pool string) { m.editPool(pool, func(p *zfs.Pool) { p.Imported = false }) }

// Import imports an exported pool again.
func (m *Model) Import(pool string) { m.editPool(pool, func(p *zfs.Pool) { p.Imported = true }) }

// SetPoolHealth sets what zpool status says of a pool: the health property,
// the status verdict ("ok", "offline-device" …) and its message ID.
func (m *Model) SetPoolHealth(pool, health, status, msgID string) {
	m.editPool(pool, func(p *zfs.Pool) { p.Health, p.Status, p.MsgID = health, status, msgID })
}

// SetPoolReadOnly imports a pool read-only, or read-write again.
func (m *Model) SetPoolReadOnly(pool string, readOnly bool) {
	m.editPool(pool, func(p *zfs.Pool) { p.ReadOnly = readOnly })
}

func (m *Model) editPool(pool string, edit func(*zfs.Pool)) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pools[pool]
	if !ok {
		m.fatal(fmt.Errorf("no pool '%s'", pool))
	}
	edit(p)
}

// AddFS creates a filesystem with props, and its missing parents, as
// `zfs create -p` does.
func (m *Model) AddFS(name string, props map[string]string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fatal(m.createParents(zfs.Parent(name)))
	_, err := m.create(name, false, props)
	m.fatal(err)
}

func (m *Model) createParents(name string) error {
	if name == "" {
		return nil
	}
	if _, ok := m.ds[name]; ok || zfs.Parent(name) == "" {
		return nil // the pool's root exists or lookup reports the missing pool
	}
	if err := m.createParents(zfs.Parent(name)); err != nil {
		return err
	}
	_, err := m.create(name, false, nil)
	return err
}

// AddVolume creates a volume of volsize bytes with props. Like zfs create -V
// without -s, it sets refreservation to the volume's size unless props does.
func (m *Model) AddVolume(name string, volsize uint64, props map[string]string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	all := map[string]string{"volsize": strconv.FormatUint(volsize, 10), "refreservation": strconv.FormatUint(volsize, 10)}
	for k, v := range props {
		all[k] = v
	}
	_, err := m.create(name, true, all)
	m.fatal(err)
}

// AddSnapshot snapshots fs as fs@snap in the next txg, which it returns.
func (m *Model) AddSnapshot(fs, snap string) uint64 {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.lookup(fs)
	m.fatal(err)
	for _, s := range d.snaps {
		if s.name == snap {
			m.fatal(fmt.Errorf("cannot create snapshot '%s': dataset already exists", s.full()))
		}
	}
	s := &snapshot{fs: d, name: snap, txg: m.nextTxg(), data: d.data.copy()}
	d.snaps = append(d.snaps, s)
	return s.txg
}

// AddBookmark bookmarks the snapshot snap (pool/fs@s) as pool/fs#mark, with
// the snapshot's createtxg.
func (m *Model) AddBookmark(snap, mark string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.findSnapshot(snap)
	m.fatal(err)
	for _, b := range s.fs.marks {
		if b.name == mark {
			m.fatal(fmt.Errorf("cannot create bookmark '%s': it exists", b.full()))
		}
	}
	b := &bookmark{fs: s.fs, name: mark, txg: s.txg}
	i := len(s.fs.marks)
	for i > 0 && s.fs.marks[i-1].txg > b.txg {
		i--
	}
	s.fs.marks = append(s.fs.marks[:i], append([]*bookmark{b}, s.fs.marks[i:]...)...)
}

// AddClone clones snap as target with props.
func (m *Model) AddClone(snap, target string, props map[string]string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fatal(m.clone(snap, target, props))
}

// Write writes bytes to the head of a filesystem or volume, in the next txg:
// written@ its snapshots grows, a rollback discards it.
func (m *Model) Write(fs string, bytes uint64) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.lookup(fs)
	m.fatal(err)
	d.data = append(d.data, block{id: m.nextTxg(), bytes: bytes})
}

// Mount marks a filesystem mounted at dir; Unmount marks it not mounted.
func (m *Model) Mount(fs, dir string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.filesystem(fs)
	m.fatal(err)
	d.mountedAt = dir
}

// Unmount marks a filesystem not mounted.
func (m *Model) Unmount(fs string) { m.Mount(fs, "") }

// Set sets a property of a filesystem or volume.
func (m *Model) Set(name, prop, value string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.lookup(name)
	m.fatal(err)
	lit, err := checkProp(prop, value, d.volume, false)
	m.fatal(err)
	d.props[prop] = lit
}

// SetDiff sets the lines that Diff prints for fs, as `zfs diff -H -F`
// prints them (the paths where fs is mounted). A rollback clears them.
func (m *Model) SetDiff(fs string, lines ...string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.lookup(fs)
	m.fatal(err)
	d.diff = append([]string(nil), lines...)
}

// Purge destroys a dataset, snapshot or bookmark with everything that
// depends on it, as `zfs destroy -R` does: descendants, snapshots and their
// clones.
func (m *Model) Purge(name string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if fs, mark, ok := strings.Cut(name, "#"); ok {
		d, err := m.lookup(fs)
		m.fatal(err)
		for _, b := range d.marks {
			if b.name == mark {
				d.marks = remove(d.marks, b)
				return
			}
		}
		m.fatal(fmt.Errorf("no bookmark '%s'", name))
	}
	if _, _, ok := zfs.SplitSnapshot(name); ok {
		s, err := m.findSnapshot(name)
		m.fatal(err)
		m.purgeSnapshot(s)
		return
	}
	if _, err := m.lookup(name); err != nil || zfs.Parent(name) == "" {
		m.fatal(fmt.Errorf("cannot purge '%s': no such dataset, or a pool's root", name))
	}
	m.purge(name)
}

func (m *Model) purgeSnapshot(s *snapshot) {
	for _, c := range m.clonesOf(s) {
		m.purge(c)
	}
	s.fs.snaps = remove(s.fs.snaps, s)
}

func (m *Model) purge(name string) {
	d, ok := m.ds[name]
	if !ok {
		return // went with an earlier clone
	}
	for _, c := range m.children(name) {
		m.purge(c)
	}
	for _, s := range d.snaps {
		for _, c := range m.clonesOf(s) {
			m.purge(c)
		}
	}
	delete(m.ds, name)
}
