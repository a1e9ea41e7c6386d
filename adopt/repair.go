package adopt

import (
	"fmt"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// repairNote finishes an adoption cut short between attaching the copy
// and writing its note: the path is the persistent copy attached (bound
// or symlinked), the original is set aside beside it, and there is no
// note. It writes the note; done says it did. With a note there, the path
// is adopted already and the usual checks refuse it.
func (a *adoption) repairNote(req Request) (Result, bool, error) {
	copy, how, ok := a.attachedCopy(req.Config.PersistRoot)
	if !ok {
		return Result{}, false, nil
	}
	defer copy.Close()
	has, err := adopted.Has(a.persist, a.shown)
	if err != nil || has {
		return Result{}, false, err
	}
	e := entryOf(copy, a.shown, how)
	res := Result{Entry: e, Copy: copy.Path, Aside: pathsafe.Join(a.parent.Path, asideName(path.Base(a.rel))), Action: how, Repaired: true}
	if err := adopted.Write(a.persist, adopted.Note{Entry: e, Adopted: req.Now}); err != nil {
		return res, true, fmt.Errorf("%w; %s is attached, its note is still missing: run blankslate adopt %s again", err, a.shown, a.shown)
	}
	return res, true, nil
}

// attachedCopy opens the persistent copy of the source when the source is
// that copy attached by adopt: a bind mount of it (the same file), or a
// symlink whose text is where mounts points it, with the original set
// aside beside it.
func (a *adoption) attachedCopy(persistRoot string) (pathsafe.Handle, string, bool) {
	aside, err := pathsafe.Lookup(a.parent, asideName(path.Base(a.rel)))
	if err != nil {
		return pathsafe.None, "", false
	}
	aside.Close()
	copy, err := pathsafe.OpenBeneath(a.persist, a.rel, unix.O_PATH)
	if err != nil {
		return pathsafe.None, "", false
	}
	switch {
	case a.src.IsLink() && linkText(a.src) == path.Join(persistRoot, a.shown):
		return copy, "symlink", true
	case !a.src.IsLink() && a.src.Same(copy):
		return copy, "bind", true
	}
	copy.Close()
	return pathsafe.None, "", false
}

func linkText(h pathsafe.Handle) string {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(h.FD, "", buf)
	if err != nil || n >= len(buf) {
		return ""
	}
	return string(buf[:n])
}

// entryOf is the declaration of the path shown, as h is.
func entryOf(h pathsafe.Handle, shown, how string) config.Entry {
	kind := "directory"
	if h.IsFile() {
		kind = "file"
	}
	if how == "" {
		how = map[string]string{"directory": "bind", "file": "symlink"}[kind]
	}
	st := h.Stat
	return config.Entry{Path: shown, How: how, Type: kind, User: userName(st.Uid), Group: groupName(st.Gid), Mode: fmt.Sprintf("%04o", st.Mode&0o7777)}
}
