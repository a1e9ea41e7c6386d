/*
 * bszfs_pool: the read-only libzfs calls of `blankslate check` and `blankslate
 * diff`, collected into plain C structs like bszfs.h does. Signatures used here
 * are the same in OpenZFS 2.2 and 2.3 (include/libzfs.h: zpool_get_prop,
 * zpool_get_prop_int, zpool_get_status, zfs_prop_get, zfs_prop_get_int,
 * zfs_iter_filesystems, zfs_show_diffs).
 */
#ifndef BSZFS_POOL_H
#define BSZFS_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "bszfs.h"

typedef struct bs_pool {
	int imported;
	char health[32];   /* the health property: ONLINE, DEGRADED, FAULTED … */
	char status[40];   /* zpool_get_status as a stable name, e.g. "ok" */
	char msgid[32];    /* ZFS-8000-xx, or "" */
	uint64_t size;     /* the size property, bytes */
	int readonly;
} bs_pool_t;

typedef struct bs_props {
	char name[BS_NAME_MAX];
	int is_volume;
	char compression[32];  /* literal value, e.g. "lz4" */
	char atime[16];        /* "on"/"off"; "" for volumes */
	char mountpoint[1024]; /* path, "legacy", "none"; "" for volumes */
	uint64_t reservation, refreservation, volsize;
} bs_props_t;

typedef struct bs_props_list {
	bs_props_t *items;
	size_t n, cap;
	int oom;
} bs_props_list_t;

/* As in bszfs.h: 0, an errno-style value, or -1 for "see the handle's error". */
int bs_pool_info(libzfs_handle_t *h, const char *pool, bs_pool_t *out);
int bs_pool_datasets(libzfs_handle_t *h, const char *pool, bs_props_list_t *out);
void bs_props_list_free(bs_props_list_t *l);

/*
 * bs_show_diffs writes `zfs diff -HF fromsnap fs` (against a just-in-time
 * snapshot of fs's head) to outfd; fromsnap is a snapshot of fs, or of its
 * origin when fs is a clone (then the origin must be mounted too). libzfs's writer thread fclose()s outfd when it
 * ran; the caller must find out whether it did (see diff.go).
 */
int bs_show_diffs(libzfs_handle_t *h, const char *fs, const char *fromsnap, int outfd);

#endif
