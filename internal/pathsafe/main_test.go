package pathsafe

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// dir is a root-owned 0755 temporary directory, opened; the tests build
// what they need beneath it.
type dir struct {
	t    *testing.T
	path string
	h    Handle
}

func newDir(t *testing.T) *dir {
	t.Helper()
	if !testns.Active() {
		t.Skip("creates files owned by other users and mounts over /proc: runs only as root (then in a private mount namespace)")
	}
	p := t.TempDir()
	must(t, os.Chmod(p, 0o755))
	h, err := OpenRoot(p, Root)
	must(t, err)
	t.Cleanup(h.Close)
	return &dir{t: t, path: p, h: h}
}

func (d *dir) at(rel string) string { return filepath.Join(d.path, rel) }

func (d *dir) mkdir(rel string, mode os.FileMode) {
	d.t.Helper()
	must(d.t, os.MkdirAll(d.at(rel), 0o755))
	must(d.t, os.Chmod(d.at(rel), mode))
}

func (d *dir) write(rel string, size int, mode os.FileMode) {
	d.t.Helper()
	d.mkdir(filepath.Dir(rel), 0o755)
	must(d.t, os.WriteFile(d.at(rel), make([]byte, size), mode))
	must(d.t, os.Chmod(d.at(rel), mode))
}

func (d *dir) symlink(rel, to string) {
	d.t.Helper()
	d.mkdir(filepath.Dir(rel), 0o755)
	must(d.t, os.Symlink(to, d.at(rel)))
}

func (d *dir) fifo(rel string) {
	d.t.Helper()
	d.mkdir(filepath.Dir(rel), 0o755)
	must(d.t, unix.Mkfifo(d.at(rel), 0o644))
}

func (d *dir) device(rel string) {
	d.t.Helper()
	d.mkdir(filepath.Dir(rel), 0o755)
	must(d.t, unix.Mknod(d.at(rel), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5)))) // /dev/zero
}

func (d *dir) chown(rel string, uid, gid int) {
	d.t.Helper()
	must(d.t, os.Lchown(d.at(rel), uid, gid))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
