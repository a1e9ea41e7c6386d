package keep

import (
	"fmt"
	"sort"
	"strconv"
)

// SeqProp is the user property that orders kept roots: the keep step writes
// 1 + the largest among the kept roots in the same call that seals a root
// (seal), so the order is the order in which the roots were kept whatever
// the clock said. The time in a root's name is for people only: a clock
// stepped back (a dead RTC battery, a restored VM) would make the last
// boot's root sort as the oldest, and keep.roots would prune it first.
// createtxg is no order either: a root returned from a recovery boot was
// set aside as the blank root long before it was kept.
const SeqProp = "blankslate:seq"

// HoldProp is the user property that keeps a kept root from ever being
// pruned, whatever keep.roots says: the boot that kept it was asked for
// something it did not understand (an unknown blankslate.* word on the
// kernel command line) or could not do. Its value says why. The root is an
// ordinary kept root again once the user removes it:
//
//	zfs inherit blankslate:hold <root>
const HoldProp = "blankslate:hold"

// readOrder reads a root's sequence number and hold from its own properties.
func readOrder(z Reader, r *Root) error {
	props, err := z.LocalProps(r.Name)
	if err != nil {
		return fmt.Errorf("keep: reading the properties of %s: %w", r.Name, err)
	}
	r.Seq, _ = strconv.ParseUint(props[SeqProp], 10, 64) // absent or not a number: a root of an older version
	r.Hold = props[HoldProp]
	return nil
}

// rank groups roots for the order: roots kept by older versions (sealed,
// no sequence number) first, then the numbered ones, then a root whose keep
// is not finished yet (not sealed, so not numbered): it is the newest.
func (r Root) rank() int {
	switch {
	case r.Seq > 0:
		return 1
	case !r.sealed():
		return 2
	}
	return 0
}

func (r Root) sealed() bool { return r.ReadOnly && r.CanMount == "noauto" }

// sortRoots orders roots oldest first: by rank, the numbered ones by their
// number; the others, among themselves, as older versions ordered them (the
// time in the name, then createtxg).
func sortRoots(roots []Root) {
	sort.SliceStable(roots, func(i, j int) bool {
		a, b := roots[i], roots[j]
		if a.rank() != b.rank() {
			return a.rank() < b.rank()
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if ti, tj := a.Time, b.Time; a.rank() == 0 && !ti.IsZero() && !tj.IsZero() && !ti.Equal(tj) {
			return ti.Before(tj)
		}
		if a.CreateTxg != b.CreateTxg {
			return a.CreateTxg < b.CreateTxg
		}
		return a.Name < b.Name
	})
}

// nextSeq is the number that seal gives kept: the one it has already (a
// repair seals a root that a cut left half sealed), else 1 + the largest
// among the kept roots.
func nextSeq(z Reader, req Request, kept string) (uint64, error) {
	roots, err := List(z, req.Dataset, req.Snapshot)
	if err != nil {
		return 0, err
	}
	var top uint64
	for _, r := range roots {
		if r.Name == kept && r.Seq > 0 {
			return r.Seq, nil
		}
		top = max(top, r.Seq)
	}
	return top + 1, nil
}
