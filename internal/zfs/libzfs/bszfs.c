#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libzfs.h>
#include <libzfs_core.h>
#include <libnvpair.h>

#include "bszfs_shield.h"
#include "bszfs.h"
#include "bszfs_open.h"

static bs_item_t *push(bs_list_t *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		bs_item_t *p = realloc(l->items, cap * sizeof (*p));
		if (p == NULL) {
			l->oom = 1;
			return NULL;
		}
		l->items = p;
		l->cap = cap;
	}
	bs_item_t *it = &l->items[l->n++];
	memset(it, 0, sizeof (*it));
	return it;
}

libzfs_handle_t *bs_init(void)
{
	BS_SHIELD();
	return libzfs_init();
}

void bs_fini(libzfs_handle_t *h)
{
	BS_SHIELD();
	libzfs_fini(h);
}

const char *bs_init_error(int err)
{
	BS_SHIELD();
	return libzfs_error_init(err);
}

void bs_list_free(bs_list_t *l)
{
	BS_SHIELD();
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void bs_error(libzfs_handle_t *h, char *buf, size_t len)
{
	BS_SHIELD();
	snprintf(buf, len, "%s: %s (libzfs error %d)", libzfs_error_action(h),
	    libzfs_error_description(h), libzfs_errno(h));
}

int bs_pool_imported(libzfs_handle_t *h, const char *pool, int *imported)
{
	BS_SHIELD();
	zpool_handle_t *zp = zpool_open_canfail(h, pool);
	*imported = zp != NULL;
	if (zp != NULL)
		zpool_close(zp);
	return 0;
}

int bs_dataset(libzfs_handle_t *h, bs_open_t *o, const char *name, bs_dataset_t *out)
{
	BS_SHIELD();
	memset(out, 0, sizeof (*out));
	zfs_handle_t *zh = bs_get(h, o, name, ZFS_TYPE_FILESYSTEM | ZFS_TYPE_VOLUME);
	if (zh == NULL)
		/* Missing is an answer, not a failure; any other error is one. */
		return libzfs_errno(h) == EZFS_NOENT ? ENOENT : -1;
	out->is_filesystem = zfs_get_type(zh) == ZFS_TYPE_FILESYSTEM;
	if (out->is_filesystem) {
		char *where = NULL;
		out->mounted = zfs_is_mounted(zh, &where);
		if (where != NULL) {
			snprintf(out->mounted_at, sizeof (out->mounted_at), "%s", where);
			free(where);
		}
		if (zfs_prop_get(zh, ZFS_PROP_MOUNTPOINT, out->mountpoint,
		    sizeof (out->mountpoint), NULL, NULL, 0, B_FALSE) != 0)
			out->mountpoint[0] = '\0';
	}
	return 0;
}

static int collect(zfs_handle_t *zh, void *arg)
{
	bs_list_t *l = arg;
	bs_item_t *it = push(l);
	if (it != NULL) {
		snprintf(it->name, sizeof (it->name), "%s", zfs_get_name(zh));
		it->createtxg = zfs_prop_get_int(zh, ZFS_PROP_CREATETXG);
		if (zfs_get_type(zh) == ZFS_TYPE_SNAPSHOT) {
			it->numclones = zfs_prop_get_int(zh, ZFS_PROP_NUMCLONES);
			if (it->numclones > 0 && zfs_prop_get(zh, ZFS_PROP_CLONES,
			    it->clones, sizeof (it->clones), NULL, NULL, 0, B_FALSE) != 0)
				it->clones[0] = '\0';
		}
	}
	zfs_close(zh);
	return l->oom ? ENOMEM : 0;
}

/* iterate runs one of the iterators below over fs. */
static int iterate(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out, int what)
{
	memset(out, 0, sizeof (*out));
	zfs_handle_t *zh = bs_get(h, o, fs, ZFS_TYPE_FILESYSTEM | ZFS_TYPE_VOLUME);
	if (zh == NULL)
		return -1;
	int rc;
	switch (what) {
	case 0: /* sorted by createtxg; 0, 0 = no txg bounds */
		rc = zfs_iter_snapshots_sorted(zh, collect, out, 0, 0);
		break;
	case 1:
		rc = zfs_iter_bookmarks(zh, collect, out);
		break;
	default:
		rc = zfs_iter_filesystems(zh, collect, out);
		break;
	}
	if (out->oom)
		return ENOMEM;
	return rc == 0 ? 0 : -1;
}

int bs_snapshots(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out)
{
	BS_SHIELD();
	return iterate(h, o, fs, out, 0);
}

int bs_bookmarks(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out)
{
	BS_SHIELD();
	return iterate(h, o, fs, out, 1);
}

int bs_children(libzfs_handle_t *h, bs_open_t *o, const char *fs, bs_list_t *out)
{
	BS_SHIELD();
	return iterate(h, o, fs, out, 2);
}

int bs_written(libzfs_handle_t *h, bs_open_t *o, const char *fs, const char *snap, uint64_t *out)
{
	BS_SHIELD();
	char prop[BS_NAME_MAX + 16];
	zfs_handle_t *zh = bs_get(h, o, fs, ZFS_TYPE_FILESYSTEM | ZFS_TYPE_VOLUME);
	if (zh == NULL)
		return -1;
	/* zfs_prop_get_written_int takes the property's name, "written@<snap>". */
	snprintf(prop, sizeof (prop), "written@%s", snap);
	int rc = zfs_prop_get_written_int(zh, prop, out);
	return rc == 0 ? 0 : -1;
}

static nvlist_t *name_set(const char **names, size_t n)
{
	nvlist_t *nvl = fnvlist_alloc();
	for (size_t i = 0; i < n; i++)
		fnvlist_add_boolean(nvl, names[i]);
	return nvl;
}

int bs_destroy_snaps(libzfs_handle_t *h, const char **names, size_t n)
{
	BS_SHIELD();
	nvlist_t *nvl = name_set(names, n);
	/* One lzc_destroy_snaps ioctl: all of them or none. defer=B_FALSE. */
	int rc = zfs_destroy_snaps_nvl(h, nvl, B_FALSE);
	fnvlist_free(nvl);
	return rc == 0 ? 0 : -1;
}

int bs_destroy_bookmarks(const char **names, size_t n)
{
	BS_SHIELD();
	nvlist_t *nvl = name_set(names, n);
	nvlist_t *errs = NULL;
	int rc = lzc_destroy_bookmarks(nvl, &errs);
	fnvlist_free(nvl);
	if (errs != NULL)
		fnvlist_free(errs);
	return rc;
}

int bs_rollback_to(const char *fs, const char *snapfull)
{
	BS_SHIELD();
	/* Atomic; EEXIST when snapfull is not the latest snapshot, ESRCH when missing. */
	return lzc_rollback_to(fs, snapfull);
}
