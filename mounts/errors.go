package mounts

import (
	"errors"
	"fmt"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// ErrRefused matches (with errors.Is) every *Refusal, and every unsafe
// finding of package pathsafe before it is made into one.
var ErrRefused = pathsafe.ErrUnsafe

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

// refuse builds an unsafe finding; forEntry makes it a *Refusal with the
// entry and what was left untouched, which only the caller knows.
func refuse(fix, format string, args ...any) error {
	return pathsafe.Refuse(fix, format, args...)
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
	var u *pathsafe.Unsafe
	if errors.As(err, &u) {
		return &Refusal{Entry: e.Path, Reason: u.Reason, Left: e.untouched(), Fix: u.Fix}
	}
	return fmt.Errorf("%s: %w", e.Path, err)
}
