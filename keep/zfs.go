package keep

import "github.com/blankslate/blankslate/internal/zfs"

// Reader is the read-only part of ZFS that listing kept roots needs (blankslate
// check uses it); internal/zfs/libzfs implements it.
type Reader interface {
	// Dataset describes a dataset; zfs.ErrNotFound (wrapped) when missing.
	Dataset(name string) (zfs.Dataset, error)
	// Snapshots lists a dataset's snapshots, oldest first.
	Snapshots(fs string) ([]zfs.Snapshot, error)
	// Children lists a dataset's child filesystems and volumes.
	Children(fs string) ([]string, error)
	// Info reads a filesystem's origin ("" when it is not a clone), space and
	// readonly/canmount properties.
	Info(name string) (zfs.Info, error)
	// LocalProps returns the properties set locally on name that a clone can
	// take, user properties among them (a kept root's order and hold).
	LocalProps(name string) (map[string]string, error)
}

// ZFS is what keeping and repairing need. Every method acts on one dataset.
type ZFS interface {
	Reader
	// Bookmarks lists a dataset's bookmarks.
	Bookmarks(fs string) ([]zfs.Snapshot, error)
	// Written is written@snap of fs.
	Written(fs, snap string) (uint64, error)
	// Rename renames a filesystem without mounting or unmounting anything.
	Rename(from, to string) error
	// Clone clones snap as target with props; nothing is mounted.
	Clone(snap, target string, props map[string]string) error
	// Promote promotes the clone name.
	Promote(name string) error
	// SetProp sets one property.
	SetProp(name, prop, value string) error
	// SetProps sets several properties in one call (one transaction group).
	SetProps(name string, props map[string]string) error
	// CreateFS creates a filesystem with props; nothing is mounted.
	CreateFS(name string, props map[string]string) error
	// Snapshot takes fs@snap (booting a kept root: a copy of its latest state).
	Snapshot(fs, snap string) error
	// DestroySnapshots destroys snapshots in one atomic batch (unused boot
	// snapshots of kept roots).
	DestroySnapshots(names []string) error
	// Destroy destroys one filesystem (no snapshots, no children), never recursively.
	Destroy(name string) error
}
