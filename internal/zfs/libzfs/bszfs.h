/*
 * bszfs: the few libzfs calls blankslate needs, with results collected into plain C
 * structs so that no Go callback crosses the cgo boundary. Only functions whose
 * signatures are the same in OpenZFS 2.2 and 2.3 are used (see
 * docs/libzfs-abi.md: include/libzfs.h of zfs-2.2.0 and zfs-2.3.2).
 */
#ifndef BSZFS_H
#define BSZFS_H

#include <stddef.h>
#include <stdint.h>

typedef struct libzfs_handle libzfs_handle_t;
typedef struct bs_open bs_open_t; /* bszfs_open.h */

#define BS_NAME_MAX 256   /* ZFS_MAX_DATASET_NAME_LEN */
#define BS_CLONES_MAX 1024

typedef struct bs_item {
	char name[BS_NAME_MAX];
	uint64_t createtxg;
	uint64_t numclones;
	char clones[BS_CLONES_MAX]; /* comma-separated, possibly truncated */
} bs_item_t;

typedef struct bs_list {
	bs_item_t *items;
	size_t n, cap;
	int oom;
} bs_list_t;

typedef struct bs_dataset {
	int is_filesystem;
	int mounted;
	char mounted_at[4096];
	char mountpoint[4096];
} bs_dataset_t;

/*
 * Every function here, in bszfs_clone.h, bszfs_pool.h and bs_forget in
 * bszfs_open.h blocks signals on its thread while it runs (bszfs_shield.h).
 * bs_init, bs_fini and bs_init_error are libzfs_init, libzfs_fini and
 * libzfs_error_init so shielded; errno is as libzfs_init left it.
 */
libzfs_handle_t *bs_init(void);
void bs_fini(libzfs_handle_t *h);
const char *bs_init_error(int err);

/* All functions return 0 or an errno-style value; -1 means "see the handle's error". */
int bs_pool_imported(libzfs_handle_t *h, const char *pool, int *imported);
/*
 * The reads take their dataset from o (bszfs_open.h) and leave it open there.
 * bs_dataset returns ENOENT when name does not exist.
 */
int bs_dataset(libzfs_handle_t *h, bs_open_t *o, const char *name, bs_dataset_t *out);
int bs_snapshots(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out);
int bs_bookmarks(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out);
int bs_children(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out);
int bs_written(libzfs_handle_t *h, bs_open_t *o, const char *fs, const char *snap, uint64_t *out);
int bs_destroy_snaps(libzfs_handle_t *h, const char **names, size_t n);
int bs_destroy_bookmarks(const char **names, size_t n);
int bs_rollback_to(const char *fs, const char *snapfull);
void bs_list_free(bs_list_t *l);
/* bs_error formats the handle's last error: action, description, libzfs errno. */
void bs_error(libzfs_handle_t *h, char *buf, size_t len);

#endif
