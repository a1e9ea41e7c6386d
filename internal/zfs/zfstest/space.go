package zfstest

// Data is modelled as blocks, each written once in its own txg: a snapshot
// shares the blocks its dataset had when it was taken, a clone starts with its
// origin's, so "written since", "referenced" and "used" fall out as set
// arithmetic, and stay right across rename, clone and promote.

type block struct {
	id    uint64 // the txg that wrote it: unique pool-wide
	bytes uint64
}

type blocks []block

func (b blocks) bytes() (n uint64) {
	for _, x := range b {
		n += x.bytes
	}
	return n
}

func (b blocks) copy() blocks { return append(blocks(nil), b...) }

// minus is the bytes of the blocks of b that are not in o.
func (b blocks) minus(o blocks) (n uint64) {
	in := make(map[uint64]bool, len(o))
	for _, x := range o {
		in[x.id] = true
	}
	for _, x := range b {
		if !in[x.id] {
			n += x.bytes
		}
	}
	return n
}

// used is what destroying d with its snapshots and descendants would free:
// the blocks of its head and snapshots that its origin does not hold, plus
// the same of every child. (ZFS adds metadata and reservations; the model
// counts only what was written.)
func (m *Model) used(d *dataset) uint64 {
	all := d.data.copy()
	for _, s := range d.snaps {
		all = append(all, s.data...)
	}
	seen := map[uint64]bool{}
	uniq := blocks{}
	for _, x := range all {
		if !seen[x.id] {
			seen[x.id] = true
			uniq = append(uniq, x)
		}
	}
	var n uint64
	if d.origin != nil {
		n = uniq.minus(d.origin.data)
	} else {
		n = uniq.bytes()
	}
	for _, c := range m.children(d.name) {
		n += m.used(m.ds[c])
	}
	return n
}
