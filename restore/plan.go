package restore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// plan walks what would be copied and refuses, before anything is
// changed, when something of the target stands in the way. It returns the
// size of what is copied (sizes).
func plan(src, to pathsafe.Handle, rel string, opt Options, mnt uint64) (sizes, error) {
	c := &Conflict{}
	n := 0
	var sz sizes
	seen := map[fileID]bool{}
	err := walkSource(src, rel, &n, func(h pathsafe.Handle, rel string) error {
		if err := onMount(h, mnt); err != nil {
			return fmt.Errorf("%w; nothing was copied", err)
		}
		sz.count(h, seen)
		t, err := pathsafe.OpenBeneath(to, rel, unix.O_PATH)
		switch {
		case errors.Is(err, unix.ENOENT):
			return nil
		case errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.EXDEV):
			c.Blocked = append(c.Blocked, pathsafe.Join(to.Path, rel)+" (a symlink or a file on its way: for an entry attached by a symlink, restore with --to the persistent root)")
			return nil
		case err != nil:
			return err
		}
		defer t.Close()
		switch {
		case h.IsDir() && t.IsDir():
		case h.IsDir() || t.IsDir():
			c.Blocked = append(c.Blocked, fmt.Sprintf("%s (a %s; the kept one is a %s)", t.Path, pathsafe.TypeName(t.Stat.Mode), pathsafe.TypeName(h.Stat.Mode)))
		case !opt.Force:
			c.Exist = append(c.Exist, t.Path)
		}
		return nil
	})
	if err != nil {
		return sz, err
	}
	if len(c.Blocked) > 0 || len(c.Exist) > 0 {
		return sz, c
	}
	return sz, nil
}

// walkSource calls visit for h (at rel) and, for a directory, everything
// beneath it, never following a symlink; n counts entries against
// MaxEntries.
func walkSource(h pathsafe.Handle, rel string, n *int, visit func(pathsafe.Handle, string) error) error {
	if *n++; *n > MaxEntries {
		return fmt.Errorf("more than %d entries to restore beneath %s; nothing was restored: restore smaller parts of it", MaxEntries, h.Path)
	}
	if err := visit(h, rel); err != nil || !h.IsDir() {
		return err
	}
	names, err := readNames(h)
	if err != nil {
		return err
	}
	for _, name := range names {
		ch, err := pathsafe.Lookup(h, name)
		if err != nil {
			return err
		}
		err = walkSource(ch, rel+"/"+name, n, visit)
		ch.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readNames lists a directory of the kept root, sorted, at most MaxEntries
// names.
func readNames(h pathsafe.Handle) ([]string, error) {
	fd, err := pathsafe.Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), h.Path)
	defer f.Close()
	var names []string
	for {
		batch, err := f.Readdirnames(1024)
		names = append(names, batch...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", h.Path, err)
		}
		if len(names) > MaxEntries {
			return nil, fmt.Errorf("%s holds more than %d names; nothing beneath it was restored", h.Path, MaxEntries)
		}
	}
	sort.Strings(names)
	return names, nil
}

// onMount refuses h when mnt is not 0 and h is on another mount: the root
// of a file system mounted inside what is copied.
func onMount(h pathsafe.Handle, mnt uint64) error {
	if mnt == 0 {
		return nil
	}
	id, err := pathsafe.MountID(h)
	if err != nil {
		return err
	}
	if id != mnt {
		return pathsafe.Refuse("Unmount it, or copy what is beside it, then run again.",
			"%s is another file system mounted inside what is copied (mount ID %d): it is not copied across", h.Path, id)
	}
	return nil
}
