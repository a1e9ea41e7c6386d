package adopt

import (
	"errors"
	"fmt"
	"path"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/mounts"
)

// attach sets the original aside on the root, then attaches the
// persistent copy as persist does at boot; when that fails, the original
// is put back.
func (a *adoption) attach(e config.Entry, log *logrus.Logger) (string, string, error) {
	name := path.Base(a.rel)
	aside := asideName(name)
	shownAside := pathsafe.Join(a.parent.Path, aside)
	if err := unix.Renameat2(a.parent.FD, name, a.parent.FD, aside, unix.RENAME_NOREPLACE); err != nil {
		return "", "", fmt.Errorf("setting %s aside as %s: %w; the copy is complete at %s, nothing is attached", a.shown, shownAside, err, pathsafe.Join(a.persist.Path, a.rel))
	}
	res := mounts.Apply(a.rootPath, a.persistPath, []mounts.Entry{a.mountsEntry(e)}, log)
	o := res.Outcomes[0]
	if o.Err == nil {
		return shownAside, o.Action, nil
	}
	if err := a.putBack(name, aside); err != nil {
		return shownAside, "", fmt.Errorf("attaching %s: %v; and putting the original back failed: %w (it is at %s)", a.shown, o.Err, err, shownAside)
	}
	return "", "", fmt.Errorf("attaching %s: %v; the original is back in place, the copy stays at %s", a.shown, o.Err, pathsafe.Join(a.persist.Path, a.rel))
}

// putBack renames the original back, removing first what a failed attach
// may have left at its name: an empty directory or file, or a symlink.
func (a *adoption) putBack(name, aside string) error {
	err := unix.Renameat2(a.parent.FD, aside, a.parent.FD, name, unix.RENAME_NOREPLACE)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	h, err := pathsafe.Lookup(a.parent, name)
	if err != nil {
		return err
	}
	defer h.Close()
	switch {
	case h.IsDir():
		err = unix.Unlinkat(a.parent.FD, name, unix.AT_REMOVEDIR) // only when empty
	case h.IsLink() || (h.IsFile() && h.Stat.Size == 0):
		err = unix.Unlinkat(a.parent.FD, name, 0)
	default:
		err = fmt.Errorf("%s holds something new", h.Path)
	}
	if err != nil {
		return err
	}
	return unix.Renameat2(a.parent.FD, aside, a.parent.FD, name, unix.RENAME_NOREPLACE)
}
