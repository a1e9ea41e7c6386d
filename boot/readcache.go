package boot

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/blankslate/blankslate/internal/zfs"
)

// readCache answers a read of the pool that was already made since the last
// write from memory. The rollback step's parts (repair, record, return, set
// aside, keep, rollback) each check what they need for themselves, so a boot
// read the root dataset, its snapshots and written@start several times over;
// each read is an ioctl and an nvlist to decode, costly under emulation
// (docs/performance.md, "Reads of the pool").
//
// Any write forgets everything, whether it succeeded or not (a call that
// fails may still have taken effect), so a read after a write always reaches
// the pool. Only this run writes while it holds the boot lock; nothing else in
// the initrd renames, clones or rolls back the root. Every method is written
// out, none embedded: a method added to ZFS fails to compile here until it is
// said whether it reads or writes.
type readCache struct {
	z    ZFS
	mu   sync.Mutex
	seen map[string]answer
}

var _ ZFS = (*readCache)(nil)

func newReadCache(z ZFS) *readCache {
	return &readCache{z: z, seen: map[string]answer{}}
}

// answer is what the pool said to one read.
type answer struct {
	v   any
	err error
}

// cached returns the answer to the read named by key, asking read only when
// it is not remembered. A value and "not found" are remembered; any other
// failure is not, so that the next read asks again.
func cached[T any](c *readCache, key []string, read func() (T, error)) (T, error) {
	k := strings.Join(key, "\x00")
	c.mu.Lock()
	a, ok := c.seen[k]
	c.mu.Unlock()
	if ok {
		return a.v.(T), a.err
	}
	got, err := read()
	if err == nil || errors.Is(err, zfs.ErrNotFound) {
		c.mu.Lock()
		c.seen[k] = answer{got, err}
		c.mu.Unlock()
	}
	return got, err
}

// wrote forgets every answer; it runs after each write, failed or not.
func (c *readCache) wrote() {
	c.mu.Lock()
	clear(c.seen)
	c.mu.Unlock()
}

func (c *readCache) PoolImported(pool string) (bool, error) {
	return cached(c, []string{"PoolImported", pool}, func() (bool, error) { return c.z.PoolImported(pool) })
}

func (c *readCache) Dataset(name string) (zfs.Dataset, error) {
	return cached(c, []string{"Dataset", name}, func() (zfs.Dataset, error) { return c.z.Dataset(name) })
}

// The lists are copied out, so that a caller that sorts or appends to one
// does not change what the next caller is given.

func (c *readCache) Snapshots(fs string) ([]zfs.Snapshot, error) {
	s, err := cached(c, []string{"Snapshots", fs}, func() ([]zfs.Snapshot, error) { return c.z.Snapshots(fs) })
	return slices.Clone(s), err
}

func (c *readCache) Bookmarks(fs string) ([]zfs.Snapshot, error) {
	s, err := cached(c, []string{"Bookmarks", fs}, func() ([]zfs.Snapshot, error) { return c.z.Bookmarks(fs) })
	return slices.Clone(s), err
}

func (c *readCache) Children(fs string) ([]string, error) {
	s, err := cached(c, []string{"Children", fs}, func() ([]string, error) { return c.z.Children(fs) })
	return slices.Clone(s), err
}

func (c *readCache) Written(fs, snap string) (uint64, error) {
	return cached(c, []string{"Written", fs, snap}, func() (uint64, error) { return c.z.Written(fs, snap) })
}

func (c *readCache) Info(name string) (zfs.Info, error) {
	return cached(c, []string{"Info", name}, func() (zfs.Info, error) { return c.z.Info(name) })
}

func (c *readCache) LocalProps(name string) (map[string]string, error) {
	m, err := cached(c, []string{"LocalProps", name}, func() (map[string]string, error) { return c.z.LocalProps(name) })
	return maps.Clone(m), err
}

func (c *readCache) DestroySnapshots(names []string) error {
	defer c.wrote()
	return c.z.DestroySnapshots(names)
}

func (c *readCache) DestroyBookmarks(names []string) error {
	defer c.wrote()
	return c.z.DestroyBookmarks(names)
}

func (c *readCache) RollbackTo(fs, snap string) error {
	defer c.wrote()
	return c.z.RollbackTo(fs, snap)
}

func (c *readCache) Rename(from, to string) error {
	defer c.wrote()
	return c.z.Rename(from, to)
}

func (c *readCache) Clone(snap, target string, props map[string]string) error {
	defer c.wrote()
	return c.z.Clone(snap, target, props)
}

func (c *readCache) Promote(name string) error {
	defer c.wrote()
	return c.z.Promote(name)
}

func (c *readCache) SetProp(name, prop, value string) error {
	defer c.wrote()
	return c.z.SetProp(name, prop, value)
}

func (c *readCache) SetProps(name string, props map[string]string) error {
	defer c.wrote()
	return c.z.SetProps(name, props)
}

func (c *readCache) CreateFS(name string, props map[string]string) error {
	defer c.wrote()
	return c.z.CreateFS(name, props)
}

func (c *readCache) Snapshot(fs, snap string) error {
	defer c.wrote()
	return c.z.Snapshot(fs, snap)
}

func (c *readCache) Destroy(name string) error {
	defer c.wrote()
	return c.z.Destroy(name)
}
