/*
 * zinit: what opening libzfs costs, alone, as a part of the rollback's time
 * for `make bench`: libzfs_init (open /dev/zfs and the mount table, register
 * the property tables) and libzfs_fini, nothing read from a pool. Linked
 * static with the libraries and the libudev stand-ins the blankslate binary
 * links (internal/zfs/libzfs/link_static.go, udev_static.c), so that
 *   floor < zinit < `blankslate version` + zinit < `blankslate rollback`
 * splits blankslate's time into process start, library start and its own work.
 *
 *   zinit          (any arguments are ignored)
 */
#include <errno.h>
#include <stdio.h>
#include <libzfs.h>

int main(void) {
	libzfs_handle_t *h = libzfs_init();
	if (h == NULL) {
		fprintf(stderr, "zinit: libzfs_init failed: %s\n", libzfs_error_init(errno));
		return 1;
	}
	libzfs_fini(h);
	return 0;
}
