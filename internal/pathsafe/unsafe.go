package pathsafe

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsafe matches (with errors.Is) every *Unsafe.
var ErrUnsafe = errors.New("unsafe")

// Unsafe is a refusal: what was found on disk is not safe to use. Reason
// names the path; Fix tells a person what to do about it.
type Unsafe struct {
	Reason string
	Fix    string
}

// Error is the reason, then the fix without its final full stop, so that
// a caller can add what it left untouched after it.
func (u *Unsafe) Error() string {
	if u.Fix == "" {
		return u.Reason
	}
	return u.Reason + ". " + strings.TrimSuffix(u.Fix, ".")
}

// Is makes errors.Is(err, ErrUnsafe) true for every *Unsafe.
func (u *Unsafe) Is(target error) bool { return target == ErrUnsafe }

// Refuse builds an *Unsafe.
func Refuse(fix, format string, args ...any) error {
	return &Unsafe{Reason: fmt.Sprintf(format, args...), Fix: fix}
}

// RaceFix is the advice when something changed while it was being used.
const RaceFix = "Find out what is renaming files there, then run again."
