package zfs

import "strings"

// SnapshotName joins a dataset and a snapshot: rpool/nixos/empty@start.
func SnapshotName(dataset, snap string) string { return dataset + "@" + snap }

// SplitSnapshot splits pool/fs@snap into pool/fs and snap; ok is false when
// name is not a snapshot name.
func SplitSnapshot(name string) (dataset, snap string, ok bool) {
	i := strings.IndexByte(name, '@')
	if i <= 0 || i == len(name)-1 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// Parent is the dataset that holds name ("" for a pool's root dataset).
func Parent(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ""
	}
	return name[:i]
}

// PoolOf is the pool a dataset, snapshot or bookmark name belongs to.
func PoolOf(name string) string {
	if i := strings.IndexAny(name, "/@#"); i >= 0 {
		return name[:i]
	}
	return name
}
