//go:build static

// A static link needs the archives' own dependencies, which Debian's libzfs.pc
// does not list (its Requires.private is empty), after the archives that need
// them: a static link resolves left to right.
// Debian ships no libudev.a; udev_static.c stands in for it.
package libzfs

// #cgo LDFLAGS: -lzfs -lzfs_core -lnvpair -luutil -ltirpc -lblkid -luuid -lcrypto -lz -lm -pthread
import "C"
