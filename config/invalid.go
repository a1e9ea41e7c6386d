package config

import "errors"

// ErrInvalid matches (errors.Is) every error of Parse, Load and Validate: the file
// could not be read, is not JSON, or does not validate.
//
// An invalid configuration has no failure policy. Its onFailure may be misspelled,
// repeated, or the very mistake, so a caller must not read it from the file by
// other means: on ErrInvalid the policy is PolicyEmergency, always. The machine
// boots as specified or not at all; an invalid configuration never means "boot on".
var ErrInvalid = errors.New("invalid configuration")

// invalidError marks err as ErrInvalid without changing its text, which already
// says what is wrong and where.
type invalidError struct{ err error }

func (e *invalidError) Error() string        { return e.err.Error() }
func (e *invalidError) Unwrap() error        { return e.err }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(err error) error {
	if err == nil {
		return nil
	}
	return &invalidError{err}
}
