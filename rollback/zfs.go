package rollback

import "github.com/blankslate/blankslate/internal/zfs"

// ZFS is the part of libzfs that a rollback needs. The real implementation is
// internal/zfs/libzfs (cgo); tests use the model pool of internal/zfs/zfstest.
// Names are full ZFS names: "pool/fs", "pool/fs@snap", "pool/fs#bookmark".
type ZFS interface {
	// PoolImported reports whether the pool is imported.
	PoolImported(pool string) (bool, error)
	// Dataset describes a dataset; zfs.ErrNotFound (wrapped) when it does not exist.
	Dataset(name string) (zfs.Dataset, error)
	// Snapshots lists the dataset's snapshots, oldest first.
	Snapshots(fs string) ([]zfs.Snapshot, error)
	// Bookmarks lists the dataset's bookmarks.
	Bookmarks(fs string) ([]zfs.Snapshot, error)
	// Children lists the dataset's child filesystems and volumes.
	Children(fs string) ([]string, error)
	// Written is the bytes referenced by fs that were written since fs@snap:
	// what a rollback to that snapshot discards.
	Written(fs, snap string) (uint64, error)
	// DestroySnapshots destroys all of names in one atomic batch, or none.
	DestroySnapshots(names []string) error
	// DestroyBookmarks destroys all of names.
	DestroyBookmarks(names []string) error
	// RollbackTo rolls fs back to fs@snap, which must be its latest snapshot.
	RollbackTo(fs, snap string) error
}
