//go:build static

/*
 * Stand-ins for libudev in the static build. Debian ships no libudev.a, and libzfs
 * only uses udev to label vdevs by their /dev/disk/by-* links when it creates or
 * describes pools, never on the rollback path. udev_new() returns NULL, which
 * libzfs treats as "udev unavailable" and falls back from; the rest are never
 * reached with a NULL context but must exist for the linker.
 *
 * Only in the static build: in a dynamic build these would shadow the real libudev.
 */
#include <stddef.h>

struct udev;
struct udev_device;
struct udev_list_entry;

struct udev *udev_new(void) { return NULL; }
struct udev *udev_unref(struct udev *u) { (void)u; return NULL; }
struct udev_device *udev_device_unref(struct udev_device *d) { (void)d; return NULL; }

struct udev_device *udev_device_new_from_subsystem_sysname(struct udev *u,
    const char *subsystem, const char *sysname)
{
	(void)u; (void)subsystem; (void)sysname;
	return NULL;
}

struct udev_device *udev_device_get_parent_with_subsystem_devtype(
    struct udev_device *d, const char *subsystem, const char *devtype)
{
	(void)d; (void)subsystem; (void)devtype;
	return NULL;
}

const char *udev_device_get_property_value(struct udev_device *d, const char *key)
{
	(void)d; (void)key;
	return NULL;
}

struct udev_list_entry *udev_device_get_devlinks_list_entry(struct udev_device *d)
{
	(void)d;
	return NULL;
}

struct udev_list_entry *udev_list_entry_get_next(struct udev_list_entry *e)
{
	(void)e;
	return NULL;
}

const char *udev_list_entry_get_name(struct udev_list_entry *e)
{
	(void)e;
	return NULL;
}
