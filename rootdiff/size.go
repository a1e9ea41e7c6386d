package rootdiff

import (
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// datasetSizer sizes files on the dataset mounted at root itself, not through
// the mounts on top of it: a file under a bind-mounted entry is on the root
// dataset, hidden by the mount, and only a non-recursive clone of the root's
// mount (open_tree with OPEN_TREE_CLONE, no AT_RECURSIVE) shows it. Without the
// privilege for that, sizes are read through the mounts, and files hidden by a
// mount count as empty. close releases the clone.
func datasetSizer(root string) (size Sizer, close func()) {
	tree, err := unix.OpenTree(unix.AT_FDCWD, root, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return statSizer(root), func() {}
	}
	return func(p string) (int64, bool) {
		var st unix.Stat_t
		rel := strings.TrimPrefix(p, "/")
		if rel == "" || unix.Fstatat(tree, rel, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			return 0, false
		}
		return st.Size, true
	}, func() { unix.Close(tree) }
}

// statSizer sizes files through the mounts.
func statSizer(root string) Sizer {
	return func(p string) (int64, bool) {
		st, err := os.Lstat(path.Join(root, p))
		if err != nil || !st.Mode().IsRegular() {
			return 0, false
		}
		return st.Size(), true
	}
}
