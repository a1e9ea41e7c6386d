package zfstest

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Model is a set of pools in memory. It is safe for concurrent use: a diff
// may be read in one goroutine while the test looks at the model in another.
type Model struct {
	t  testing.TB
	mu sync.Mutex

	txg     uint64 // the last transaction group, pool-wide
	pools   map[string]*zfs.Pool
	ds      map[string]*dataset // filesystems and volumes by full name
	faults  []*fault
	journal []string
	calls   []Call
}

// dataset is a filesystem or a volume.
type dataset struct {
	name      string
	volume    bool
	txg       uint64
	props     map[string]string // set on the dataset itself
	origin    *snapshot         // nil unless a clone
	snaps     []*snapshot       // oldest first
	marks     []*bookmark       // oldest first
	data      blocks            // the head
	mountedAt string            // "" when not mounted
	diff      []string          // what zfs diff prints for the head
}

type snapshot struct {
	fs   *dataset // owner; changes on promote
	name string   // after the @
	txg  uint64
	data blocks
}

func (s *snapshot) full() string { return zfs.SnapshotName(s.fs.name, s.name) }

type bookmark struct {
	fs   *dataset
	name string // after the #
	txg  uint64
}

func (b *bookmark) full() string { return b.fs.name + "#" + b.name }

// New returns a model without pools. Setup helpers that fail stop the test t.
func New(t testing.TB) *Model {
	return &Model{t: t, pools: map[string]*zfs.Pool{}, ds: map[string]*dataset{}}
}

func (m *Model) nextTxg() uint64 { m.txg++; return m.txg }

// fatal stops the test for a setup helper that could not do what it was
// asked: the scene the test describes does not exist.
func (m *Model) fatal(err error) {
	if err != nil {
		m.t.Helper()
		m.t.Fatalf("zfstest: %v", err)
	}
}

func noDataset(name string) error {
	return fmt.Errorf("cannot open '%s': dataset does not exist", name)
}

// lookup finds a filesystem or volume of an imported pool, as zfs_open does.
func (m *Model) lookup(name string) (*dataset, error) {
	d, ok := m.ds[name]
	if !ok || !m.pools[zfs.PoolOf(name)].Imported {
		return nil, noDataset(name)
	}
	return d, nil
}

// filesystem is lookup for the calls the binding opens with
// ZFS_TYPE_FILESYSTEM only.
func (m *Model) filesystem(name string) (*dataset, error) {
	d, err := m.lookup(name)
	if err == nil && d.volume {
		return nil, fmt.Errorf("cannot open '%s': operation not applicable to datasets of this type", name)
	}
	return d, err
}

// findSnapshot finds pool/fs@snap.
func (m *Model) findSnapshot(full string) (*snapshot, error) {
	fs, name, ok := zfs.SplitSnapshot(full)
	if !ok {
		return nil, fmt.Errorf("cannot open '%s': not a snapshot name", full)
	}
	d, err := m.lookup(fs)
	if err != nil {
		return nil, err
	}
	for _, s := range d.snaps {
		if s.name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("cannot open '%s': dataset does not exist", full)
}

// children lists the names of the datasets directly beneath name, sorted.
func (m *Model) children(name string) []string {
	var kids []string
	for n := range m.ds {
		if zfs.Parent(n) == name {
			kids = append(kids, n)
		}
	}
	sort.Strings(kids)
	return kids
}

// descendants lists name's descendants, sorted (parents before children).
func (m *Model) descendants(name string) []string {
	var out []string
	for n := range m.ds {
		if strings.HasPrefix(n, name+"/") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// clonesOf lists the datasets cloned from s, sorted.
func (m *Model) clonesOf(s *snapshot) []string {
	var out []string
	for n, d := range m.ds {
		if d.origin == s {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// mustParent checks that the parent of a dataset to be made exists and can
// hold it.
func (m *Model) mustParent(name string) error {
	parent := zfs.Parent(name)
	if parent == "" {
		return fmt.Errorf("cannot create '%s': a pool's root dataset is made with its pool", name)
	}
	p, err := m.lookup(parent)
	if err != nil {
		return fmt.Errorf("cannot create '%s': parent does not exist", name)
	}
	if p.volume {
		return fmt.Errorf("cannot create '%s': volumes cannot have children", name)
	}
	return nil
}

// validName refuses what ZFS refuses in a dataset name that matters here.
func validName(name string) error {
	if name == "" || strings.ContainsAny(name, "@# ") || strings.HasPrefix(name, "/") ||
		strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return fmt.Errorf("cannot create '%s': invalid dataset name", name)
	}
	return nil
}

// create makes a filesystem or volume; its parent must exist.
func (m *Model) create(name string, volume bool, props map[string]string) (*dataset, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	if _, err := m.lookup(name); err == nil {
		return nil, fmt.Errorf("cannot create '%s': dataset already exists", name)
	}
	if err := m.mustParent(name); err != nil {
		return nil, err
	}
	local, err := checkProps(props, volume, true)
	if err != nil {
		return nil, fmt.Errorf("cannot create '%s': %w", name, err)
	}
	d := &dataset{name: name, volume: volume, txg: m.nextTxg(), props: local}
	m.ds[name] = d
	return d, nil
}
