package zfs

import "errors"

// ErrNotFound is wrapped by implementations when a dataset or snapshot is missing.
var ErrNotFound = errors.New("does not exist")

// Dataset is what must be known about a dataset before anything touches it.
type Dataset struct {
	Name       string
	Filesystem bool   // false for volumes and snapshots
	Mounted    bool   // mounted anywhere in this mount namespace
	MountedAt  string // where, when Mounted
	Mountpoint string // the mountpoint property ("legacy", "none", or a path)
}

// Snapshot is a snapshot or a bookmark of a dataset.
type Snapshot struct {
	Name      string // full name, with @ or #
	CreateTxg uint64
	Clones    []string // datasets cloned from this snapshot (empty for bookmarks)
}

// Info is what keeping previous roots reads of one filesystem.
type Info struct {
	Origin     string // the snapshot it was cloned from, "" when not a clone
	Used       uint64 // bytes only it holds
	Referenced uint64 // bytes it refers to
	ReadOnly   bool
	CanMount   string // on, off, noauto
	CreateTxg  uint64
	// Audit is the user property blankslate:audit: "pending" on a root set
	// aside whose listing has not been written yet; "" when not set.
	Audit string
}

// AuditProp is the user property that marks a root set aside for the listing
// after boot (keep.AuditPending).
const AuditProp = "blankslate:audit"

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
