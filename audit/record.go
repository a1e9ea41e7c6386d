package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blankslate/blankslate/internal/human"
)

// Schema names the record's JSON format (doc.go).
const Schema = "blankslate.audit/1"

// RunDir holds the boot's record until persist saves it; /run survives
// switch-root.
const RunDir = "/run/blankslate"

// Outcomes of the rollback a record is about.
const (
	OutcomePending    = "pending"     // recorded; the rollback has not finished
	OutcomeRolledBack = "rolled back" // the rollback erased what the record lists
)

// Record is what one boot's rollback erases.
type Record struct {
	Schema   string    `json:"schema"`
	Time     time.Time `json:"time"` // when it was recorded, UTC
	Dataset  string    `json:"dataset"`
	Snapshot string    `json:"snapshot"`
	Bytes    uint64    `json:"bytes"` // written@snapshot: what the rollback discards
	// Top lists the root's top-level entries: what the boot before wrote into.
	Top []Entry `json:"top"`
	// Files lists the changes, at most maxFiles of them; Complete says whether
	// that is all, and Limited, when not, why the list stops.
	Files    []File `json:"files"`
	Complete bool   `json:"complete"`
	Limited  string `json:"limited,omitempty"`
	Outcome  string `json:"outcome"` // pending, rolled back, or "not rolled back: why"
}

// Entry is one top-level name of the root.
type Entry struct {
	Name string `json:"name"`
	Type string `json:"type"` // directory, file, symlink, other
}

// File is one change, as zfs diff reports it.
type File struct {
	Change  string `json:"change"` // created, modified, removed, renamed
	Type    string `json:"type"`
	Path    string `json:"path"`
	NewPath string `json:"newPath,omitempty"`
}

// New starts a record of what a rollback of dataset to snapshot erases.
func New(dataset, snapshot string, bytes uint64, now time.Time) *Record {
	return &Record{Schema: Schema, Time: now.UTC().Truncate(time.Second), Dataset: dataset, Snapshot: snapshot,
		Bytes: bytes, Top: []Entry{}, Files: []File{}, Outcome: OutcomePending}
}

// Write replaces the file at path with the record, atomically (a temporary
// file renamed over it), so that a reader never sees half a record.
func (r *Record) Write(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("writing the audit record: %w", err)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the audit record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the audit record: %w", err)
	}
	return nil
}

// Read reads a record written by Write.
func Read(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &Record{}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("audit record %s: %w", path, err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("audit record %s: schema %q, want %q", path, r.Schema, Schema)
	}
	return r, nil
}

// Summary is the record in one line, for the journal.
func (r *Record) Summary() string {
	files := fmt.Sprintf("%d changed paths", len(r.Files))
	if !r.Complete {
		files = fmt.Sprintf("the first %d changed paths (%s)", len(r.Files), r.Limited)
	}
	names := make([]string, 0, len(r.Top))
	for _, e := range r.Top {
		names = append(names, "/"+e.Name)
	}
	return fmt.Sprintf("%s written since @%s, in %v; %s", human.Bytes(r.Bytes), r.Snapshot, names, files)
}
