package libzfs

// #include <stdlib.h>
// #include "bszfs_pool.h"
import "C"

import (
	"unsafe"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Pool describes a pool: imported or not, its health, zpool status's verdict,
// its size. Reading it changes nothing.
func (z *Handle) Pool(name string) (zfs.Pool, error) {
	n, free := cstr(name)
	defer free()
	var out C.bs_pool_t
	err := z.read("reading pool "+name, func() C.int { return C.bs_pool_info(z.h, n, &out) })
	if err != nil {
		return zfs.Pool{Name: name}, err
	}
	return zfs.Pool{
		Name:     name,
		Imported: out.imported != 0,
		Health:   C.GoString(&out.health[0]),
		Status:   C.GoString(&out.status[0]),
		MsgID:    C.GoString(&out.msgid[0]),
		Size:     uint64(out.size),
		ReadOnly: out.readonly != 0,
	}, nil
}

// Datasets lists every filesystem and volume of pool, parents first, with the
// properties the layout checks read.
func (z *Handle) Datasets(pool string) ([]zfs.Props, error) {
	n, free := cstr(pool)
	defer free()
	var l C.bs_props_list_t
	err := z.read("listing the datasets of "+pool, func() C.int { return C.bs_pool_datasets(z.h, n, &l) })
	defer C.bs_props_list_free(&l)
	if err != nil {
		return nil, err
	}
	items := unsafe.Slice(l.items, int(l.n))
	out := make([]zfs.Props, 0, len(items))
	for i := range items {
		it := &items[i]
		out = append(out, zfs.Props{
			Name:           C.GoString(&it.name[0]),
			Volume:         it.is_volume != 0,
			Compression:    C.GoString(&it.compression[0]),
			Atime:          C.GoString(&it.atime[0]),
			Mountpoint:     C.GoString(&it.mountpoint[0]),
			Reservation:    uint64(it.reservation),
			RefReservation: uint64(it.refreservation),
			Volsize:        uint64(it.volsize),
		})
	}
	return out, nil
}
