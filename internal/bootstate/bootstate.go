// Package bootstate is the note the rollback step leaves in /run for the
// running system when this boot's root is not the blank root: not reset
// (blankslate.rollback=skip) or a copy of a kept root (blankslate.root=).
// `blankslate check` reads it; /run survives switch-root and is gone at
// the next boot, as the state it describes.
package bootstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Path is where the rollback step leaves the note.
const Path = "/run/blankslate/root-state.json"

// The states a note can tell of.
const (
	NotReset  = "not-reset" // the root was left as the last boot left it
	Recovered = "recovered" // the root is a writable copy of a kept root
)

// State is the note.
type State struct {
	State    string `json:"state"`
	Why      string `json:"why"`                // what asked for it, and what it means
	From     string `json:"from,omitempty"`     // the kept root, when Recovered
	Snapshot string `json:"snapshot,omitempty"` // the snapshot the root is a clone of
}

// Write replaces the note at path atomically.
func Write(path string, s State) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// maxNote bounds what Read reads: a note is a few hundred bytes.
const maxNote = 16 << 10

// Read reads the note at path; fs.ErrNotExist (wrapped) when there is none,
// as on a normal boot. It follows no symlink, never blocks on a FIFO, and
// reads at most maxNote bytes.
func Read(path string) (State, error) {
	var s State
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return s, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return s, fmt.Errorf("%s is not a regular file (%v)", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxNote+1))
	if err != nil {
		return s, err
	}
	if len(data) > maxNote {
		return s, fmt.Errorf("%s is larger than %d bytes", path, maxNote)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	if s.State != NotReset && s.State != Recovered {
		return s, errors.New(path + ": unknown state " + fmt.Sprintf("%q", s.State))
	}
	return s, nil
}
