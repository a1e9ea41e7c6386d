package adopt

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/mounts"
	"github.com/blankslate/blankslate/restore"
)

// adoption holds what one adoption has open: the running root, the
// persistent root, the path adopted and its parent directories.
type adoption struct {
	root, persist pathsafe.Handle
	src, parent   pathsafe.Handle // parent: root or the last of parents
	parents       []pathsafe.Handle
	rel, shown    string // "srv/data", "/srv/data"
	leftover      int    // entries of a killed run's copy removed
	persistPath   string // the persistent root as seen here
	rootPath      string
	progress      func(done, total int64) // Request.Progress
}

func open(req Request) (*adoption, error) {
	a := &adoption{root: pathsafe.None, persist: pathsafe.None, src: pathsafe.None,
		rel: req.Path[1:], shown: req.Path, rootPath: req.Root, persistPath: joinRoot(req.Root, req.Config.PersistRoot),
		progress: req.Progress}
	var err error
	if a.root, err = pathsafe.OpenRoot(req.Root, pathsafe.Root); err != nil {
		return nil, fmt.Errorf("the root %s: %w; nothing was changed", req.Root, err)
	}
	if a.src, a.parents, err = restore.Open(a.root, a.rel); err != nil {
		a.close()
		return nil, fmt.Errorf("%s: %w; nothing was changed", req.Path, err)
	}
	a.parent = a.root
	if len(a.parents) > 0 {
		a.parent = a.parents[len(a.parents)-1]
	}
	if err := a.openPersist(); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// openPersist opens the persistent root, which must be mounted: a copy
// written into a plain directory of the root would be erased with it.
func (a *adoption) openPersist() error {
	ok, err := mountinfo.IsMountPoint(a.persistPath)
	if err == nil && !ok {
		err = fmt.Errorf("it is not a mount point: a copy there would be erased with the root")
	}
	if err == nil {
		a.persist, err = pathsafe.OpenRoot(a.persistPath, pathsafe.Root)
	}
	if err != nil {
		return fmt.Errorf("the persistent root %s: %w; nothing was changed", a.persistPath, err)
	}
	return nil
}

func (a *adoption) close() {
	for _, h := range append(a.parents, a.root, a.persist, a.src) {
		h.Close()
	}
}

// copyIn copies the source into the persistent root under a temporary
// name, syncs it, verifies it and renames it into place.
func (a *adoption) copyIn() (int, error) {
	dir, name := path.Split(a.rel)
	tmpRel := path.Join(dir, tempName(name))
	if err := a.removeLeftover(dir, tempName(name)); err != nil {
		return 0, err
	}
	items, err := restore.CopyAs(a.root, a.persist, a.rel, tempName(name), restore.Options{OneFileSystem: true, Progress: a.progress})
	if err != nil {
		return len(items), fmt.Errorf("copying %s into %s: %w; the original is untouched, nothing is attached, and whatever is left at %s the next adoption of the path removes", a.shown, a.persistPath, err, pathsafe.Join(a.persist.Path, tmpRel))
	}
	if err := syncFS(a.persist); err != nil {
		return len(items), err
	}
	tmp, err := pathsafe.OpenBeneath(a.persist, tmpRel, unix.O_PATH)
	if err != nil {
		return len(items), err
	}
	defer tmp.Close()
	left := fmt.Sprintf("the copy was left at %s for you to look at (the next adoption of the path removes it); nothing else was changed", tmp.Path)
	if err := a.sameAs(tmp, left); err != nil {
		return len(items), fmt.Errorf("the copy does not match: %w", err)
	}
	return len(items), a.rename(dir, tempName(name), name)
}

// removeLeftover removes the temporary copy a killed adoption of the same
// path left: a partial copy of this very source, never in place.
func (a *adoption) removeLeftover(dir, name string) error {
	parent, err := pathsafe.OpenBeneath(a.persist, path.Join(".", dir), unix.O_PATH|unix.O_DIRECTORY)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	defer parent.Close()
	h, err := pathsafe.Lookup(parent, name)
	h.Close()
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	// Only where nobody but root can rename: elsewhere its user could have
	// renamed a directory of root's to the leftover's name.
	if err := pathsafe.Root.Check(parent); err != nil {
		return fmt.Errorf("%s is left from an adoption that was cut short, in a directory someone else can change (%v): look at it, remove it, then run again; nothing was changed", pathsafe.Join(parent.Path, name), err)
	}
	n, err := pathsafe.RemoveTree(parent, name, restore.MaxEntries)
	a.leftover = n
	if err != nil {
		return fmt.Errorf("removing %s, left by an adoption that was cut short: %w; nothing else was changed: look at it, remove it, then run again", pathsafe.Join(parent.Path, name), err)
	}
	return nil
}

// rename moves the verified copy into place, never over anything.
func (a *adoption) rename(dir, from, to string) error {
	parent, err := pathsafe.OpenBeneath(a.persist, path.Join(".", dir), unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer parent.Close()
	if err := unix.Renameat2(parent.FD, from, parent.FD, to, unix.RENAME_NOREPLACE); err != nil {
		return fmt.Errorf("renaming the verified copy %s into place: %w; it is complete there, nothing else was changed", pathsafe.Join(parent.Path, from), err)
	}
	return syncFS(parent)
}

// syncFS syncs the file system h is on: the copy must be on disk before
// the original is set aside.
func syncFS(h pathsafe.Handle) error {
	fd, err := pathsafe.Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Syncfs(fd); err != nil {
		return fmt.Errorf("syncing %s: %w", h.Path, err)
	}
	return nil
}

// entry is the declaration of the adopted path, with the owner and mode
// it has.
func (a *adoption) entry(how string) config.Entry {
	return entryOf(a.src, a.shown, how)
}

// mountsEntry is e as mounts.Apply takes it.
func (a *adoption) mountsEntry(e config.Entry) mounts.Entry {
	st := a.src.Stat
	mode := os.FileMode(st.Mode & 0o777)
	for bit, m := range map[uint32]os.FileMode{unix.S_ISVTX: os.ModeSticky, unix.S_ISGID: os.ModeSetgid, unix.S_ISUID: os.ModeSetuid} {
		if st.Mode&bit != 0 {
			mode |= m
		}
	}
	return mounts.Entry{Path: e.Path, How: mounts.How(e.How), Kind: mounts.Kind(e.Type), UID: int(st.Uid), GID: int(st.Gid), Mode: mode}
}

func userName(uid uint32) string {
	if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
		return u.Username
	}
	return strconv.Itoa(int(uid))
}

func groupName(gid uint32) string {
	if g, err := user.LookupGroupId(strconv.Itoa(int(gid))); err == nil {
		return g.Name
	}
	return strconv.Itoa(int(gid))
}

func joinRoot(root, p string) string {
	if root == "/" {
		return p
	}
	return root + p
}
