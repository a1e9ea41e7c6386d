package check

import "github.com/blankslate/blankslate/rollback"

// ZFS is what the checks read from ZFS. It has no method that changes anything,
// so that a check cannot write even by mistake; rollback/libzfs implements it.
type ZFS interface {
	// Pool describes a pool; Pool.Imported is false, with no error, when it is
	// not imported.
	Pool(name string) (Pool, error)
	// Dataset describes a dataset; rollback.ErrNotFound (wrapped) when missing.
	Dataset(name string) (rollback.Dataset, error)
	// Snapshots lists the dataset's snapshots, oldest first, with their clones.
	Snapshots(fs string) ([]rollback.Snapshot, error)
	// Children lists the dataset's child filesystems and volumes.
	Children(fs string) ([]string, error)
	// Written is written@snap of fs: what a rollback to fs@snap discards.
	Written(fs, snap string) (uint64, error)
	// Datasets lists every filesystem and volume of the pool, parents first.
	Datasets(pool string) ([]Props, error)
}

// Pool is the state of a pool.
type Pool struct {
	Name     string
	Imported bool
	Health   string // the health property: ONLINE, DEGRADED, FAULTED, SUSPENDED …
	Status   string // zpool status's verdict as a stable name: "ok", "offline-device" …
	MsgID    string // its message ID, ZFS-8000-xx, or ""
	Size     uint64 // the size property, in bytes
	ReadOnly bool
}

// Props are the properties of one dataset that the layout checks read.
type Props struct {
	Name           string
	Volume         bool
	Compression    string // literal value, e.g. "lz4"
	Atime          string // "on" or "off"; "" for a volume
	Mountpoint     string // a path, "legacy" or "none"; "" for a volume
	Reservation    uint64
	RefReservation uint64
	Volsize        uint64 // 0 for a filesystem
}
