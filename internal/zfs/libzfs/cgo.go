package libzfs

// The include directories and libraries come from pkg-config (libzfs.pc and
// libzfs_core.pc, shipped by Debian's libzfslinux-dev and by nixpkgs' zfs), not
// from paths of one distribution. link_static.go adds what a static link needs.

// #cgo pkg-config: libzfs libzfs_core
// #cgo CFLAGS: -D_GNU_SOURCE -Werror=implicit-function-declaration
import "C"
