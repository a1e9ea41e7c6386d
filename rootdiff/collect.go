package rootdiff

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/blankslate/blankslate/check"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/zfs"
)

// Source is what diff reads from ZFS; internal/zfs/libzfs implements it.
type Source interface {
	// Dataset describes a dataset; zfs.ErrNotFound (wrapped) when missing.
	Dataset(name string) (zfs.Dataset, error)
	// Diff writes `zfs diff -H -F fs@snap` (against the head) to w.
	Diff(fs, snap string, w io.Writer) error
}

// Collect lists what differs in the configured dataset from its snapshot,
// classified against the configuration and the mounts of this system.
func Collect(src Source, cfg *config.Config, sys check.System) (*Report, error) {
	ds, err := src.Dataset(cfg.Dataset)
	switch {
	case errors.Is(err, zfs.ErrNotFound):
		return nil, fmt.Errorf("dataset %s does not exist; check \"dataset\" in the configuration (blankslate check)", cfg.Dataset)
	case err != nil:
		return nil, err
	case !ds.Mounted:
		return nil, fmt.Errorf("%s is not mounted, and zfs diff reads a mounted dataset; on the running system it is / "+
			"(from a rescue shell: mount -t zfs -o ro %s /mnt, then run blankslate diff again)", cfg.Dataset, cfg.Dataset)
	}
	changes, err := read(src, cfg, ds.MountedAt)
	if err != nil {
		return nil, err
	}
	l := Layout{MountPoints: mountPoints(sys, ds.MountedAt)}
	for _, e := range cfg.Entries {
		l.Entries = append(l.Entries, e.Path)
	}
	l.MountPoints = append(l.MountPoints, cfg.PersistRoot)
	size, release := datasetSizer(ds.MountedAt)
	defer release()
	r := Build(changes, l, size)
	r.Dataset, r.Snapshot, r.MountedAt = cfg.Dataset, cfg.Snapshot, ds.MountedAt
	Suggest(r, cfg)
	return r, nil
}

// read streams libzfs's output straight into the parser.
func read(src Source, cfg *config.Config, mountedAt string) ([]Change, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := src.Diff(cfg.Dataset, cfg.Snapshot, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	changes, perr := Parse(pr, mountedAt)
	io.Copy(io.Discard, pr) // let the writer finish even if parsing stopped
	if err := <-done; err != nil {
		return nil, err
	}
	return changes, perr
}

// mountPoints lists the mounts beneath the root, as paths in it: systemd and
// the initrd create them on the blank root at every boot.
func mountPoints(sys check.System, root string) []string {
	ms, err := mountinfo.Read(sys.Mountinfo)
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range ms {
		if root == "/" && m.Point != "/" {
			out = append(out, m.Point)
		} else if rest, ok := strings.CutPrefix(m.Point, root+"/"); ok && root != "/" {
			out = append(out, "/"+rest)
		}
	}
	return out
}
