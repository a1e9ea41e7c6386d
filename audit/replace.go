package audit

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// stampFormat names a record after the second it was made.
const stampFormat = "20060102T150405Z"

// writeRecord writes a new record file; a record of a root set aside for the
// listing after boot replaces the one saved for the same root, so that each
// boot has one record, whatever ran twice: persist saves the pending record
// at boot, `blankslate audit` the listing later, and a power cut between
// that save and the root's destruction makes the next run save it again.
func writeRecord(dir pathsafe.Handle, r *Record, data []byte) (string, error) {
	base := r.Time.UTC().Format(stampFormat)
	if r.SetAside == "" {
		return writeNew(dir.FD, base, data)
	}
	old, err := findSetAside(dir, base, r.SetAside)
	if err != nil || old == "" {
		return writeNew(dir.FD, base, data)
	}
	if r.Pending {
		return old, nil // the listing is saved already: never replace it by less
	}
	return old, replaceFile(dir.FD, old, data)
}

// findSetAside returns the record of base's second that names setAside, ""
// when there is none.
func findSetAside(dir pathsafe.Handle, base, setAside string) (string, error) {
	names, err := dirNames(dir, maxSavedRecords)
	if err != nil {
		return "", err
	}
	for _, n := range Sorted(names) {
		if !strings.HasPrefix(n, base) {
			continue
		}
		if r, err := readSavedOne(dir, n); err == nil && r.SetAside == setAside {
			return n, nil
		}
	}
	return "", nil
}

// replaceFile writes data to a temporary file, syncs it and renames it over name.
func replaceFile(dir int, name string, data []byte) error {
	tmp, err := writeTemp(dir, name[:len(stampFormat)], data)
	if err != nil {
		return err
	}
	if err := unix.Renameat(dir, tmp, dir, name); err != nil {
		unix.Unlinkat(dir, tmp, 0)
		return err
	}
	return nil
}
