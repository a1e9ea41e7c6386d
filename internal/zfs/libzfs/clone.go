package libzfs

// #include <stdlib.h>
// #include "bszfs_clone.h"
import "C"

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"syscall"
	"unsafe"

	"github.com/blankslate/blankslate/internal/zfs"
)

// The calls that keep previous roots: rename, clone, promote, properties,
// create, destroy. C in bszfs_clone.c.

// Info reads a filesystem's origin, space, createtxg, readonly and canmount.
func (z *Handle) Info(name string) (zfs.Info, error) {
	n, free := cstr(name)
	defer free()
	var out C.bs_keep_info_t
	if err := z.read("reading "+name, func() C.int { return C.bs_keep_info(z.h, z.open, n, &out) }); err != nil {
		return zfs.Info{}, err
	}
	return zfs.Info{
		Origin:     C.GoString(&out.origin[0]),
		Used:       uint64(out.used),
		Referenced: uint64(out.referenced),
		CreateTxg:  uint64(out.createtxg),
		ReadOnly:   out.readonly != 0,
		CanMount:   C.GoString(&out.canmount[0]),
		Audit:      C.GoString(&out.audit[0]),
	}, nil
}

// LocalProps returns the properties set on name itself that a clone can take.
func (z *Handle) LocalProps(name string) (map[string]string, error) {
	n, free := cstr(name)
	defer free()
	var buf *C.char
	var size C.size_t
	err := z.read("reading the local properties of "+name, func() C.int { return C.bs_local_props(z.h, z.open, n, &buf, &size) })
	defer C.free(unsafe.Pointer(buf))
	if err != nil {
		return nil, err
	}
	props := map[string]string{}
	if size == 0 {
		return props, nil
	}
	parts := strings.Split(strings.TrimSuffix(C.GoStringN(buf, C.int(size)), "\x00"), "\x00")
	for i := 0; i+1 < len(parts); i += 2 {
		props[parts[i]] = parts[i+1]
	}
	return props, nil
}

// Rename renames a filesystem; nothing is unmounted or mounted.
func (z *Handle) Rename(from, to string) error {
	f, freeF := cstr(from)
	defer freeF()
	t, freeT := cstr(to)
	defer freeT()
	err := z.call("renaming "+from+" to "+to, func() C.int { return C.bs_rename(f, t) })
	return explainRename(err)
}

// renameWhy says in words what the kernel's refusals of a rename mean; its
// errno alone ("file exists") names neither of the two datasets.
var renameWhy = map[syscall.Errno]string{
	syscall.EEXIST: "a dataset of the new name exists",
	syscall.ENOENT: "the dataset, or the new name's parent, does not exist",
	syscall.EXDEV:  "the new name is in another pool",
	syscall.EBUSY:  "the dataset is busy",
	syscall.EINVAL: "the new name is not valid there (a descendant of itself, or a bad name)",
}

// explainRename adds renameWhy's words to an errno from the rename; the
// error still matches the errno (errors.Is).
func explainRename(err error) error {
	var errno syscall.Errno
	if err == nil || !errors.As(err, &errno) || renameWhy[errno] == "" {
		return err
	}
	return fmt.Errorf("%w (%s)", err, renameWhy[errno])
}

// Clone clones snap as target with props; nothing is mounted.
func (z *Handle) Clone(snap, target string, props map[string]string) error {
	s, freeS := cstr(snap)
	defer freeS()
	t, freeT := cstr(target)
	defer freeT()
	kv, freeKV := propArray(props)
	defer freeKV()
	return z.call("cloning "+snap+" as "+target, func() C.int {
		return C.bs_clone(z.h, s, t, kv, C.size_t(len(props)))
	})
}

// Promote promotes the clone name: it takes its origin's older snapshots.
func (z *Handle) Promote(name string) error {
	n, free := cstr(name)
	defer free()
	return z.call("promoting "+name, func() C.int { return C.bs_promote(z.h, n) })
}

// SetProp sets one property of a filesystem.
func (z *Handle) SetProp(name, prop, value string) error {
	n, freeN := cstr(name)
	defer freeN()
	p, freeP := cstr(prop)
	defer freeP()
	v, freeV := cstr(value)
	defer freeV()
	return z.call("setting "+prop+"="+value+" on "+name, func() C.int { return C.bs_set_prop(z.h, n, p, v) })
}

// SetProps sets several properties of a filesystem in one call: those
// without special handling (readonly, canmount, user properties) in one
// transaction group.
func (z *Handle) SetProps(name string, props map[string]string) error {
	n, freeN := cstr(name)
	defer freeN()
	kv, freeKV := propArray(props)
	defer freeKV()
	return z.call("setting "+propText(props)+" on "+name, func() C.int {
		return C.bs_set_props(z.h, n, kv, C.size_t(len(props)))
	})
}

func propText(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + props[k]
	}
	return strings.Join(keys, " ")
}

// CreateFS creates a filesystem with props; nothing is mounted.
func (z *Handle) CreateFS(name string, props map[string]string) error {
	n, free := cstr(name)
	defer free()
	kv, freeKV := propArray(props)
	defer freeKV()
	return z.call("creating "+name, func() C.int { return C.bs_create_fs(z.h, n, kv, C.size_t(len(props))) })
}

// Destroy destroys one filesystem, never recursively: libzfs refuses one with
// snapshots or children.
func (z *Handle) Destroy(name string) error {
	n, free := cstr(name)
	defer free()
	return z.call("destroying "+name, func() C.int { return C.bs_destroy_one(z.h, n) })
}

// Snapshot takes fs@snap in one transaction (lzc_snapshot). A read-only
// filesystem can be snapshotted: its content stays as it is.
func (z *Handle) Snapshot(fs, snap string) error {
	full, free := cstr(zfs.SnapshotName(fs, snap))
	defer free()
	return z.call("snapshotting "+fs+"@"+snap, func() C.int { return C.bs_snapshot(full) })
}

// propArray flattens props to name, value, name, value … for C.
func propArray(props map[string]string) (**C.char, func()) {
	if len(props) == 0 {
		return nil, func() {}
	}
	flat := make([]string, 0, 2*len(props))
	for k, v := range props {
		flat = append(flat, k, v)
	}
	return cstrs(flat)
}
