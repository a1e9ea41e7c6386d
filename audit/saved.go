package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxSavedRecords bounds how many saved records ReadSaved looks at; Save
// keeps audit.keep of them (30 by default, at most a few hundred).
const maxSavedRecords = 1000

// ReadSaved reads the records saved beneath the persistent root, by the kept
// root they name (KeptAs); records of erased roots are left out. Everything
// there may be anybody's: the directory is reached without following a
// symlink, each file is opened beneath it without following one and without
// blocking, and read up to maxRecord bytes. A record that cannot be read is
// skipped and counted in the error.
func ReadSaved(persistRoot string) (map[string]*Record, error) {
	root, err := unix.Open(persistRoot, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(root)
	dir, err := unix.Openat2(root, LogDir, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: beneath})
	if err != nil {
		return nil, fmt.Errorf("opening %s/%s: %w", persistRoot, LogDir, err)
	}
	d := os.NewFile(uintptr(dir), persistRoot+"/"+LogDir)
	defer d.Close()
	names, err := d.Readdirnames(maxSavedRecords)
	if err != nil && err != io.EOF {
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

func readSavedOne(dir int, name string) (*Record, error) {
	fd, err := unix.Openat2(dir, name, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC, Resolve: beneath})
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRecord+1))
	if err != nil || len(data) > maxRecord {
		return nil, fmt.Errorf("%s: unreadable or larger than %d bytes", name, maxRecord)
	}
	r := &Record{}
	if err := json.Unmarshal(data, r); err != nil || r.Schema != Schema {
		return nil, fmt.Errorf("%s: not a record of schema %s", name, Schema)
	}
	return r, nil
}
