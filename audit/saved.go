package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// maxSavedRecords bounds how many saved records ReadSaved looks at; Save
// keeps audit.keep of them (30 by default, at most a few hundred).
const maxSavedRecords = 1000

// ReadSaved reads the records saved beneath the persistent root, by the kept
// root they name (KeptAs); records of erased roots are left out. Everything
// there may be anybody's: the persistent root and the log directory are
// reached through pathsafe's checked walk (no symlink, root's, not writable
// by others), each record is read as a regular file of at most maxRecord
// bytes without blocking. A record that cannot be read is skipped and
// counted in the error.
func ReadSaved(persistRoot string) (map[string]*Record, error) {
	root, err := pathsafe.OpenRoot(persistRoot, pathsafe.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	dir, err := pathsafe.Walk(root, LogDir, pathsafe.Root, nil)
	if err != nil {
		return nil, fmt.Errorf("opening %s/%s: %w", persistRoot, LogDir, err)
	}
	defer dir.Close()
	names, err := dirNames(dir, maxSavedRecords)
	if err != nil {
		return nil, err
	}
	out := map[string]*Record{}
	var bad int
	for _, n := range names {
		if !recordName.MatchString(n) {
			continue
		}
		r, err := readSavedOne(dir, n)
		if err != nil {
			bad++
			continue
		}
		if r.KeptAs != "" {
			out[r.KeptAs] = r
		}
	}
	if bad > 0 {
		return out, fmt.Errorf("%d record(s) in %s/%s could not be read", bad, persistRoot, LogDir)
	}
	return out, nil
}

// dirNames lists at most n names of the directory dir.
func dirNames(dir pathsafe.Handle, n int) ([]string, error) {
	fd, err := pathsafe.Reopen(dir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	d := os.NewFile(uintptr(fd), dir.Path)
	defer d.Close()
	names, err := d.Readdirnames(n)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return names, nil
}

func readSavedOne(dir pathsafe.Handle, name string) (*Record, error) {
	data, err := pathsafe.ReadBeneath(dir, name, pathsafe.Root, maxRecord)
	if err != nil {
		return nil, err
	}
	r := &Record{}
	if err := json.Unmarshal(data, r); err != nil || r.Schema != Schema {
		return nil, fmt.Errorf("%s: not a record of schema %s", name, Schema)
	}
	return r, nil
}
