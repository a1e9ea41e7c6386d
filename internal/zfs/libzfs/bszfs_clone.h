/*
 * bszfs_clone: the libzfs calls that keep previous roots (package keep): rename, clone,
 * promote, destroy one dataset, set a property, create the container, read a
 * dataset's origin, space, createtxg and locally set properties.
 *
 * Signatures checked against include/libzfs.h of OpenZFS zfs-2.2.0 and zfs-2.3.2
 * (Debian's libzfslinux-dev 2.3.2 here); only ones identical in both are used:
 *   int lzc_rename(const char *, const char *);  (libzfs_core.h)
 *   int zfs_clone(zfs_handle_t *, const char *, nvlist_t *);
 *   int zfs_promote(zfs_handle_t *);
 *   int zfs_destroy(zfs_handle_t *, boolean_t);
 *   int zfs_prop_set(zfs_handle_t *, const char *, const char *);
 *   int zfs_create(libzfs_handle_t *, const char *, zfs_type_t, nvlist_t *);
 *   nvlist_t *zfs_get_all_props(zfs_handle_t *);
 *   nvlist_t *zfs_get_user_props(zfs_handle_t *);
 *   int zfs_prop_set_list(zfs_handle_t *, nvlist_t *);
 *   int lzc_snapshot(nvlist_t *, nvlist_t *, nvlist_t **);  (libzfs_core.h)
 * None of them mounts anything: zfs_clone and zfs_create leave that to the
 * caller (cmd/zfs does it), and the rename is the kernel's alone, which neither
 * unmounts nor remounts.
 */
#ifndef BSZFS_CLONE_H
#define BSZFS_CLONE_H

#include <stddef.h>
#include <stdint.h>

#include "bszfs.h"

/* As in bszfs.h: 0, an errno-style value, or -1 for "see the handle's error". */
/* bs_rename returns lzc_rename's errno: 0, or why the kernel refused. */
int bs_rename(const char *from, const char *to);
/* kv holds n names and n values alternately: name0, value0, name1, value1 … */
int bs_clone(libzfs_handle_t *h, const char *snap, const char *target, const char **kv, size_t n);
int bs_promote(libzfs_handle_t *h, const char *name);
int bs_destroy_one(libzfs_handle_t *h, const char *name);
int bs_set_prop(libzfs_handle_t *h, const char *name, const char *prop, const char *value);
/*
 * bs_set_props sets n properties (kv as for bs_clone) in one ZFS_IOC_SET_PROP:
 * properties without special handling (readonly, canmount, user properties)
 * are applied together, in one transaction group.
 */
int bs_set_props(libzfs_handle_t *h, const char *name, const char **kv, size_t n);
int bs_create_fs(libzfs_handle_t *h, const char *name, const char **kv, size_t n);
/* One snapshot, fs@snap, in one lzc_snapshot ioctl; an errno on failure. */
int bs_snapshot(const char *snapfull);
typedef struct bs_keep_info {
	char origin[BS_NAME_MAX]; /* "" when not a clone */
	uint64_t used, referenced, createtxg;
	int readonly;
	char canmount[16];
	char audit[32]; /* the user property blankslate:audit, "" when not set */
} bs_keep_info_t;

int bs_keep_info(libzfs_handle_t *h, bs_open_t *o, const char *name, bs_keep_info_t *out);
/*
 * bs_local_props writes the locally set, settable properties of name into a
 * malloc'd buffer of NUL-terminated strings, name and value alternately; the
 * caller frees *out. Properties fixed at creation (zfs_prop_setonce) and the
 * encryption settings are left out: a clone takes them from its origin.
 */
int bs_local_props(libzfs_handle_t *h, bs_open_t *o, const char *name, char **out, size_t *outlen);

#endif
