/*
 * floor: the least a rollback of the root dataset can do, as a lower bound for
 * `make bench`: destroy the newer snapshots named on the command line in one
 * lzc_destroy_snaps batch, then lzc_rollback_to the blank snapshot. It lists
 * nothing, checks nothing (no clone, mount or child test) and logs nothing:
 * the benchmark scenario created the newer snapshots and passes their names.
 *
 *   floor DATASET SNAPSHOT [NEWER_SNAPSHOT_NAME...]
 *   floor rpool/nixos/empty start b1 b2 b3
 *
 * Built static on the host against Debian's libzfs_core archive (Makefile,
 * target bench-tools), as the blankslate binary links libzfs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libzfs_core.h>

int main(int argc, char **argv) {
	char target[512], name[512];
	nvlist_t *snaps = NULL, *errlist = NULL;
	int i, err;

	if (argc < 3) {
		fprintf(stderr, "usage: floor DATASET SNAPSHOT [NEWER...]\n");
		return 2;
	}
	if ((err = libzfs_core_init()) != 0) {
		fprintf(stderr, "floor: libzfs_core_init: %s\n", strerror(err));
		return 1;
	}
	if (argc > 3) {
		if (nvlist_alloc(&snaps, NV_UNIQUE_NAME, 0) != 0)
			return 1;
		for (i = 3; i < argc; i++) {
			snprintf(name, sizeof(name), "%s@%s", argv[1], argv[i]);
			fnvlist_add_boolean(snaps, name);
		}
		err = lzc_destroy_snaps(snaps, B_FALSE, &errlist);
		if (err != 0) {
			fprintf(stderr, "floor: lzc_destroy_snaps: %s\n", strerror(err));
			return 1;
		}
		nvlist_free(snaps);
		nvlist_free(errlist);
	}
	snprintf(target, sizeof(target), "%s@%s", argv[1], argv[2]);
	if ((err = lzc_rollback_to(argv[1], target)) != 0) {
		fprintf(stderr, "floor: lzc_rollback_to %s: %s\n", target, strerror(err));
		return 1;
	}
	libzfs_core_fini();
	return 0;
}
