package check

import "github.com/blankslate/blankslate/internal/zfs"

// ZFS is what the checks read from ZFS. It has no method that changes anything,
// so that a check cannot write even by mistake; internal/zfs/libzfs implements it.
type ZFS interface {
	// Pool describes a pool; Pool.Imported is false, with no error, when it is
	// not imported.
	Pool(name string) (zfs.Pool, error)
	// Dataset describes a dataset; zfs.ErrNotFound (wrapped) when missing.
	Dataset(name string) (zfs.Dataset, error)
	// Snapshots lists the dataset's snapshots, oldest first, with their clones.
	Snapshots(fs string) ([]zfs.Snapshot, error)
	// Children lists the dataset's child filesystems and volumes.
	Children(fs string) ([]string, error)
	// Written is written@snap of fs: what a rollback to fs@snap discards.
	Written(fs, snap string) (uint64, error)
	// Datasets lists every filesystem and volume of the pool, parents first.
	Datasets(pool string) ([]zfs.Props, error)
}
