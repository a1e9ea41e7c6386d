/*
 * bszfs_open: the datasets opened since the last write, kept open. Opening a
 * dataset (zfs_open) is one ZFS_IOC_OBJSET_STATS ioctl whose answer, some sixty
 * properties in an nvlist, the kernel packs and libzfs unpacks; under
 * emulation each costs 15-30 ms, and the rollback step reads the root dataset
 * five ways (docs/performance.md, "Reads of the pool"). A read that needs a
 * dataset takes it from here; the Go side forgets them all after any call that
 * is not a read, so that no answer outlives a write (internal/zfs/libzfs/libzfs.go).
 */
#ifndef BSZFS_OPEN_H
#define BSZFS_OPEN_H

#include <libzfs.h>

#include "bszfs.h"

#define BS_OPEN_MAX 16

typedef struct bs_open {
	size_t n;
	char names[BS_OPEN_MAX][BS_NAME_MAX];
	zfs_handle_t *zh[BS_OPEN_MAX];
} bs_open_t;

/*
 * bs_get returns name opened as one of types, from o if it was opened since
 * the last bs_forget, else with zfs_open (kept in o; NULL and the handle's
 * error when it cannot be opened). The caller does not close it.
 */
zfs_handle_t *bs_get(libzfs_handle_t *h, bs_open_t *o, const char *name, zfs_type_t types);

/* bs_forget closes every dataset o holds. */
void bs_forget(bs_open_t *o);

#endif
