package mounts

import (
	"fmt"
	"os"
	"path"
	"strings"
	"time"
)

// How says how an entry is attached to the new root.
type How string

// Kind says what an entry's persistent copy is.
type Kind string

const (
	// Bind attaches the persistent copy with a bind mount.
	Bind How = "bind"
	// Symlink attaches the persistent copy with a symlink.
	Symlink How = "symlink"

	// Directory entries are directories on both sides.
	Directory Kind = "directory"
	// File entries are regular files on both sides.
	File Kind = "file"
)

// Actions reported in Outcome.Action.
const (
	ActionBindMounted    = "bind-mounted"
	ActionAlreadyMounted = "already mounted"
	ActionSymlinked      = "symlinked"
	ActionAlreadyLinked  = "already linked"
	ActionRefused        = "refused"
	ActionFailed         = "failed"
)

// Entry is one declared path.
type Entry struct {
	Path string      // absolute path inside the new root, e.g. "/var/lib"
	How  How         // Bind or Symlink
	Kind Kind        // Directory or File
	UID  int         // owner of a newly created persistent copy
	GID  int         // group of a newly created persistent copy
	Mode os.FileMode // permission bits of a newly created persistent copy, applied as given
}

// Outcome is what Apply did for one entry.
type Outcome struct {
	Entry  Entry
	Action string // one of the Action constants
	Err    error  // nil on success; a *Refusal when blankslate declined to act
	// Created lists what this run created for the entry (parents, the
	// persistent copy, the mount point), as paths in the current namespace.
	Created []string
}

// Result is what Apply did for all entries.
type Result struct {
	Outcomes []Outcome
	Took     time.Duration
}

// Failed counts the entries that were not attached.
func (r Result) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Err != nil {
			n++
		}
	}
	return n
}

// rel turns the entry path into a path relative to a root, after checking
// it. The caller validates paths already; this is the last line of defence
// against a plan that would resolve outside a root or onto the root itself.
func (e Entry) rel() (string, error) {
	p := e.Path
	switch {
	case !path.IsAbs(p):
		return "", fmt.Errorf("path %q is not absolute", p)
	case path.Clean(p) != p:
		return "", fmt.Errorf("path %q is not clean (expected %q)", p, path.Clean(p))
	case p == "/":
		return "", fmt.Errorf("path %q is the root itself", p)
	case strings.Contains(p, "\x00"):
		return "", fmt.Errorf("path %q contains a NUL byte", p)
	}
	return p[1:], nil
}

// check rejects entries whose How or Kind is not one we know.
func (e Entry) check() error {
	if e.How != Bind && e.How != Symlink {
		return fmt.Errorf("unknown how %q (want %q or %q)", e.How, Bind, Symlink)
	}
	if e.Kind != Directory && e.Kind != File {
		return fmt.Errorf("unknown type %q (want %q or %q)", e.Kind, Directory, File)
	}
	if e.Mode&0o002 != 0 && e.Mode&os.ModeSticky == 0 {
		return fmt.Errorf("mode %04o would let anybody replace what is in the persistent copy; add the sticky bit or drop o+w", unixMode(e.Mode))
	}
	if e.UID < 0 || e.GID < 0 {
		return fmt.Errorf("negative owner %d:%d", e.UID, e.GID)
	}
	return nil
}

// untouched says what a refusal left alone, for the error text.
func (e Entry) untouched() string {
	if e.How == Symlink {
		return "no symlink was made for this entry"
	}
	return "nothing was mounted for this entry"
}
