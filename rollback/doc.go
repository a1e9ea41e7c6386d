// Package rollback returns a dataset to a snapshot with the semantics of
// `zfs rollback -r DATASET@SNAP`, over the ZFS interface, refusing whatever it cannot
// do safely.
//
// `zfs rollback -r` is a policy of the zfs command, not of libzfs
// (cmd/zfs/zfs_main.c, zfs_do_rollback): it destroys newer snapshots and bookmarks,
// but refuses when a newer snapshot has clones. libzfs's zfs_rollback() would destroy
// the clones too (that is -R), so this package never calls it; it checks first, then
// destroys the newer snapshots in one atomic batch, the newer bookmarks, and rolls
// back with the single lzc_rollback_to ioctl, which itself fails if a snapshot
// appeared in between.
//
// On top of -r it refuses a mounted dataset, a pool's root dataset and a dataset with
// children: in the initrd none of those is the blank root we were asked to reset.
package rollback
