package mounts

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// States reported in EntryStatus.State.
const (
	StateMounted    = "mounted"     // bind entry: target is a mount of the persistent copy
	StateLinked     = "linked"      // symlink entry: target links to the persistent copy
	StateNotMounted = "not mounted" // bind entry not attached
	StateNotLinked  = "not linked"  // symlink entry not attached
	StateMissing    = "missing"     // the persistent copy does not exist
	StateUnsafe     = "unsafe"      // Apply would refuse this entry
	StateError      = "error"       // it could not be read back
)

// EntryStatus is what Status found for one entry.
type EntryStatus struct {
	Entry    Entry
	Attached bool
	State    string // one of the State constants
	Source   string // the persistent copy, <persistRoot><Path>
	Target   string // <newRoot><Path>
	Err      error  // why the entry is not attached; nil when it is
	// Copy is the persistent copy as persist's checked walk found it; nil
	// when it is missing or persist would refuse it, and CopyErr says why.
	Copy    *CopyInfo
	CopyErr error
}

// CopyInfo is the owner and mode of a persistent copy.
type CopyInfo struct {
	UID, GID int
	Mode     uint32 // permission, set-id and sticky bits
}

// Status reads back, writing nothing, whether each entry is attached: for
// a bind entry the target is a mount root whose device and inode are the
// persistent copy's; for a symlink entry the target is a symlink saying
// where the persistent copy is after switch-root, and following it as the
// new root will leads to that copy. It is what `blankslate check` runs.
func Status(newRoot, persistRoot string, entries []Entry) []EntryStatus {
	r, rootErr := openRoots(newRoot, persistRoot)
	if r != nil {
		defer r.Close()
	}
	out := make([]EntryStatus, 0, len(entries))
	for _, e := range entries {
		s := EntryStatus{Entry: e, Source: join(persistRoot, trimLead(e.Path)), Target: join(newRoot, trimLead(e.Path))}
		if rootErr != nil {
			s.State, s.Err = stateOf(rootErr), forEntry(e, rootErr)
			s.CopyErr = s.Err
		} else {
			statusOf(r, &s)
		}
		out = append(out, s)
	}
	return out
}

// statusOf fills in s for one entry with the same checked lookups and
// the same refusals as Apply, creation switched off: an entry Apply would
// refuse is StateUnsafe with Apply's reason, never "not attached".
func statusOf(r *roots, s *EntryStatus) {
	e := s.Entry
	rel, err := e.rel()
	if err == nil {
		err = e.check()
	}
	if err == nil {
		err = r.overlapsPersist(e)
	}
	if err != nil {
		s.State, s.Err = stateOf(err), forEntry(e, err)
		return
	}
	src, copyErr := readCopy(r, s, rel)
	defer src.Close()
	if err := precheckTarget(r, e, rel, s.Source); err != nil {
		s.State, s.Err = stateOf(err), forEntry(e, err)
		return
	}
	if copyErr != nil {
		s.State, s.Err = stateOf(copyErr), s.CopyErr
		if errors.Is(copyErr, unix.ENOENT) {
			s.State = StateMissing
		}
		return
	}
	attachedState(r, s, rel, src)
}

// readCopy opens the persistent copy as Apply does and records what it
// found in s.Copy, or why not in s.CopyErr.
func readCopy(r *roots, s *EntryStatus, rel string) (handle, error) {
	e := s.Entry
	src, err := openCopy(r, e, rel, false, nil)
	switch {
	case errors.Is(err, unix.ENOENT):
		s.CopyErr = fmt.Errorf("%s: the persistent copy %s does not exist (%w)", e.Path, s.Source, err)
	case err != nil:
		s.CopyErr = forEntry(e, err)
	default:
		s.Copy = &CopyInfo{UID: int(src.Stat.Uid), GID: int(src.Stat.Gid), Mode: src.Stat.Mode & 0o7777}
	}
	return src, err
}

// attachedState judges the attachment of an entry whose copy is sound.
func attachedState(r *roots, s *EntryStatus, rel string, src handle) {
	e := s.Entry
	var err error
	if e.How == Bind {
		err = checkBound(r, e, rel, src)
	} else {
		err = checkLinked(r, e, rel, src)
	}
	s.Attached = err == nil
	switch {
	case err == nil && e.How == Bind:
		s.State = StateMounted
	case err == nil:
		s.State = StateLinked
	case errors.Is(err, errNotAttached) && e.How == Bind:
		s.State, s.Err = StateNotMounted, fmt.Errorf("%s: %w", e.Path, err)
	case errors.Is(err, errNotAttached):
		s.State, s.Err = StateNotLinked, fmt.Errorf("%s: %w", e.Path, err)
	default:
		s.State, s.Err = stateOf(err), forEntry(e, err)
	}
}

// errNotAttached marks the ordinary "not (yet) attached" findings, as
// opposed to unsafe or unreadable ones.
var errNotAttached = errors.New("not attached")

func notAttached(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errNotAttached}, args...)...)
}

// checkBound: the target must be a mount root with the copy's identity.
func checkBound(r *roots, e Entry, rel string, src handle) error {
	dst, parent, err := openTarget(r, e, rel)
	if err != nil {
		return err
	}
	defer parent.Close()
	defer dst.Close()
	if err := checkTargetType(dst, e); err != nil {
		return err
	}
	mounted, err := boundFrom(dst, parent, src)
	switch {
	case err != nil:
		return err
	case !mounted:
		return notAttached("%s is not a mount point", dst.Path)
	}
	return nil
}

// checkLinked: the target must be the right symlink and lead to the copy.
func checkLinked(r *roots, e Entry, rel string, src handle) error {
	want, err := r.linkText(e)
	if err != nil {
		return err
	}
	cur, parent, err := openTarget(r, e, rel)
	if err != nil {
		return err
	}
	defer parent.Close()
	defer cur.Close()
	if err := linkSays(cur, want, src.Path); err != nil {
		return err
	}
	return resolvesTo(r, rel, src)
}

// openTarget looks up <newRoot><Path> and its parent without creating
// anything; a missing target or parent is "not attached".
func openTarget(r *roots, e Entry, rel string) (handle, handle, error) {
	parent, name, err := openTargetParent(r, e, rel, false, nil)
	if err == nil {
		var dst handle
		dst, err = lookup(parent, name)
		if err == nil {
			return dst, parent, nil
		}
		parent.Close()
	}
	if errors.Is(err, unix.ENOENT) {
		return none, none, notAttached("%s does not exist", join(r.newRoot.Path, rel))
	}
	return none, none, err
}

func stateOf(err error) string {
	if errors.Is(err, ErrRefused) {
		return StateUnsafe
	}
	return StateError
}

func trimLead(p string) string {
	if len(p) > 0 && p[0] == '/' {
		return p[1:]
	}
	return p
}
