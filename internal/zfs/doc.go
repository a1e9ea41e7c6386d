// Package zfs holds what every part of blankslate that talks about ZFS shares:
// the descriptions of pools, datasets and snapshots that the binding returns,
// the not-found error, and helpers for ZFS names. It imports nothing of the
// project, and the cgo binding (package libzfs beneath it) imports nothing but
// it: each consumer (rollback, keep, check, rootdiff, audit) declares the small
// interface it needs in its own package, and cmd/blankslate wires the binding
// to them.
//
// Names are full ZFS names throughout: "pool/fs", "pool/fs@snap",
// "pool/fs#bookmark".
package zfs
