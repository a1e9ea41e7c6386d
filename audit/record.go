package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blankslate/blankslate/internal/human"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// Schema names the record's JSON format (doc.go).
const Schema = "blankslate.audit/2"

// RunDir holds the boot's record until persist saves it; /run survives
// switch-root.
const RunDir = "/run/blankslate"

// RecordPath is this boot's record, written once by the rollback step.
const RecordPath = RunDir + "/audit.json"

// SavedPath is where persist moves the record once it is saved, so that a
// second persist does not save it again.
const SavedPath = RunDir + "/audit.saved.json"

// Outcome says what became of the data a record lists.
type Outcome string

// The outcomes of the boot step a record is about.
const (
	// OutcomeErased: the rollback erased what the record lists.
	OutcomeErased Outcome = "erased"
	// OutcomeKept: the root was kept as a previous root (KeptAs) before the
	// rollback; what the record lists is still there, read-only.
	OutcomeKept Outcome = "kept"
	// OutcomeNotReset: the rollback failed or refused (Error says why); what
	// the record lists is still on the root.
	OutcomeNotReset Outcome = "not reset"
	// OutcomeWaiting: the root was set aside, and its listing after boot
	// failed (ListError says why); the root is still set aside, read-only,
	// and the next `blankslate audit` lists it again.
	OutcomeWaiting Outcome = "waiting"
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
	Files    []File  `json:"files"`
	Complete bool    `json:"complete"`
	Limited  string  `json:"limited,omitempty"`
	Outcome  Outcome `json:"outcome"`
	KeptAs   string  `json:"keptAs,omitempty"` // the kept root, with OutcomeKept
	Error    string  `json:"error,omitempty"`  // why, with OutcomeNotReset
	// SetAside is the root set aside at boot so that the listing could run
	// after switch-root, off the boot's critical path (blankslate audit);
	// Pending says that listing is still to come.
	SetAside string `json:"setAside,omitempty"`
	Pending  bool   `json:"pending,omitempty"`
	// Unlisted names roots set aside by earlier boots that waited for their
	// listing too long and were destroyed unlisted by this boot.
	Unlisted []string `json:"unlisted,omitempty"`
	// ListError says why the listing of SetAside failed, with OutcomeWaiting.
	ListError string `json:"listError,omitempty"`
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
		Bytes: bytes, Top: []Entry{}, Files: []File{}}
}

// Add puts what the listing found into the record.
func (r *Record) Add(l Listing) {
	if l.Top != nil {
		r.Top = l.Top
	}
	if l.Files != nil {
		r.Files = l.Files
	}
	r.Complete, r.Limited = l.Complete, l.Limited
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
	data, err := pathsafe.ReadSystemFile(path, maxRecord)
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
	what := fmt.Sprintf("%s written since @%s, in %v; %s", human.Bytes(r.Bytes), r.Snapshot, names, files)
	if r.Pending {
		what = fmt.Sprintf("%s written since @%s; listed after boot from %s", human.Bytes(r.Bytes), r.Snapshot, r.SetAside)
	}
	switch r.Outcome {
	case OutcomeKept:
		return what + "; kept as " + r.KeptAs
	case OutcomeNotReset:
		return what + "; NOT erased: " + r.Error
	case OutcomeWaiting:
		return fmt.Sprintf("%s written since @%s; the listing FAILED (%s), after %d changed paths; nothing erased: %s stays set aside, read-only, until a listing succeeds",
			human.Bytes(r.Bytes), r.Snapshot, r.ListError, len(r.Files), r.SetAside)
	}
	return what + "; " + string(r.Outcome)
}

// maxRecord bounds a record read back: the largest audit.maxFiles allows,
// with room to spare.
const maxRecord = 256 << 20
