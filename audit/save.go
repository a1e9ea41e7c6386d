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
)

// LogDir is where persist keeps the records, beneath the persistent root.
const LogDir = "var/log/blankslate"

// recordName matches the names Save gives: 20261126T011528Z.json, and
// 20261126T011528Z-2.json for a second record of the same second.
var recordName = regexp.MustCompile(`^(\d{8}T\d{6}Z)(?:-(\d+))?\.json$`)

// staleTemp matches what a Save killed half-way leaves.
var staleTemp = regexp.MustCompile(`^\.\d{8}T\d{6}Z\.\d+\.tmp$`)

const beneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// Save writes the record into <persistRoot>/var/log/blankslate and removes
// the oldest records beyond keep. Everything beneath the persistent root may
// belong to anybody, so every step is relative to a directory descriptor, no
// symlink is followed, each directory on the way must be root's and not
// writable by others, and the record is written to a new file that is renamed
// into place without replacing anything. It returns the record's path and
// the names it removed.
func Save(persistRoot string, r *Record, keep int) (string, []string, error) {
	dir, err := openLogDir(persistRoot)
	if err != nil {
		return "", nil, fmt.Errorf("opening %s/%s: %w", persistRoot, LogDir, err)
	}
	defer unix.Close(dir)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", nil, err
	}
	name, err := writeNew(dir, r.Time.UTC().Format("20060102T150405Z"), append(data, '\n'))
	if err != nil {
		return "", nil, fmt.Errorf("writing into %s/%s: %w", persistRoot, LogDir, err)
	}
	removed, err := prune(dir, keep)
	path := persistRoot + "/" + LogDir + "/" + name
	if err != nil {
		return path, removed, fmt.Errorf("removing old records from %s/%s: %w", persistRoot, LogDir, err)
	}
	return path, removed, nil
}

// openLogDir walks var, log, blankslate beneath the persistent root, making
// what is missing (blankslate itself 0750), and checks each directory.
func openLogDir(persistRoot string) (int, error) {
	fd, err := unix.Open(persistRoot, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	for _, step := range []struct {
		name string
		mode uint32
	}{{"var", 0o755}, {"log", 0o755}, {"blankslate", 0o750}} {
		next, err := openOrMake(fd, step.name, step.mode)
		unix.Close(fd)
		if err != nil {
			return -1, fmt.Errorf("%s: %w", step.name, err)
		}
		fd = next
	}
	return fd, nil
}

func openOrMake(dir int, name string, mode uint32) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: beneath}
	fd, err := unix.Openat2(dir, name, &how)
	if errors.Is(err, unix.ENOENT) {
		if err := unix.Mkdirat(dir, name, mode); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, err
		}
		fd, err = unix.Openat2(dir, name, &how)
	}
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
		return -1, errors.New("refused: not a directory (a symlink?)")
	}
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if st.Uid != 0 || st.Mode&0o002 != 0 {
		unix.Close(fd)
		return -1, fmt.Errorf("refused: owned by uid %d with mode %04o; it must be root's and not writable by others", st.Uid, st.Mode&0o7777)
	}
	return fd, nil
}

// writeNew writes data to base.json, or base-2.json … if that exists, through
// a temporary file renamed with RENAME_NOREPLACE.
func writeNew(dir int, base string, data []byte) (string, error) {
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

// prune removes the oldest records beyond keep; other files are left alone.
func prune(dir, keep int) ([]string, error) {
	rfd, err := unix.Openat(dir, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
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
		if staleTemp.MatchString(name) && unix.Unlinkat(dir, name, 0) == nil {
			removed = append(removed, name)
		}
	}
	records := Sorted(names)
	for len(records) > keep {
		if err := unix.Unlinkat(dir, records[0], 0); err != nil && !errors.Is(err, unix.ENOENT) {
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
