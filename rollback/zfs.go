package rollback

// ZFS is the part of libzfs that a rollback needs. The real implementation is
// rollback/libzfs (cgo); tests use an in-memory fake. Names are full ZFS names:
// "pool/fs", "pool/fs@snap", "pool/fs#bookmark".
type ZFS interface {
	// PoolImported reports whether the pool is imported.
	PoolImported(pool string) (bool, error)
	// Dataset describes a dataset; ErrNotFound (wrapped) when it does not exist.
	Dataset(name string) (Dataset, error)
	// Snapshots lists the dataset's snapshots, oldest first.
	Snapshots(fs string) ([]Snapshot, error)
	// Bookmarks lists the dataset's bookmarks.
	Bookmarks(fs string) ([]Snapshot, error)
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

// Dataset is what a rollback must know about the dataset before touching it.
type Dataset struct {
	Name       string
	Filesystem bool   // false for volumes and snapshots
	Mounted    bool   // mounted anywhere in this mount namespace
	MountedAt  string // where, when Mounted
	Mountpoint string // the mountpoint property ("legacy", "none", or a path)
}

// Snapshot is a snapshot or a bookmark of the dataset.
type Snapshot struct {
	Name      string // full name, with @ or #
	CreateTxg uint64
	Clones    []string // datasets cloned from this snapshot (empty for bookmarks)
}
