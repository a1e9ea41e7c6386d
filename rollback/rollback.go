package rollback

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Request names what to roll back.
type Request struct {
	Pool     string // pool that holds Dataset
	Dataset  string // e.g. rpool/nixos/empty
	Snapshot string // the part after @, e.g. start
}

// Result is what a rollback did.
type Result struct {
	Snapshot           string   // dataset@snap rolled back to
	DestroyedSnapshots []string // newer snapshots destroyed
	DestroyedBookmarks []string // newer bookmarks destroyed
	Discarded          uint64   // bytes written since the snapshot (written@snap)
	NoOp               bool     // nothing newer and nothing written: left as it was
	Took               time.Duration
}

// Run rolls req.Dataset back to req.Snapshot with `zfs rollback -r` semantics.
// It returns *Error for every refusal and failure.
func Run(z ZFS, req Request) (Result, error) {
	start := time.Now()
	full := req.Dataset + "@" + req.Snapshot
	res := Result{Snapshot: full}
	plan, err := inspect(z, req)
	if err != nil {
		return res, err
	}
	res.Discarded = plan.written
	if len(plan.newerSnaps) == 0 && len(plan.newerMarks) == 0 && plan.written == 0 {
		res.NoOp = true
		res.Took = time.Since(start)
		return res, nil
	}
	if err := apply(z, req, plan, &res); err != nil {
		return res, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// plan is what inspect found; nothing has been changed when it is returned.
type plan struct {
	newerSnaps []string
	newerMarks []string
	written    uint64
}

// inspect performs every check before anything is changed.
func inspect(z ZFS, req Request) (plan, error) {
	full := req.Dataset + "@" + req.Snapshot
	if err := checkPool(z, req.Pool); err != nil {
		return plan{}, err
	}
	if err := checkDataset(z, req.Dataset); err != nil {
		return plan{}, err
	}
	snaps, err := z.Snapshots(req.Dataset)
	if err != nil {
		return plan{}, zfsFailed("listing the snapshots of "+req.Dataset, err)
	}
	target, ok := find(snaps, full)
	if !ok {
		return plan{}, refuse(KindSnapMissing,
			fmt.Sprintf("Create it only from a blank root (zfs snapshot %s while the dataset is empty), or set \"snapshot\" in the configuration to one that exists", full),
			"snapshot %s does not exist (the dataset has %s)", full, describe(snaps))
	}
	p := plan{}
	for _, s := range snaps {
		if s.CreateTxg <= target.CreateTxg {
			continue
		}
		if len(s.Clones) > 0 {
			return plan{}, refuse(KindClones,
				"Destroy the clones (zfs destroy) if they are not needed, or keep them and do not reset the root; blankslate never destroys a clone. Do not promote them: that moves the blank snapshot away from the root",
				"snapshot %s is newer than %s and has clones (%s); `zfs rollback -r` refuses this too",
				s.Name, full, strings.Join(s.Clones, ", "))
		}
		p.newerSnaps = append(p.newerSnaps, s.Name)
	}
	if p.newerMarks, err = newerBookmarks(z, req.Dataset, target.CreateTxg); err != nil {
		return plan{}, err
	}
	if p.written, err = z.Written(req.Dataset, req.Snapshot); err != nil {
		return plan{}, zfsFailed("reading written@"+req.Snapshot+" of "+req.Dataset, err)
	}
	return p, nil
}

func checkPool(z ZFS, pool string) error {
	ok, err := z.PoolImported(pool)
	if err != nil {
		return zfsFailed("looking up pool "+pool, err)
	}
	if !ok {
		return refuse(KindPoolMissing,
			fmt.Sprintf("Import it first (zpool import -N %s); in the initrd the rollback must run after the import unit", pool),
			"pool %s is not imported", pool)
	}
	return nil
}

func checkDataset(z ZFS, name string) error {
	ds, err := z.Dataset(name)
	if errors.Is(err, zfs.ErrNotFound) {
		return refuse(KindDatasetBad, "Check \"dataset\" in the configuration (zfs list -r to see what exists)",
			"dataset %s does not exist", name)
	}
	if err != nil {
		return zfsFailed("opening "+name, err)
	}
	switch {
	case !ds.Filesystem:
		return refuse(KindDatasetBad, "Point \"dataset\" at the root filesystem dataset", "%s is not a filesystem", name)
	case !strings.Contains(name, "/"):
		return refuse(KindDatasetBad, "Point \"dataset\" at the root filesystem dataset, never at a pool",
			"%s is a pool's root dataset", name)
	case ds.Mounted:
		return refuse(KindMounted,
			"The rollback must run before the root is mounted (Before=sysroot.mount); to reset a running system, reboot",
			"%s is mounted at %s", name, ds.MountedAt)
	}
	kids, err := z.Children(name)
	if err != nil {
		return zfsFailed("listing the children of "+name, err)
	}
	if len(kids) > 0 {
		return refuse(KindChildren,
			"Move persistent datasets out from under the root dataset (zfs rename); a rollback of the parent would leave them mounted over a blank tree",
			"%s has child datasets (%s)", name, strings.Join(kids, ", "))
	}
	return nil
}

func newerBookmarks(z ZFS, fs string, txg uint64) ([]string, error) {
	marks, err := z.Bookmarks(fs)
	if err != nil {
		return nil, zfsFailed("listing the bookmarks of "+fs, err)
	}
	var newer []string
	for _, m := range marks {
		if m.CreateTxg > txg {
			newer = append(newer, m.Name)
		}
	}
	return newer, nil
}

// apply changes the pool: newer snapshots (atomically), newer bookmarks, rollback.
func apply(z ZFS, req Request, p plan, res *Result) error {
	if len(p.newerSnaps) > 0 {
		if err := z.DestroySnapshots(p.newerSnaps); err != nil {
			return zfsFailed("destroying the newer snapshots "+strings.Join(p.newerSnaps, ", "), err)
		}
		res.DestroyedSnapshots = p.newerSnaps
	}
	if len(p.newerMarks) > 0 {
		if err := z.DestroyBookmarks(p.newerMarks); err != nil {
			return partial(res, "destroying the newer bookmarks "+strings.Join(p.newerMarks, ", "), err)
		}
		res.DestroyedBookmarks = p.newerMarks
	}
	if err := z.RollbackTo(req.Dataset, req.Snapshot); err != nil {
		return partial(res, "rolling "+req.Dataset+" back to @"+req.Snapshot, err)
	}
	return nil
}

func zfsFailed(doing string, err error) *Error {
	return &Error{Kind: KindZFSFailed, What: doing + " failed", Err: err,
		Fix: "Run `blankslate check` from the emergency shell for the pool's state"}
}

// partial reports a failure after some snapshots or bookmarks were already destroyed:
// the root has not been reset, but the next run starts from where this one stopped.
func partial(res *Result, doing string, err error) *Error {
	e := zfsFailed(doing, err)
	if n := len(res.DestroyedSnapshots) + len(res.DestroyedBookmarks); n > 0 {
		e.Kind = KindPartialChange
		e.Changed = fmt.Sprintf("already destroyed: %s; the root was NOT rolled back",
			strings.Join(append(append([]string{}, res.DestroyedSnapshots...), res.DestroyedBookmarks...), ", "))
	}
	return e
}

func find(snaps []zfs.Snapshot, name string) (zfs.Snapshot, bool) {
	for _, s := range snaps {
		if s.Name == name {
			return s, true
		}
	}
	return zfs.Snapshot{}, false
}

func describe(snaps []zfs.Snapshot) string {
	if len(snaps) == 0 {
		return "no snapshots"
	}
	names := make([]string, len(snaps))
	for i, s := range snaps {
		names[i] = s.Name[strings.IndexByte(s.Name, '@'):]
	}
	return "only " + strings.Join(names, " ")
}
