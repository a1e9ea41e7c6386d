package mounts

import (
	"errors"
	"fmt"
)

// ErrRefused matches (with errors.Is) every *Refusal.
var ErrRefused = errors.New("refused")

// Refusal is returned when blankslate declines to act on an entry because
// what it found on disk is unsafe or would be destroyed. The text names the
// entry, the reason, what was left untouched, and what a person should do:
//
//	/var/lib: refused: /sysroot/persist/var is a symlink; nothing was mounted
//	for this entry. Replace the symlink with a real directory.
type Refusal struct {
	Entry  string // the entry's path, e.g. "/var/lib"
	Reason string // what was wrong, naming the path on disk
	Left   string // what was left untouched
	Fix    string // what to do about it
}

func (r *Refusal) Error() string {
	msg := r.Reason
	if r.Entry != "" {
		msg = r.Entry + ": refused: " + msg
	}
	if r.Left != "" {
		msg += "; " + r.Left
	}
	msg += "."
	if r.Fix != "" {
		msg += " " + r.Fix
	}
	return msg
}

// Is makes errors.Is(err, ErrRefused) true for every refusal.
func (r *Refusal) Is(target error) bool { return target == ErrRefused }

// refuse builds a refusal; the entry and what was left are filled in by
// applyEntry, which knows them.
func refuse(fix, format string, args ...any) error {
	return &Refusal{Reason: fmt.Sprintf(format, args...), Fix: fix}
}

// forEntry completes an error for the log and the caller: refusals get the
// entry and what was left untouched, other errors get the entry as prefix.
func forEntry(e Entry, err error) error {
	var r *Refusal
	if errors.As(err, &r) {
		done := *r
		done.Entry = e.Path
		done.Left = e.untouched()
		return &done
	}
	return fmt.Errorf("%s: %w", e.Path, err)
}
