package check

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/blankslate/blankslate/internal/human"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// hidden reports what a bind mount hides: files on the root dataset at the
// entry's path, beneath the mount. It looks through a detached, non-recursive
// clone of the mount that holds the mount point (open_tree with
// OPEN_TREE_CLONE and no AT_RECURSIVE), which shows the directory as it is
// without the mounts on top; the clone disappears when its descriptor is
// closed. Directories are read with O_NOATIME, so looking changes no access
// time and the pool gets no write.
func (r *run) hidden(e config.Entry) {
	target := joinRoot(r.in.Root, e.Path)
	names, size, err := underMount(r.in.Root, strings.TrimPrefix(e.Path, "/"), e.Type == "directory")
	switch {
	case errors.Is(err, pathsafe.ErrUnsafe):
		r.fs.add("persist.hidden", Warning, target,
			fmt.Sprintf("the mount hides something on the root dataset that is neither a file nor a directory: %v", err),
			fmt.Sprintf("See it: mkdir -p /run/bs-root && mount --bind %s /run/bs-root && ls -la /run/bs-root%s", r.in.Root, e.Path))
	case err != nil:
		r.fs.add("persist.hidden", NotChecked, target, fmt.Sprintf("what the mount may hide was not checked: %v", err), "")
	case len(names) > 0:
		shown := names
		if len(shown) > 5 {
			shown = append(shown[:5:5], "…")
		}
		r.fs.add("persist.hidden", Warning, target,
			fmt.Sprintf("the mount hides %d entries on the root dataset (%s); they are erased at the next boot", len(names), strings.Join(shown, ", ")),
			fmt.Sprintf("See them: mkdir -p /run/bs-root && mount --bind %s /run/bs-root && ls -la /run/bs-root%s; copy what matters into %s",
				r.in.Root, e.Path, joinRoot(r.in.Root, r.cfg.PersistRoot+e.Path))).with("hidden", len(names))
	case size > 0:
		r.fs.add("persist.hidden", Warning, target,
			fmt.Sprintf("the mount hides a %s file on the root dataset; it is erased at the next boot", human.Bytes(uint64(size))),
			fmt.Sprintf("See it: mkdir -p /run/bs-root && mount --bind %s /run/bs-root && cat /run/bs-root%s", r.in.Root, e.Path)).with("bytes", size)
	default:
		r.fs.ok("persist.hidden", target, "the mount hides nothing")
	}
}

// underMount lists what is at rel beneath root with every mount on top of it
// ignored: the names in a directory, or the size of a file. Only a directory
// or a regular file is opened there (pathsafe.Reopen: O_NONBLOCK, after the
// type is known from an O_PATH lookup); anything else, a FIFO that would
// block or a device that opening could act on, is an unsafe finding.
func underMount(root, rel string, dir bool) ([]string, int64, error) {
	r, err := pathsafe.OpenPath(root)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	parent, err := pathsafe.OpenBeneath(r, path.Dir(rel), unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return nil, 0, err
	}
	defer parent.Close()
	tree, err := unix.OpenTree(parent.FD, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH)
	if err != nil {
		return nil, 0, fmt.Errorf("open_tree: %w", err)
	}
	clone := pathsafe.Handle{FD: tree, Path: parent.Path}
	defer clone.Close()
	h, err := pathsafe.Lookup(clone, path.Base(rel))
	if err != nil {
		return nil, 0, fmt.Errorf("the mount point: %w", err)
	}
	defer h.Close()
	if !dir && h.IsFile() {
		return nil, h.Stat.Size, nil
	}
	return listUnder(h)
}

// listUnder lists the directory h, reading it with O_NOATIME so that not
// even an access time changes; Reopen refuses anything but a directory or a
// regular file (and a regular file fails O_DIRECTORY).
func listUnder(h pathsafe.Handle) ([]string, int64, error) {
	fd, err := pathsafe.Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOATIME)
	if err != nil {
		return nil, 0, err
	}
	f := os.NewFile(uintptr(fd), h.Path)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, 0, err
	}
	return names, 0, nil
}
