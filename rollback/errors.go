package rollback

import (
	"fmt"
)

// Refusal kinds: each is one outcome with its own journal MESSAGE_ID.
const (
	KindNoZFS         = "zfs-unavailable"
	KindPoolMissing   = "pool-not-imported"
	KindDatasetBad    = "dataset-unusable"
	KindSnapMissing   = "snapshot-missing"
	KindMounted       = "dataset-mounted"
	KindChildren      = "dataset-has-children"
	KindClones        = "newer-snapshot-has-clones"
	KindNotInitrd     = "not-in-initrd"
	KindZFSFailed     = "zfs-call-failed"
	KindPartialChange = "partially-done"
)

// Error is a failed or refused rollback. Its text names what was wrong, what was
// left untouched, and what to do, because it is read in a journal at boot.
type Error struct {
	Kind    string // one of the Kind constants
	What    string // what was wrong
	Changed string // "" when nothing was changed, else what was
	Fix     string // what to do
	Err     error  // the underlying libzfs error, if any
}

func (e *Error) Error() string {
	msg := e.What
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Changed == "" {
		msg += "; nothing was changed"
	} else {
		msg += "; " + e.Changed
	}
	if e.Fix != "" {
		msg += ". " + e.Fix
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

func refuse(kind, fix, format string, args ...any) *Error {
	return &Error{Kind: kind, What: fmt.Sprintf(format, args...), Fix: fix}
}
