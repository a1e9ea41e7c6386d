package adopt

import (
	"fmt"
	"strings"

	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// FileSystem names a file system as /proc/self/mountinfo does: the type
// and the source, which for ZFS is the dataset.
type FileSystem struct{ Type, Source string }

// RootDataset is the file system the next boot resets: the configured
// root dataset.
func RootDataset(dataset string) FileSystem { return FileSystem{Type: "zfs", Source: dataset} }

func (f FileSystem) String() string { return f.Source + " (" + f.Type + ")" }

// mountTable is where the mounts are read from.
const mountTable = "/proc/self/mountinfo"

// checkFileSystem refuses a source that is not on the file system the
// next boot resets (a separate /home dataset, the ESP, a FUSE mount: the
// next boot erases none of them, so adopting would move the original for
// nothing, or where a boot loader or firmware reads it), and a source that
// has another file system mounted beneath it.
func (a *adoption) checkFileSystem(want FileSystem) error {
	id, err := pathsafe.MountID(a.src)
	if err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	ms, err := mountinfo.Read(mountTable)
	if err != nil {
		return fmt.Errorf("reading %s: %w; nothing was changed", mountTable, err)
	}
	m, ok := byID(ms, id)
	if !ok {
		return fmt.Errorf("%s is on mount %d, which %s does not list; nothing was changed", a.shown, id, mountTable)
	}
	if (FileSystem{m.FSType, m.Source}) != want {
		return fmt.Errorf("%s is on %s, mounted at %s, not on the root dataset %s that the next boot resets: it persists (or not) as that file system does, and adopting it would only move it; nothing was changed",
			a.shown, FileSystem{m.FSType, m.Source}, m.Point, want)
	}
	return a.refuseMountsBeneath(ms)
}

// refuseMountsBeneath refuses a source with a mount inside it, naming it.
func (a *adoption) refuseMountsBeneath(ms []mountinfo.Mount) error {
	real, err := pathsafe.RealPath(a.src)
	if err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Point, strings.TrimSuffix(real, "/")+"/") {
			return fmt.Errorf("%s has %s mounted inside it at %s: adopt never copies across a mount (unmount it, or adopt the paths beside it); nothing was changed",
				a.shown, FileSystem{m.FSType, m.Source}, m.Point)
		}
	}
	return nil
}

func byID(ms []mountinfo.Mount, id uint64) (mountinfo.Mount, bool) {
	for _, m := range ms {
		if uint64(m.ID) == id {
			return m, true
		}
	}
	return mountinfo.Mount{}, false
}
