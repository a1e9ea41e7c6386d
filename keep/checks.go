package keep

import (
	"errors"
	"fmt"
	"sort"

	"github.com/blankslate/blankslate/internal/zfs"
)

// keepable says whether D can be kept: it exists, is an unmounted filesystem
// without children, owns @start with nothing newer, and has data written since.
// A "no" is not an error: the rollback decides what to do with D.
func keepable(z ZFS, req Request) (bool, string, error) {
	ds, err := z.Dataset(req.Dataset)
	if errors.Is(err, zfs.ErrNotFound) {
		return false, "it does not exist", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("keep: opening %s: %w", req.Dataset, err)
	}
	if !ds.Filesystem || ds.Mounted {
		return false, "it is not an unmounted filesystem", nil
	}
	if kids, err := z.Children(req.Dataset); err != nil || len(kids) > 0 {
		return false, fmt.Sprintf("it has child datasets %v %v", kids, errText(err)), nil
	}
	if why, err := onlyStart(z, req); why != "" || err != nil {
		return false, why, err
	}
	w, err := z.Written(req.Dataset, req.Snapshot)
	if err != nil {
		return false, "", fmt.Errorf("keep: reading written@%s of %s: %w", req.Snapshot, req.Dataset, err)
	}
	if w == 0 {
		return false, "nothing was written since @" + req.Snapshot, nil
	}
	return true, "", nil
}

// onlyStart returns why D cannot be kept when @start is missing or a newer
// snapshot or bookmark exists (the rollback destroys those, a kept root would
// take them along and could never be pruned).
func onlyStart(z ZFS, req Request) (string, error) {
	snaps, err := z.Snapshots(req.Dataset)
	if err != nil {
		return "", fmt.Errorf("keep: listing the snapshots of %s: %w", req.Dataset, err)
	}
	start, ok := findSnap(snaps, req.start())
	if !ok {
		return req.start() + " does not exist", nil
	}
	for _, s := range snaps {
		if s.CreateTxg > start.CreateTxg {
			return "it has snapshots newer than @" + req.Snapshot + " (" + s.Name + ")", nil
		}
	}
	marks, err := z.Bookmarks(req.Dataset)
	if err != nil {
		return "", fmt.Errorf("keep: listing the bookmarks of %s: %w", req.Dataset, err)
	}
	for _, m := range marks {
		if m.CreateTxg > start.CreateTxg {
			return "it has bookmarks newer than @" + req.Snapshot + " (" + m.Name + ")", nil
		}
	}
	return "", nil
}

func findSnap(snaps []zfs.Snapshot, name string) (zfs.Snapshot, bool) {
	for _, s := range snaps {
		if s.Name == name {
			return s, true
		}
	}
	return zfs.Snapshot{}, false
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "(" + err.Error() + ")"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exists reports whether a filesystem exists.
func exists(z Reader, name string) (bool, error) {
	_, err := z.Dataset(name)
	if errors.Is(err, zfs.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("keep: opening %s: %w", name, err)
	}
	return true, nil
}
