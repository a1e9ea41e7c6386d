#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libzfs.h>

#include "bszfs_shield.h"
#include "bszfs_pool.h"

/* status_name gives each zpool_status_t a name that does not move when the enum does. */
static const char *status_name(zpool_status_t s)
{
	switch (s) {
	case ZPOOL_STATUS_OK: return "ok";
	case ZPOOL_STATUS_CORRUPT_CACHE: return "corrupt-cache";
	case ZPOOL_STATUS_MISSING_DEV_R: return "missing-device-redundant";
	case ZPOOL_STATUS_MISSING_DEV_NR: return "missing-device";
	case ZPOOL_STATUS_CORRUPT_LABEL_R: return "corrupt-label-redundant";
	case ZPOOL_STATUS_CORRUPT_LABEL_NR: return "corrupt-label";
	case ZPOOL_STATUS_BAD_GUID_SUM: return "bad-guid-sum";
	case ZPOOL_STATUS_CORRUPT_POOL: return "corrupt-pool";
	case ZPOOL_STATUS_CORRUPT_DATA: return "corrupt-data";
	case ZPOOL_STATUS_FAILING_DEV: return "failing-device";
	case ZPOOL_STATUS_VERSION_NEWER: return "version-newer";
	case ZPOOL_STATUS_HOSTID_MISMATCH: return "hostid-mismatch";
	case ZPOOL_STATUS_HOSTID_ACTIVE: return "hostid-active";
	case ZPOOL_STATUS_HOSTID_REQUIRED: return "hostid-required";
	case ZPOOL_STATUS_IO_FAILURE_WAIT: return "io-failure-wait";
	case ZPOOL_STATUS_IO_FAILURE_CONTINUE: return "io-failure-continue";
	case ZPOOL_STATUS_IO_FAILURE_MMP: return "io-failure-mmp";
	case ZPOOL_STATUS_BAD_LOG: return "bad-log";
	case ZPOOL_STATUS_ERRATA: return "errata";
	case ZPOOL_STATUS_UNSUP_FEAT_READ: return "unsupported-feature-read";
	case ZPOOL_STATUS_UNSUP_FEAT_WRITE: return "unsupported-feature-write";
	case ZPOOL_STATUS_FAULTED_DEV_R: return "faulted-device-redundant";
	case ZPOOL_STATUS_FAULTED_DEV_NR: return "faulted-device";
	case ZPOOL_STATUS_VERSION_OLDER: return "version-older";
	case ZPOOL_STATUS_FEAT_DISABLED: return "features-disabled";
	case ZPOOL_STATUS_RESILVERING: return "resilvering";
	case ZPOOL_STATUS_OFFLINE_DEV: return "offline-device";
	case ZPOOL_STATUS_REMOVED_DEV: return "removed-device";
	case ZPOOL_STATUS_REBUILDING: return "rebuilding";
	case ZPOOL_STATUS_REBUILD_SCRUB: return "rebuild-scrub";
	case ZPOOL_STATUS_NON_NATIVE_ASHIFT: return "non-native-ashift";
	case ZPOOL_STATUS_COMPATIBILITY_ERR: return "compatibility-error";
	case ZPOOL_STATUS_INCOMPATIBLE_FEAT: return "incompatible-feature";
	default: return "unknown";
	}
}

int bs_pool_info(libzfs_handle_t *h, const char *pool, bs_pool_t *out)
{
	BS_SHIELD();
	memset(out, 0, sizeof (*out));
	zpool_handle_t *zp = zpool_open_canfail(h, pool);
	if (zp == NULL)
		return 0;
	out->imported = 1;
	if (zpool_get_prop(zp, ZPOOL_PROP_HEALTH, out->health,
	    sizeof (out->health), NULL, B_TRUE) != 0)
		snprintf(out->health, sizeof (out->health), "UNKNOWN");
	const char *msgid = NULL;
	zpool_errata_t errata;
	snprintf(out->status, sizeof (out->status), "%s",
	    status_name(zpool_get_status(zp, &msgid, &errata)));
	if (msgid != NULL)
		snprintf(out->msgid, sizeof (out->msgid), "%s", msgid);
	out->size = zpool_get_prop_int(zp, ZPOOL_PROP_SIZE, NULL);
	out->readonly = zpool_get_prop_int(zp, ZPOOL_PROP_READONLY, NULL) != 0;
	zpool_close(zp);
	return 0;
}

static bs_props_t *push_props(bs_props_list_t *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		bs_props_t *p = realloc(l->items, cap * sizeof (*p));
		if (p == NULL) {
			l->oom = 1;
			return NULL;
		}
		l->items = p;
		l->cap = cap;
	}
	bs_props_t *it = &l->items[l->n++];
	memset(it, 0, sizeof (*it));
	return it;
}

void bs_props_list_free(bs_props_list_t *l)
{
	BS_SHIELD();
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

/* literal reads a property as `zfs get -p` prints it; "" when it does not apply. */
static void literal(zfs_handle_t *zh, zfs_prop_t p, char *buf, size_t len)
{
	if (zfs_prop_get(zh, p, buf, len, NULL, NULL, 0, B_TRUE) != 0)
		buf[0] = '\0';
}

static void read_props(zfs_handle_t *zh, bs_props_t *it)
{
	snprintf(it->name, sizeof (it->name), "%s", zfs_get_name(zh));
	it->is_volume = zfs_get_type(zh) == ZFS_TYPE_VOLUME;
	literal(zh, ZFS_PROP_COMPRESSION, it->compression, sizeof (it->compression));
	it->reservation = zfs_prop_get_int(zh, ZFS_PROP_RESERVATION);
	it->refreservation = zfs_prop_get_int(zh, ZFS_PROP_REFRESERVATION);
	if (it->is_volume) {
		it->volsize = zfs_prop_get_int(zh, ZFS_PROP_VOLSIZE);
	} else {
		literal(zh, ZFS_PROP_ATIME, it->atime, sizeof (it->atime));
		literal(zh, ZFS_PROP_MOUNTPOINT, it->mountpoint, sizeof (it->mountpoint));
	}
}

/* walk records zh, then its descendants, parents first; it closes zh. */
static int walk(zfs_handle_t *zh, void *arg)
{
	bs_props_list_t *l = arg;
	bs_props_t *it = push_props(l);
	int rc = 0;
	if (it != NULL) {
		read_props(zh, it);
		rc = zfs_iter_filesystems(zh, walk, l);
	}
	zfs_close(zh);
	return l->oom ? ENOMEM : rc;
}

int bs_pool_datasets(libzfs_handle_t *h, const char *pool, bs_props_list_t *out)
{
	BS_SHIELD();
	memset(out, 0, sizeof (*out));
	zfs_handle_t *zh = zfs_open(h, pool, ZFS_TYPE_FILESYSTEM);
	if (zh == NULL)
		return -1;
	int rc = walk(zh, out);
	if (out->oom)
		return ENOMEM;
	return rc == 0 ? 0 : -1;
}

int bs_show_diffs(libzfs_handle_t *h, const char *fs, const char *fromsnap, int outfd)
{
	BS_SHIELD();
	zfs_handle_t *zh = zfs_open(h, fs, ZFS_TYPE_FILESYSTEM);
	if (zh == NULL)
		return -1;
	/*
	 * A "from" snapshot of another dataset (fs's origin, when fs is a clone):
	 * fs is named as the "to" side, `zfs diff origin@snap fs`; with NULL,
	 * libzfs would diff the snapshot's own dataset instead
	 * (lib/libzfs/libzfs_diff.c, di_get_snapshot_names).
	 */
	size_t dslen = strcspn(fromsnap, "@");
	const char *to = (strlen(fs) == dslen && strncmp(fs, fromsnap, dslen) == 0) ? NULL : fs;
	/* -H: tab-separated, renames as "old<TAB>new"; -F: a file type column. */
	int rc = zfs_show_diffs(zh, outfd, fromsnap, to,
	    ZFS_DIFF_PARSEABLE | ZFS_DIFF_CLASSIFY);
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}
