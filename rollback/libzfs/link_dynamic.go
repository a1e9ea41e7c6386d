//go:build !static

package libzfs

// #cgo LDFLAGS: -lzfs -lzfs_core -lnvpair
import "C"
