package restore

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// tempName is where a file or symlink is put before it is renamed over an
// existing one (Force), and where a symlink is made before it is renamed
// into place. A copy made there is complete, so a leftover is only a
// duplicate, removed by the next run.
const tempName = pathsafe.TempPrefix + "restore"

type fileID struct{ dev, ino uint64 }

// copier copies one set; links remembers the first copy of each file that
// has several names in the kept root, so the others become hard links.
type copier struct {
	opt   Options
	items []Item
	links map[fileID]pathsafe.Handle
	first map[fileID]string
	mount uint64 // with OneFileSystem, the mount everything must be on
	total int64  // the bytes of file data to copy (sizes.Data), for Progress
	done  int64
}

// advance counts n bytes of file data as copied, for Options.Progress.
func (c *copier) advance(n int64) {
	c.done += n
	if c.opt.Progress != nil {
		c.opt.Progress(c.done, c.total)
	}
}

func (c *copier) close() {
	for _, h := range c.links {
		h.Close()
	}
}

func (c *copier) add(shown string, src pathsafe.Handle, action string) {
	it := Item{Path: shown, Type: pathsafe.TypeName(src.Stat.Mode), Action: action}
	if src.IsFile() {
		it.Size = src.Stat.Size
	}
	c.items = append(c.items, it)
}

// targetParent opens the parent of rel beneath to, creating each missing
// directory as it is in the kept root (parents, outermost first); every
// existing one must pass the ownership rule of what is restored.
func (c *copier) targetParent(to pathsafe.Handle, rel string, parents []pathsafe.Handle, rule pathsafe.Rule) (pathsafe.Handle, error) {
	cur, err := to.Dup()
	if err != nil {
		return pathsafe.None, err
	}
	names := strings.Split(rel, "/")
	for i, p := range parents {
		next, made, err := c.openOrMakeDir(p, cur, names[i], "/"+path.Join(names[:i+1]...), rule)
		if err == nil && made {
			err = setTimesFD(next, p)
		}
		cur.Close()
		if err != nil {
			return pathsafe.None, err
		}
		cur = next
	}
	return cur, nil
}

// node copies src to name beneath parent, by type.
func (c *copier) node(src, parent pathsafe.Handle, name, shown string) error {
	if err := onMount(src, c.mount); err != nil {
		return err // mounted since the plan was made
	}
	switch {
	case src.IsDir():
		return c.dir(src, parent, name, shown)
	case src.IsFile():
		return c.file(src, parent, name, shown)
	case src.IsLink():
		return c.symlink(src, parent, name, shown)
	}
	c.add(shown, src, "skipped: only directories, regular files and symlinks are restored")
	return nil
}

func (c *copier) dir(src, parent pathsafe.Handle, name, shown string) error {
	dst, made, err := c.openOrMakeDir(src, parent, name, shown, ruleFor(src))
	if err != nil {
		return err
	}
	defer dst.Close()
	names, err := readNames(src)
	if err != nil {
		return err
	}
	for _, n := range names {
		ch, err := pathsafe.Lookup(src, n)
		if err == nil {
			err = c.node(ch, dst, n, shown+"/"+n)
			ch.Close()
		}
		if err != nil {
			return err
		}
	}
	if made {
		return setTimesFD(dst, src) // last: every name added changed them
	}
	return nil
}

// openOrMakeDir opens the directory name beneath parent, or makes it as
// src is (owner, mode, xattrs); made says which. An existing one must pass
// rule.
func (c *copier) openOrMakeDir(src, parent pathsafe.Handle, name, shown string, rule pathsafe.Rule) (pathsafe.Handle, bool, error) {
	h, err := pathsafe.Lookup(parent, name)
	if err == nil {
		if err = pathsafe.MustBeDir(h); err == nil {
			err = rule.Check(h)
		}
		if err != nil {
			h.Close()
			return pathsafe.None, false, fmt.Errorf("%w; %s was not restored", err, shown)
		}
		return h, false, nil
	}
	if !errors.Is(err, unix.ENOENT) {
		return pathsafe.None, false, err
	}
	h, err = pathsafe.MkdirStaged(parent, name, ownerOf(src), src.Stat.Mode&0o7777)
	if err == nil {
		err = copyXattrsOf(src, h)
	}
	if err != nil {
		h.Close()
		return pathsafe.None, false, err
	}
	c.add(shown, src, "restored")
	return h, true, nil
}

func (c *copier) file(src, parent pathsafe.Handle, name, shown string) error {
	id := fileID{src.Stat.Dev, src.Stat.Ino}
	if first, ok := c.links[id]; ok {
		action, err := c.place(first.FD, parent, name, shown)
		if err == nil {
			c.add(shown, src, strings.Replace(action, "restored", "hard link", 1))
			c.items[len(c.items)-1].LinkTo = c.first[id]
		}
		return err
	}
	fd, err := writeCopy(src, parent, c.advance)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	action, err := c.place(fd, parent, name, shown)
	if err != nil {
		return err
	}
	if src.Stat.Nlink > 1 {
		if err := c.remember(id, fd, parent, name, shown); err != nil {
			return err
		}
	}
	c.add(shown, src, action)
	return nil
}

// remember keeps the first copy of a multiply-linked file open, checked
// to be the file just written.
func (c *copier) remember(id fileID, fd int, parent pathsafe.Handle, name, shown string) error {
	h, err := pathsafe.Lookup(parent, name)
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Ino != h.Stat.Ino || st.Dev != h.Stat.Dev {
		h.Close()
		return pathsafe.Refuse(pathsafe.RaceFix, "%s was replaced while it was being restored", h.Path)
	}
	if c.first == nil {
		c.first = map[fileID]string{}
	}
	c.links[id], c.first[id] = h, shown
	return nil
}

// place links the complete file fd (an O_TMPFILE, or a first copy) in as
// name: linkat never replaces, so without Force an existing name stays;
// with it, the file is linked at tempName and renamed over it.
func (c *copier) place(fd int, parent pathsafe.Handle, name, shown string) (string, error) {
	p, err := pathsafe.ProcFD(fd)
	if err != nil {
		return "", err
	}
	err = unix.Linkat(unix.AT_FDCWD, p, parent.FD, name, unix.AT_SYMLINK_FOLLOW)
	if err == nil {
		return "restored", nil
	}
	if !errors.Is(err, unix.EEXIST) || !c.opt.Force {
		return "", fmt.Errorf("restore %s: link into %s: %w", shown, parent.Path, err)
	}
	if err := removeStale(parent); err != nil {
		return "", err
	}
	if err := unix.Linkat(unix.AT_FDCWD, p, parent.FD, tempName, unix.AT_SYMLINK_FOLLOW); err != nil {
		return "", fmt.Errorf("restore %s: link at %s: %w", shown, pathsafe.Join(parent.Path, tempName), err)
	}
	return "replaced", renameOver(parent, name, shown)
}

func (c *copier) symlink(src, parent pathsafe.Handle, name, shown string) error {
	target, err := readLink(src)
	if err != nil {
		return err
	}
	// Made, owned and timed in a staging directory only root can write:
	// by name in parent, its user could rename another file over it first.
	s, err := pathsafe.NewStaging(parent, name)
	if err != nil {
		return fmt.Errorf("restore %s: %w; it was left as it is", shown, err)
	}
	defer s.Close()
	if err := s.Symlink(target, ownerOf(src), times(src)); err != nil {
		return fmt.Errorf("restore %s: %w; it was left as it is", shown, err)
	}
	action := "restored"
	err = s.Place(name, false)
	if errors.Is(err, unix.EEXIST) && c.opt.Force {
		action, err = "replaced", s.Place(name, true)
	}
	if err != nil {
		return fmt.Errorf("restore %s: %w; it was left as it is", shown, err)
	}
	c.add(shown, src, action+" -> "+target)
	return nil
}

// renameOver renames tempName over name, which must not be a directory
// (the plan refused that; a directory that appeared since fails here).
func renameOver(parent pathsafe.Handle, name, shown string) error {
	if h, err := pathsafe.Lookup(parent, name); err == nil {
		isDir := h.IsDir()
		h.Close()
		if isDir {
			_ = unix.Unlinkat(parent.FD, tempName, 0)
			return fmt.Errorf("restore %s: a directory appeared there; it was left as it is", shown)
		}
	}
	if err := unix.Renameat(parent.FD, tempName, parent.FD, name); err != nil {
		_ = unix.Unlinkat(parent.FD, tempName, 0)
		return fmt.Errorf("restore %s: replace it: %w; it was left as it is", shown, err)
	}
	return nil
}

// removeStale removes what a killed run left at tempName: a complete copy
// or a symlink (never a directory, so nothing beneath it can be lost).
func removeStale(parent pathsafe.Handle) error {
	err := unix.Unlinkat(parent.FD, tempName, 0)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return pathsafe.Refuse("Look at it and remove it, then run again.",
		"%s, the temporary name of a restore, is taken and cannot be removed (%v)", pathsafe.Join(parent.Path, tempName), err)
}

// readLink reads the target of the symlink src refers to, as text: it is
// copied, never resolved.
func readLink(src pathsafe.Handle) (string, error) {
	buf := make([]byte, unix.PathMax+1)
	n, err := unix.Readlinkat(src.FD, "", buf)
	if err != nil {
		return "", fmt.Errorf("read the symlink %s: %w", src.Path, err)
	}
	if n > unix.PathMax {
		return "", fmt.Errorf("the symlink %s is longer than %d bytes; it was not restored", src.Path, unix.PathMax)
	}
	return string(buf[:n]), nil
}
