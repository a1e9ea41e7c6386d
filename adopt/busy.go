package adopt

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/restore"
)

// maxOpenFiles bounds the scan of /proc: past it the scan stops and adopt
// refuses, unless --force, rather than guess that nothing writes.
const maxOpenFiles = 1 << 20

// writer is a process that holds a file of the source open for writing.
type writer struct {
	pid  int
	comm string
	file string
}

func (w writer) String() string { return fmt.Sprintf("%s (pid %d, %s)", w.file, w.pid, w.comm) }

// refuseWriters refuses a source with a regular file that a process holds
// open for writing: what it writes after the copy goes to the original
// set aside, which the next boot erases. left says what is left as it was.
func (a *adoption) refuseWriters(left string) error {
	files, err := a.sourceFiles()
	if err != nil {
		return fmt.Errorf("%w; %s", err, left)
	}
	ws, err := openForWriting(files)
	if err != nil {
		return fmt.Errorf("%w; %s (add --force to adopt without knowing)", err, left)
	}
	if len(ws) == 0 {
		return nil
	}
	shown := make([]string, len(ws))
	for i, w := range ws {
		shown[i] = w.String()
	}
	return fmt.Errorf("open for writing: %s. What is written after the copy goes to the original set aside, which the next boot erases: stop the writer first, or add --force to adopt anyway and lose it; %s",
		strings.Join(shown, ", "), left)
}

type fileKey struct{ dev, ino uint64 }

// sourceFiles maps each regular file of the source to its path.
func (a *adoption) sourceFiles() (map[fileKey]string, error) {
	files := map[fileKey]string{}
	dir := path.Dir(a.shown)
	err := restore.Walk(a.src, path.Base(a.rel), func(h pathsafe.Handle, rel string) error {
		if h.IsFile() {
			files[fileKey{h.Stat.Dev, h.Stat.Ino}] = pathsafe.Join(dir, rel)
		}
		return nil
	})
	return files, err
}

// openForWriting scans every process's descriptors (/proc/PID/fd, and the
// access mode in /proc/PID/fdinfo) for the files given.
func openForWriting(files map[fileKey]string) ([]writer, error) {
	if _, err := pathsafe.ProcFD(0); err != nil { // proves /proc is procfs
		return nil, err
	}
	pids, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list /proc: %w", err)
	}
	var out []writer
	seen := 0
	for _, p := range pids {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		ws, n := scanProcess(pid, files)
		out, seen = append(out, ws...), seen+n
		if seen > maxOpenFiles {
			return nil, fmt.Errorf("more than %d open files to look through for writers", maxOpenFiles)
		}
	}
	return out, nil
}

// scanProcess looks through one process's descriptors; one that exited or
// that cannot be read is passed over. It returns the writers and how many
// descriptors it looked at.
func scanProcess(pid int, files map[fileKey]string) ([]writer, int) {
	base := "/proc/" + strconv.Itoa(pid)
	dirfd, err := unix.Open(base+"/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0
	}
	d := os.NewFile(uintptr(dirfd), base+"/fd")
	defer d.Close()
	fds, _ := d.Readdirnames(maxOpenFiles + 1)
	var out []writer
	for _, fd := range fds {
		var st unix.Stat_t
		// stat follows the magic link to the file without opening it.
		if unix.Fstatat(dirfd, fd, &st, 0) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		file, ok := files[fileKey{st.Dev, st.Ino}]
		if ok && writable(base+"/fdinfo/"+fd) {
			out = append(out, writer{pid: pid, comm: comm(base), file: file})
		}
	}
	return out, len(fds)
}

// writable reads the access mode from an fdinfo file ("flags:\t0100002").
func writable(fdinfo string) bool {
	b, err := readSmall(fdinfo)
	if err != nil {
		return false
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("flags:")); ok {
			flags, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 64)
			return err == nil && flags&unix.O_ACCMODE != unix.O_RDONLY
		}
	}
	return false
}

func comm(base string) string {
	b, err := readSmall(base + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// readSmall reads a small /proc file, at most 4 KiB.
func readSmall(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, err := f.Read(buf)
	if err != nil && n == 0 {
		return nil, err
	}
	return buf[:n], nil
}
