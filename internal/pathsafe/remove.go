package pathsafe

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// RemoveTree removes name beneath parent and everything beneath it, as
// what a killed run left: one component at a time beneath held
// descriptors, never following a symlink (unlinkat removes the link) and
// never crossing into another mount (a mount found inside is refused,
// not entered). At most limit entries are removed; past that it stops and
// says how many it removed. It returns how many it removed.
func RemoveTree(parent Handle, name string, limit int) (int, error) {
	top, err := Lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	mnt, err := MountID(top)
	top.Close()
	if err != nil {
		return 0, err
	}
	r := &remover{mount: mnt, limit: limit}
	err = r.remove(parent, name)
	return r.n, err
}

type remover struct {
	mount    uint64
	n, limit int
}

func (r *remover) remove(parent Handle, name string) error {
	h, err := Lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer h.Close()
	if id, err := MountID(h); err != nil || id != r.mount {
		return Refuse("Unmount it, then run again.", "%s is another mount (or cannot be told apart from one: %v); nothing beneath it was removed", h.Path, err)
	}
	flags := 0
	if h.IsDir() {
		if err := r.children(h); err != nil {
			return err
		}
		flags = unix.AT_REMOVEDIR
	}
	if r.n >= r.limit {
		return fmt.Errorf("more than %d entries to remove; %d were removed, the rest of %s is left", r.limit, r.n, h.Path)
	}
	if err := unix.Unlinkat(parent.FD, name, flags); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove %s: %w", h.Path, err)
	}
	r.n++
	return nil
}

// children removes what the directory h holds, a batch of names at a time.
func (r *remover) children(h Handle) error {
	for {
		names, err := readSome(h, 256)
		if err != nil || len(names) == 0 {
			return err
		}
		for _, name := range names {
			if err := r.remove(h, name); err != nil {
				return err
			}
		}
	}
}

// readSome lists up to max names of the directory h, from its start.
func readSome(h Handle, max int) ([]string, error) {
	fd, err := Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), h.Path)
	defer f.Close()
	names, err := f.Readdirnames(max)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", h.Path, err)
	}
	return names, nil
}
