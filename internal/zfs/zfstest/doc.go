// Package zfstest is an in-memory model of ZFS pools for the tests of every
// package that talks to ZFS through a small interface (rollback, keep, check,
// rootdiff, audit). One *Model satisfies all of those interfaces, with the
// semantics and error behaviour of the cgo binding in internal/zfs/libzfs,
// so that a test exercises the code under test against what ZFS would do,
// not against what a hand-written fake happens to allow.
//
// What the model follows, because blankslate relies on it:
//   - Every change takes the next pool-wide transaction group (txg):
//     createtxg orders datasets, snapshots and bookmarks as in ZFS.
//   - Data is a set of written blocks. A snapshot holds the blocks of its
//     dataset when it was taken; written@snap is what the head holds that the
//     snapshot does not; a rollback gives the head the snapshot's blocks back.
//   - RollbackTo refuses (EEXIST) unless the snapshot is the latest and no
//     bookmark is newer, and fails with ESRCH when it is missing, like
//     lzc_rollback_to.
//   - DestroySnapshots is one atomic batch: every snapshot of it goes, or
//     none; a cloned snapshot stops the whole batch; missing ones are ignored.
//   - Rename carries snapshots, bookmarks and descendants along; Clone gives
//     the target its origin; Promote moves the origin's snapshots up to and
//     including the origin snapshot to the clone, and the former parent
//     becomes a clone of the moved snapshot, as zfs promote does.
//   - Destroy removes one filesystem and refuses one with snapshots (and so
//     with clones depending on it), children, or a mount.
//   - Only Dataset wraps zfs.ErrNotFound, as the binding does; other calls
//     on a missing dataset fail with libzfs's text, which callers must not
//     mistake for "missing".
//
// Tests set the scene with the Add…, Write, Mount, Set and Purge helpers,
// which are not journaled, make calls fail with Inject or Fail, and assert
// what the code under test changed with Journal.
package zfstest
