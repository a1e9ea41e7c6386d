#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libzfs.h>
#include <libzfs_core.h>
#include <libnvpair.h>

#include "bszfs_shield.h"
#include "bszfs_clone.h"
#include "bszfs_open.h"

static zfs_handle_t *open_fs(libzfs_handle_t *h, const char *name)
{
	return zfs_open(h, name, ZFS_TYPE_FILESYSTEM);
}

static nvlist_t *string_props(const char **kv, size_t n)
{
	nvlist_t *nvl = fnvlist_alloc();
	for (size_t i = 0; i + 1 < 2 * n; i += 2)
		fnvlist_add_string(nvl, kv[i], kv[i + 1]);
	return nvl;
}

/*
 * One ZFS_IOC_RENAME (lzc_rename), not libzfs's zfs_rename: that one, even told
 * not to unmount, first gathers every mounted descendant and dependent of the
 * dataset (four dataset opens, three listings and two reads of the mount table
 * per rename, docs/performance.md), for a remount that a root nothing has
 * mounted never needs. The kernel checks what zfs_rename checked before it
 * (dsl_dir_rename: the target's parent, the pool, the name free).
 */
int bs_rename(const char *from, const char *to)
{
	BS_SHIELD();
	return lzc_rename(from, to);
}

int bs_clone(libzfs_handle_t *h, const char *snap, const char *target, const char **kv, size_t n)
{
	BS_SHIELD();
	zfs_handle_t *zh = zfs_open(h, snap, ZFS_TYPE_SNAPSHOT);
	if (zh == NULL)
		return -1;
	nvlist_t *props = string_props(kv, n);
	int rc = zfs_clone(zh, target, props);
	fnvlist_free(props);
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}

int bs_promote(libzfs_handle_t *h, const char *name)
{
	BS_SHIELD();
	zfs_handle_t *zh = open_fs(h, name);
	if (zh == NULL)
		return -1;
	int rc = zfs_promote(zh);
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}

int bs_destroy_one(libzfs_handle_t *h, const char *name)
{
	BS_SHIELD();
	zfs_handle_t *zh = open_fs(h, name);
	if (zh == NULL)
		return -1;
	int rc = zfs_destroy(zh, B_FALSE); /* one dataset; fails if it has snapshots or children */
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}

int bs_set_prop(libzfs_handle_t *h, const char *name, const char *prop, const char *value)
{
	BS_SHIELD();
	zfs_handle_t *zh = open_fs(h, name);
	if (zh == NULL)
		return -1;
	int rc = zfs_prop_set(zh, prop, value);
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}

int bs_set_props(libzfs_handle_t *h, const char *name, const char **kv, size_t n)
{
	BS_SHIELD();
	zfs_handle_t *zh = open_fs(h, name);
	if (zh == NULL)
		return -1;
	nvlist_t *props = string_props(kv, n);
	int rc = zfs_prop_set_list(zh, props);
	fnvlist_free(props);
	zfs_close(zh);
	return rc == 0 ? 0 : -1;
}

/* user_prop copies the value of the user property prop, "" when it is not set. */
static void user_prop(zfs_handle_t *zh, const char *prop, char *out, size_t len)
{
	nvlist_t *user = zfs_get_user_props(zh), *entry;
	const char *value;
	out[0] = '\0';
	if (user != NULL && nvlist_lookup_nvlist(user, prop, &entry) == 0 &&
	    nvlist_lookup_string(entry, ZPROP_VALUE, &value) == 0)
		snprintf(out, len, "%s", value);
}

int bs_create_fs(libzfs_handle_t *h, const char *name, const char **kv, size_t n)
{
	BS_SHIELD();
	nvlist_t *props = string_props(kv, n);
	int rc = zfs_create(h, name, ZFS_TYPE_FILESYSTEM, props);
	fnvlist_free(props);
	return rc == 0 ? 0 : -1;
}

int bs_keep_info(libzfs_handle_t *h, bs_open_t *o, const char *name, bs_keep_info_t *out)
{
	BS_SHIELD();
	memset(out, 0, sizeof (*out));
	zfs_handle_t *zh = bs_get(h, o, name, ZFS_TYPE_FILESYSTEM);
	if (zh == NULL)
		return -1;
	if (zfs_prop_get(zh, ZFS_PROP_ORIGIN, out->origin, sizeof (out->origin),
	    NULL, NULL, 0, B_TRUE) != 0)
		out->origin[0] = '\0';
	if (zfs_prop_get(zh, ZFS_PROP_CANMOUNT, out->canmount, sizeof (out->canmount),
	    NULL, NULL, 0, B_FALSE) != 0)
		out->canmount[0] = '\0';
	out->used = zfs_prop_get_int(zh, ZFS_PROP_USED);
	out->referenced = zfs_prop_get_int(zh, ZFS_PROP_REFERENCED);
	out->createtxg = zfs_prop_get_int(zh, ZFS_PROP_CREATETXG);
	out->readonly = zfs_prop_get_int(zh, ZFS_PROP_READONLY) != 0;
	user_prop(zh, "blankslate:audit", out->audit, sizeof (out->audit));
	return 0;
}

/* buf is a growing buffer of NUL-terminated strings. */
typedef struct strbuf {
	char *p;
	size_t n, cap;
	int oom;
} strbuf_t;

static void put(strbuf_t *b, const char *s)
{
	size_t l = strlen(s) + 1;
	if (b->n + l > b->cap) {
		size_t cap = (b->cap + l) * 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, l);
	b->n += l;
}

/* native_local adds the built-in properties whose source is "local". */
static void native_local(zfs_handle_t *zh, strbuf_t *b)
{
	nvlist_t *all = zfs_get_all_props(zh);
	char val[ZFS_MAXPROPLEN], src[ZFS_MAX_DATASET_NAME_LEN];
	for (nvpair_t *p = nvlist_next_nvpair(all, NULL); p != NULL; p = nvlist_next_nvpair(all, p)) {
		zfs_prop_t prop = zfs_name_to_prop(nvpair_name(p));
		if (prop == ZPROP_INVAL || zfs_prop_readonly(prop) || zfs_prop_setonce(prop) ||
		    prop == ZFS_PROP_ENCRYPTION || prop == ZFS_PROP_KEYFORMAT ||
		    prop == ZFS_PROP_KEYLOCATION || prop == ZFS_PROP_PBKDF2_ITERS)
			continue;
		zprop_source_t st;
		if (zfs_prop_get(zh, prop, val, sizeof (val), &st, src, sizeof (src), B_TRUE) != 0 ||
		    st != ZPROP_SRC_LOCAL)
			continue;
		put(b, zfs_prop_to_name(prop));
		put(b, val);
	}
}

/* user_local adds the user properties (module:name) set on the dataset itself. */
static void user_local(zfs_handle_t *zh, strbuf_t *b)
{
	nvlist_t *user = zfs_get_user_props(zh);
	for (nvpair_t *p = nvlist_next_nvpair(user, NULL); p != NULL; p = nvlist_next_nvpair(user, p)) {
		nvlist_t *v;
		if (nvpair_value_nvlist(p, &v) != 0 || !nvlist_exists(v, ZPROP_VALUE) ||
		    !nvlist_exists(v, ZPROP_SOURCE) ||
		    strcmp(fnvlist_lookup_string(v, ZPROP_SOURCE), zfs_get_name(zh)) != 0)
			continue;
		put(b, nvpair_name(p));
		put(b, fnvlist_lookup_string(v, ZPROP_VALUE));
	}
}

int bs_local_props(libzfs_handle_t *h, bs_open_t *o, const char *name, char **out, size_t *outlen)
{
	BS_SHIELD();
	*out = NULL;
	*outlen = 0;
	zfs_handle_t *zh = bs_get(h, o, name, ZFS_TYPE_FILESYSTEM);
	if (zh == NULL)
		return -1;
	strbuf_t b = { 0 };
	native_local(zh, &b);
	user_local(zh, &b);
	if (b.oom) {
		free(b.p);
		return ENOMEM;
	}
	*out = b.p;
	*outlen = b.n;
	return 0;
}

int bs_snapshot(const char *snapfull)
{
	BS_SHIELD();
	nvlist_t *snaps = fnvlist_alloc();
	fnvlist_add_boolean(snaps, snapfull);
	nvlist_t *errs = NULL;
	int rc = lzc_snapshot(snaps, NULL, &errs);
	fnvlist_free(snaps);
	if (errs != NULL)
		fnvlist_free(errs);
	return rc;
}
