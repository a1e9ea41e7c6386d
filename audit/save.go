package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// LogDir is where persist keeps the records, beneath the persistent root.
const LogDir = "var/log/blankslate"

// recordName matches the names Save gives: 20261126T011528Z.json, and
// 20261126T011528Z-2.json for a second record of the same second.
var recordName = regexp.MustCompile(`^(\d{8}T\d{6}Z)(?:-(\d+))?\.json$`)

// staleTemp matches what a Save killed half-way leaves.
var staleTemp = regexp.MustCompile(`^\.\d{8}T\d{6}Z\.\d+\.tmp$`)

// Save writes the record into <persistRoot>/var/log/blankslate and removes
// the oldest records beyond keep. Everything beneath the persistent root may
// belong to anybody, so the root and every directory on the way are opened
// through pathsafe's checked walk (no symlink, root's, writable by root
// alone), every step is relative to a directory descriptor, and the record
// is written to a new file that is renamed into place without replacing
// anything. An unsafe root or directory is refused before anything is
// written or removed. It returns the record's path and the names it removed.
func Save(persistRoot string, r *Record, keep int) (string, []string, error) {
	shown := persistRoot + "/" + LogDir
	dir, err := openLogDir(persistRoot)
	if err != nil {
		return "", nil, fmt.Errorf("nothing was written or removed in %s: %w", shown, err)
	}
	defer dir.Close()
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", nil, err
	}
	name, err := writeRecord(dir, r, append(data, '\n'))
	if err != nil {
		return "", nil, fmt.Errorf("writing into %s: %w", shown, err)
	}
	removed, err := prune(dir, keep)
	path := shown + "/" + name
	if err != nil {
		return path, removed, fmt.Errorf("removing old records from %s: %w", shown, err)
	}
	// The file was fsync'ed before its rename; the rename, the directories
	// made on the way and the removals were not. One syncfs commits them all
	// (on ZFS, the dataset's whole intent log), so the record is on disk
	// before the boot goes on to switch-root.
	if err := syncfs(dir); err != nil {
		return path, removed, fmt.Errorf("syncing %s: %w", shown, err)
	}
	return path, removed, nil
}

func syncfs(dir pathsafe.Handle) error {
	fd, err := pathsafe.Reopen(dir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Syncfs(fd)
}

// openLogDir opens the persistent root and walks var, log, blankslate
// beneath it, making what is missing complete (blankslate itself 0750).
func openLogDir(persistRoot string) (pathsafe.Handle, error) {
	root, err := pathsafe.OpenRoot(persistRoot, pathsafe.Root)
	if err != nil {
		return pathsafe.None, err
	}
	defer root.Close()
	parent, err := pathsafe.Walk(root, "var/log", pathsafe.Root, mkdir(0o755))
	if err != nil {
		return pathsafe.None, err
	}
	defer parent.Close()
	return pathsafe.Walk(parent, "blankslate", pathsafe.Root, mkdir(0o750))
}

func mkdir(mode uint32) pathsafe.Creator {
	return func(parent pathsafe.Handle, name string) (pathsafe.Handle, error) {
		return pathsafe.MkdirComplete(parent, name, pathsafe.Owner{}, mode)
	}
}

// writeNew writes data to base.json, or base-2.json … if that exists, through
// a temporary file renamed with RENAME_NOREPLACE.
func writeNew(dir int, base string, data []byte) (string, error) {
	tmp, err := writeTemp(dir, base, data)
	if err != nil {
		return "", err
	}
	for n := 1; n < 100; n++ {
		name := base + ".json"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.json", base, n)
		}
		err := unix.Renameat2(dir, tmp, dir, name, unix.RENAME_NOREPLACE)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			unix.Unlinkat(dir, tmp, 0)
			return "", err
		}
	}
	unix.Unlinkat(dir, tmp, 0)
	return "", fmt.Errorf("99 records named %s already", base)
}

// writeTemp writes data to a new temporary file named after the record's
// second (staleTemp: prune removes one a power cut left), synced; it returns
// its name, or removes it on failure.
func writeTemp(dir int, base string, data []byte) (string, error) {
	tmp := fmt.Sprintf(".%s.%d.tmp", base, os.Getpid())
	fd, err := unix.Openat(dir, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o640)
	if err != nil {
		return "", err
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		unix.Unlinkat(dir, tmp, 0)
		return "", werr
	}
	return tmp, nil
}

// prune removes the oldest records beyond keep; other files are left alone.
func prune(dir pathsafe.Handle, keep int) ([]string, error) {
	rfd, err := pathsafe.Reopen(dir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(rfd), LogDir)
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, name := range names {
		if staleTemp.MatchString(name) && unix.Unlinkat(dir.FD, name, 0) == nil {
			removed = append(removed, name)
		}
	}
	records := Sorted(names)
	for len(records) > keep {
		if err := unix.Unlinkat(dir.FD, records[0], 0); err != nil && !errors.Is(err, unix.ENOENT) {
			return removed, err
		}
		removed = append(removed, records[0])
		records = records[1:]
	}
	return removed, nil
}

// Sorted returns the names that are records, oldest first.
func Sorted(names []string) []string {
	type rec struct {
		name, stamp string
		n           int
	}
	var rs []rec
	for _, name := range names {
		m := recordName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		rs = append(rs, rec{name, m[1], n})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].stamp != rs[j].stamp {
			return rs[i].stamp < rs[j].stamp
		}
		return rs[i].n < rs[j].n
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}
