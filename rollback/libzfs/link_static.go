//go:build static

// The static build links Debian's libzfslinux-dev archives and their dependencies
// (notes/libzfs.md). Debian ships no libudev.a; udev_static.c stands in for it.
package libzfs

// #cgo LDFLAGS: -lzfs -lzfs_core -lnvpair -luutil -ltirpc -lblkid -luuid -lcrypto -lz -lm -pthread
import "C"
