package config

import (
	"fmt"
	"strconv"
)

// MaxID is the largest uid or gid an entry may name. uid_t is 32 bits: chown(2)
// takes 4294967295 ((uid_t)-1) as "leave the owner unchanged", and a larger number
// would be truncated on its way there (4294967296 becomes 0, root).
const MaxID = 4294967294

// maxOwnerName is the longest user or group name accepted: useradd's limit
// (the 32 bytes of utmp's ut_user), which NixOS also enforces.
const maxOwnerName = 32

// NumericID reads s as a uid or gid: decimal digits only, no sign, no spaces, no
// leading zero (is "0100" 100 or octal 64?), at most MaxID. ok is false for
// anything else, names included.
func NumericID(s string) (id uint32, ok bool) {
	if !allDigits(s) || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > MaxID {
		return 0, false
	}
	return uint32(n), true
}

// checkOwner validates an entry's user or group (field names which): a decimal id
// that NumericID accepts, or a name as useradd accepts it, [A-Za-z_] then
// [A-Za-z0-9_.-], optionally ending in $ (machine accounts), at most 32 bytes.
// Names are resolved at boot (package mounts); ids are used as they are.
func checkOwner(which, s string) error {
	if allDigits(s) {
		if _, ok := NumericID(s); ok {
			return nil
		}
		if len(s) > 1 && s[0] == '0' {
			return fmt.Errorf("%s %q: a numeric id must not have a leading zero; write %q", which, s, trimZeros(s))
		}
		return fmt.Errorf("%s %q: a numeric id must be between 0 and %d (4294967295 would mean \"leave the owner unchanged\", larger ids would wrap to root)", which, s, uint32(MaxID))
	}
	if len(s) > maxOwnerName {
		return fmt.Errorf("%s %q: a name longer than %d bytes; user and group names are at most %d", which, s, maxOwnerName, maxOwnerName)
	}
	if !validOwnerName(s) {
		return fmt.Errorf("%s %q: not a user or group name (letters, digits, _ . - not first, optional final $) nor a decimal id such as 1000", which, s)
	}
	return nil
}

func validOwnerName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		switch {
		case i == 0 && !letter:
			return false
		case letter || c >= '0' && c <= '9' || c == '.' || c == '-':
		case c == '$' && i == len(s)-1:
		default:
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
