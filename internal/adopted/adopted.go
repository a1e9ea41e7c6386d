// Package adopted keeps the notes `blankslate adopt` leaves beneath the
// persistent root, one per adopted path, so that `check` can warn, until
// the path is declared, that the next boot will not attach it. The notes
// are beneath the attacker-writable persistent root: they are written and
// read only through pathsafe, read bounded, and never trusted for more
// than a warning.
package adopted

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// Dir holds the notes, beneath the persistent root.
const Dir = "var/lib/blankslate/adopted"

// Bounds on what is read back: a note is a few hundred bytes.
const (
	maxNotes    = 1000
	maxNoteSize = 4096
)

// Note is what was adopted: the entry that declares it, and when.
type Note struct {
	Entry   config.Entry `json:"entry"`
	Adopted time.Time    `json:"adopted"`
}

// name is the note's file name: a hash, so that any path fits.
func name(p string) string {
	sum := sha256.Sum256([]byte(p))
	return hex.EncodeToString(sum[:12]) + ".json"
}

// Write leaves the note for n.Entry.Path beneath persist, replacing an
// older one for the same path; the directories on the way are made root's.
func Write(persist pathsafe.Handle, n Note) error {
	dir, err := pathsafe.Walk(persist, Dir, pathsafe.Root, func(parent pathsafe.Handle, name string) (pathsafe.Handle, error) {
		return pathsafe.MkdirComplete(parent, name, pathsafe.Owner{}, 0o755)
	})
	if err != nil {
		return fmt.Errorf("the note of the adoption in %s: %w", pathsafe.Join(persist.Path, Dir), err)
	}
	defer dir.Close()
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	file := name(n.Entry.Path)
	if err := unix.Unlinkat(dir.FD, file, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("replace the note %s: %w", pathsafe.Join(dir.Path, file), err)
	}
	h, err := pathsafe.CreateFile(dir, file, pathsafe.Owner{}, 0o644, append(data, '\n'))
	h.Close()
	return err
}

// Read returns the notes beneath persist, by path; none when the directory
// is missing. A note that is not root's regular file of bounded size, or
// does not parse, is an error naming it.
func Read(persist pathsafe.Handle) ([]Note, error) {
	dir, err := pathsafe.Walk(persist, Dir, pathsafe.Root, nil)
	if errors.Is(err, unix.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	names, err := list(dir)
	if err != nil {
		return nil, err
	}
	var notes []Note
	for _, nm := range names {
		if !strings.HasSuffix(nm, ".json") || strings.HasPrefix(nm, ".") {
			continue
		}
		data, err := pathsafe.ReadBeneath(dir, nm, pathsafe.Root, maxNoteSize)
		if err != nil {
			return notes, err
		}
		var n Note
		if err := json.Unmarshal(data, &n); err != nil || n.Entry.Path == "" {
			return notes, fmt.Errorf("%s is not a note of blankslate adopt (%v); remove it", pathsafe.Join(dir.Path, nm), err)
		}
		notes = append(notes, n)
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].Entry.Path < notes[j].Entry.Path })
	return notes, nil
}

func list(dir pathsafe.Handle) ([]string, error) {
	fd, err := pathsafe.Reopen(dir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), dir.Path)
	defer f.Close()
	names, err := f.Readdirnames(maxNotes + 1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("list %s: %w", dir.Path, err)
	}
	if len(names) > maxNotes {
		return nil, fmt.Errorf("%s holds more than %d names; its notes were not read", dir.Path, maxNotes)
	}
	return names, nil
}

// Undeclared are the notes whose path no entry of cfg declares: the next
// boot will not attach them.
func Undeclared(notes []Note, cfg *config.Config) []Note {
	var out []Note
	for _, n := range notes {
		declared := false
		for _, e := range cfg.Entries {
			declared = declared || e.Path == n.Entry.Path
		}
		if !declared {
			out = append(out, n)
		}
	}
	return out
}

// Remove removes the note for the path p, if there is one: adopt leaves a
// note only for a path it attached.
func Remove(persist pathsafe.Handle, p string) error {
	dir, err := pathsafe.Walk(persist, Dir, pathsafe.Root, nil)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer dir.Close()
	file := name(p)
	if err := unix.Unlinkat(dir.FD, file, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove the note %s: %w", pathsafe.Join(dir.Path, file), err)
	}
	return nil
}

// Has reports whether there is a note for the path p.
func Has(persist pathsafe.Handle, p string) (bool, error) {
	notes, err := Read(persist)
	for _, n := range notes {
		if n.Entry.Path == p {
			return true, nil
		}
	}
	return false, err
}
