// Package libzfs is blankslate's binding to OpenZFS's libzfs and libzfs_core: the
// few calls blankslate makes, C in bszfs*.c behind one Go API (Handle). It imports
// nothing of the project but package zfs, whose types it returns; the packages
// that use it declare the interfaces it satisfies (docs/libzfs-abi.md lists every
// C function it relies on, per OpenZFS version).
//
// libzfs keeps its last error in the handle, unlocked; every method holds one mutex
// across the C call and the read of that error so that the message belongs to the
// call that failed.
//
// The reads keep the datasets they open open until the next call that is not a
// read (bszfs_open.h): a method is a read only if it says so (Handle.read);
// every other call, a write or one whose nature is not declared, forgets them
// all when it returns, failed or not, since a call that fails may still have
// changed the pool.
package libzfs

// #include <stdlib.h>
// #include "bszfs.h"
// #include "bszfs_open.h"
// #include <libzfs.h>
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Device is the control node of the ZFS kernel module.
const Device = "/dev/zfs"

// Handle is an open libzfs handle. It is safe for concurrent use.
type Handle struct {
	mu   sync.Mutex
	h    *C.libzfs_handle_t
	open *C.bs_open_t // the datasets the reads opened since the last other call
}

// Open opens libzfs. It checks /dev/zfs first: libzfs_init would otherwise try to
// load the module and wait for the node, which in an initrd only delays the error.
func Open() (*Handle, error) {
	if _, err := os.Stat(Device); err != nil {
		return nil, fmt.Errorf("%s is missing (is the zfs kernel module loaded? `modprobe zfs`): %w", Device, err)
	}
	h, err := C.bs_init()
	if h == nil {
		errno := 0
		var en syscall.Errno
		if errors.As(err, &en) {
			errno = int(en)
		}
		return nil, fmt.Errorf("opening libzfs: %s", C.GoString(C.bs_init_error(C.int(errno))))
	}
	open := (*C.bs_open_t)(C.calloc(1, C.size_t(unsafe.Sizeof(C.bs_open_t{}))))
	if open == nil {
		C.bs_fini(h)
		return nil, errors.New("opening libzfs: out of memory")
	}
	return &Handle{h: h, open: open}, nil
}

// Close releases the handle.
func (z *Handle) Close() {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.h != nil {
		C.bs_forget(z.open)
		C.free(unsafe.Pointer(z.open))
		C.bs_fini(z.h)
		z.h, z.open = nil, nil
	}
}

// call runs f under the lock and then forgets the datasets the reads opened;
// a -1 result becomes the handle's error, any other non-zero result an errno.
func (z *Handle) call(what string, f func() C.int) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	defer C.bs_forget(z.open)
	return z.result(what, f())
}

// read is call for a function that changes nothing in the pool: the datasets
// opened stay open for the next read.
func (z *Handle) read(what string, f func() C.int) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.result(what, f())
}

// result turns a C result into an error; the caller holds the lock.
func (z *Handle) result(what string, rc C.int) error {
	switch {
	case rc == 0:
		return nil
	case rc == -1:
		var buf [1024]C.char
		C.bs_error(z.h, &buf[0], C.size_t(len(buf)))
		return fmt.Errorf("%s: %s", what, C.GoString(&buf[0]))
	default:
		return fmt.Errorf("%s: %w", what, syscall.Errno(rc))
	}
}

func cstr(s string) (*C.char, func()) {
	c := C.CString(s)
	return c, func() { C.free(unsafe.Pointer(c)) }
}

// PoolImported reports whether pool is imported.
func (z *Handle) PoolImported(pool string) (bool, error) {
	p, free := cstr(pool)
	defer free()
	var imported C.int
	err := z.read("opening pool "+pool, func() C.int { return C.bs_pool_imported(z.h, p, &imported) })
	return imported != 0, err
}

// Dataset describes a filesystem or volume.
func (z *Handle) Dataset(name string) (zfs.Dataset, error) {
	n, free := cstr(name)
	defer free()
	var out C.bs_dataset_t
	err := z.read("opening "+name, func() C.int { return C.bs_dataset(z.h, z.open, n, &out) })
	if errors.Is(err, syscall.ENOENT) {
		return zfs.Dataset{}, fmt.Errorf("dataset %s: %w", name, zfs.ErrNotFound)
	}
	if err != nil {
		return zfs.Dataset{}, err
	}
	return zfs.Dataset{
		Name:       name,
		Filesystem: out.is_filesystem != 0,
		Mounted:    out.mounted != 0,
		MountedAt:  C.GoString(&out.mounted_at[0]),
		Mountpoint: C.GoString(&out.mountpoint[0]),
	}, nil
}

// list runs one of the bs_* listing functions and converts its items.
func (z *Handle) list(what, fs string, f func(*C.char, *C.bs_list_t) C.int) ([]zfs.Snapshot, error) {
	n, free := cstr(fs)
	defer free()
	var l C.bs_list_t
	err := z.read(what+" of "+fs, func() C.int { return f(n, &l) })
	defer C.bs_list_free(&l)
	if err != nil {
		return nil, err
	}
	items := unsafe.Slice(l.items, int(l.n))
	out := make([]zfs.Snapshot, 0, len(items))
	for i := range items {
		s := zfs.Snapshot{Name: C.GoString(&items[i].name[0]), CreateTxg: uint64(items[i].createtxg)}
		if items[i].numclones > 0 {
			s.Clones = strings.Split(C.GoString(&items[i].clones[0]), ",")
			if s.Clones[0] == "" {
				s.Clones = []string{fmt.Sprintf("%d clone(s)", uint64(items[i].numclones))}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Snapshots lists fs's snapshots, oldest first, with their clones.
func (z *Handle) Snapshots(fs string) ([]zfs.Snapshot, error) {
	return z.list("listing snapshots", fs, func(n *C.char, l *C.bs_list_t) C.int { return C.bs_snapshots(z.h, z.open, n, l) })
}

// Bookmarks lists fs's bookmarks.
func (z *Handle) Bookmarks(fs string) ([]zfs.Snapshot, error) {
	return z.list("listing bookmarks", fs, func(n *C.char, l *C.bs_list_t) C.int { return C.bs_bookmarks(z.h, z.open, n, l) })
}

// Children lists fs's child filesystems and volumes.
func (z *Handle) Children(fs string) ([]string, error) {
	kids, err := z.list("listing child datasets", fs, func(n *C.char, l *C.bs_list_t) C.int { return C.bs_children(z.h, z.open, n, l) })
	names := make([]string, len(kids))
	for i, k := range kids {
		names[i] = k.Name
	}
	return names, err
}

// Written returns written@snap of fs: the bytes a rollback to fs@snap discards.
func (z *Handle) Written(fs, snap string) (uint64, error) {
	f, freeF := cstr(fs)
	defer freeF()
	s, freeS := cstr(snap)
	defer freeS()
	var v C.uint64_t
	err := z.read("reading written@"+snap+" of "+fs, func() C.int { return C.bs_written(z.h, z.open, f, s, &v) })
	return uint64(v), err
}

// cstrs converts names to a C array; the returned func frees it all.
func cstrs(names []string) (**C.char, func()) {
	arr := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(names)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:len(names):len(names)]
	for i, n := range names {
		arr[i] = C.CString(n)
	}
	return &arr[0], func() {
		for _, p := range arr {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

// DestroySnapshots destroys names in one atomic ioctl: all or none.
func (z *Handle) DestroySnapshots(names []string) error {
	if len(names) == 0 {
		return nil
	}
	arr, free := cstrs(names)
	defer free()
	return z.call("destroying snapshots "+strings.Join(names, ", "), func() C.int {
		return C.bs_destroy_snaps(z.h, arr, C.size_t(len(names)))
	})
}

// DestroyBookmarks destroys names.
func (z *Handle) DestroyBookmarks(names []string) error {
	if len(names) == 0 {
		return nil
	}
	arr, free := cstrs(names)
	defer free()
	return z.call("destroying bookmarks "+strings.Join(names, ", "), func() C.int {
		return C.bs_destroy_bookmarks(arr, C.size_t(len(names)))
	})
}

// RollbackTo rolls fs back to fs@snap with lzc_rollback_to (one atomic ioctl).
func (z *Handle) RollbackTo(fs, snap string) error {
	f, freeF := cstr(fs)
	defer freeF()
	s, freeS := cstr(fs + "@" + snap)
	defer freeS()
	err := z.call("rolling "+fs+" back to @"+snap, func() C.int { return C.bs_rollback_to(f, s) })
	if errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("%w (a snapshot newer than @%s appeared meanwhile)", err, snap)
	}
	return err
}
