#include <stdio.h>
#include <string.h>
#include <libzfs.h>

#include "bszfs_shield.h"
#include "bszfs_open.h"

zfs_handle_t *bs_get(libzfs_handle_t *h, bs_open_t *o, const char *name, zfs_type_t types)
{
	for (size_t i = 0; i < o->n; i++) {
		/* A dataset of another type than asked goes to zfs_open, whose error says so. */
		if (strcmp(o->names[i], name) == 0 && (zfs_get_type(o->zh[i]) & types) != 0)
			return o->zh[i];
	}
	zfs_handle_t *zh = zfs_open(h, name, types);
	if (zh == NULL)
		return NULL;
	if (o->n == BS_OPEN_MAX)
		bs_forget(o);
	/* zfs_open refuses a name longer than ZFS_MAX_DATASET_NAME_LEN - 1. */
	snprintf(o->names[o->n], BS_NAME_MAX, "%s", name);
	o->zh[o->n] = zh;
	o->n++;
	return zh;
}

void bs_forget(bs_open_t *o)
{
	BS_SHIELD();
	for (size_t i = 0; i < o->n; i++) {
		zfs_close(o->zh[i]);
		o->zh[i] = NULL;
	}
	o->n = 0;
}
