package adopt

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/restore"
)

// Request is one adoption.
type Request struct {
	Path   string // absolute, as on the running system
	How    string // "bind" or "symlink"; "" is bind for a directory, symlink for a file
	Config *config.Config
	Root   string     // the running root: "/" (a temporary tree in tests)
	FS     FileSystem // what Root is mounted from: RootDataset(Config.Dataset)
	Force  bool       // adopt even while a process writes to a file of Path
	Now    time.Time
	Log    *logrus.Logger // for mounts.Apply; nil is quiet
	// Progress, when set, is told how far the copy is (restore.Options).
	Progress func(done, total int64)
}

// Result is what was done.
type Result struct {
	Entry  config.Entry // the declaration to add
	Copy   string       // the persistent copy
	Copied int          // entries copied; 0 when an identical copy was there
	Aside  string       // where the original now is, on the root
	Action string       // how it is attached now (mounts' action)
	// Leftover counts the entries of a copy a killed adoption of the same
	// path had left, removed before copying.
	Leftover int
	// Repaired says the path was attached already by an adoption cut
	// short before its note, which is written now.
	Repaired bool
}

// tempName is where the copy is made in its parent beneath the persistent
// root before it is renamed into place.
func tempName(name string) string { return shortName(".blankslate-adopt.", name) }

// asideName is where the original is set aside on the root.
func asideName(name string) string { return shortName(".blankslate-adopted.", name) }

func shortName(prefix, name string) string {
	if len(prefix)+len(name) > 255 {
		name = name[:255-len(prefix)]
	}
	return prefix + name
}

// Adopt adopts req.Path.
func Adopt(req Request) (Result, error) {
	if err := refusePath(req.Path, req.Config); err != nil {
		return Result{}, err
	}
	a, err := open(req)
	if err != nil {
		return Result{}, err
	}
	defer a.close()
	if res, done, err := a.repairNote(req); done || err != nil {
		return res, err
	}
	if err := a.checkSource(); err != nil {
		return Result{}, err
	}
	if err := a.checkFileSystem(req.FS); err != nil {
		return Result{}, err
	}
	if !req.Force {
		if err := a.refuseWriters("nothing was changed"); err != nil {
			return Result{}, err
		}
	}
	res := Result{Entry: a.entry(req.How), Copy: pathsafe.Join(a.persist.Path, a.rel)}
	res.Copied, err = a.persistentCopy()
	res.Leftover = a.leftover
	if err != nil {
		return res, err
	}
	if !req.Force { // again: one may have started writing while it was copied
		if err := a.refuseWriters("the copy is complete at " + res.Copy + ", the original untouched, nothing attached"); err != nil {
			return res, err
		}
	}
	res.Aside, res.Action, err = a.attach(res.Entry, req.Log)
	if err != nil {
		if rerr := adopted.Remove(a.persist, req.Path); rerr != nil {
			err = fmt.Errorf("%w; and its old note could not be removed: %v", err, rerr)
		}
		return res, err
	}
	// The note only once attached: a note of a path not attached would have
	// check say to declare it, and the next boot attach the copy over the
	// live original.
	if err := adopted.Write(a.persist, adopted.Note{Entry: res.Entry, Adopted: req.Now}); err != nil {
		return res, fmt.Errorf("%w; %s is attached, but check will not warn that it is undeclared: run blankslate adopt %s again to write the note", err, req.Path, req.Path)
	}
	return res, nil
}

// under reports whether p is dir or lies beneath it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// refusePath refuses a path that is not the running system's own to adopt.
func refusePath(p string, cfg *config.Config) error {
	if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
		return fmt.Errorf("%q must be an absolute, clean path beneath / (not / itself); nothing was changed", p)
	}
	if err := adopted.Stateable(p); err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	for _, sys := range []string{"/nix", "/proc", "/sys", "/dev", "/run"} {
		if under(p, sys) {
			return fmt.Errorf("%s lies beneath %s, which is never rolled back or never persistent; nothing was changed", p, sys)
		}
	}
	if under(p, cfg.PersistRoot) || under(cfg.PersistRoot, p) {
		return fmt.Errorf("%s is, holds or lies beneath the persistent root %s; nothing was changed", p, cfg.PersistRoot)
	}
	for _, e := range cfg.Entries {
		switch {
		case under(p, e.Path):
			return fmt.Errorf("%s is declared already (the entry %s): it is persistent; nothing was changed", p, e.Path)
		case under(e.Path, p):
			return fmt.Errorf("%s holds the declared entry %s: adopt the paths beside it one by one; nothing was changed", p, e.Path)
		}
	}
	return nil
}

// checkSource refuses a source that is a mount point or not a directory or
// regular file.
func (a *adoption) checkSource() error {
	if !a.src.IsDir() && !a.src.IsFile() {
		return fmt.Errorf("%s is a %s: only a directory or a regular file can be adopted; nothing was changed", a.shown, pathsafe.TypeName(a.src.Stat.Mode))
	}
	mounted, err := mountinfo.IsMountRoot(a.src.FD, a.parent.FD, a.shown)
	if err != nil {
		return err
	}
	if mounted {
		return fmt.Errorf("%s is a mount point: it is not on the root the next boot erases (unmount it first if it should be adopted); nothing was changed", a.shown)
	}
	return nil
}

// persistentCopy makes the verified copy, or finds an identical one.
func (a *adoption) persistentCopy() (int, error) {
	dst, err := pathsafe.OpenBeneath(a.persist, a.rel, unix.O_PATH)
	if err == nil {
		defer dst.Close()
		return 0, a.sameAs(dst, "nothing was changed")
	}
	if !errors.Is(err, unix.ENOENT) {
		return 0, fmt.Errorf("%w; nothing was changed", err)
	}
	return a.copyIn()
}

// sameAs refuses a copy that differs from the source, listing how.
func (a *adoption) sameAs(dst pathsafe.Handle, left string) error {
	diffs, err := restore.Compare(a.src, dst)
	if err != nil {
		return fmt.Errorf("comparing %s with %s: %w; %s", a.shown, dst.Path, err, left)
	}
	for i, d := range diffs { // "/a: …" is beneath the compared trees
		diffs[i] = a.shown + strings.TrimPrefix(d, "/:")
		if strings.HasPrefix(d, "/:") {
			diffs[i] = a.shown + ":" + d[2:]
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s differs from %s: %s; %s", dst.Path, a.shown, strings.Join(diffs, "; "), left)
	}
	return nil
}
