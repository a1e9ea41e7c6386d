package restore

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// trees is a kept root and a target, both root-owned 0755 temporary
// directories, opened as Copy takes them.
type trees struct {
	t         *testing.T
	kept, to  string
	from, dst pathsafe.Handle
}

func newTrees(t *testing.T) *trees {
	t.Helper()
	if !testns.Active() {
		t.Skip("gives files other owners and sets trusted xattrs: runs only as root (then in a private mount namespace)")
	}
	base := t.TempDir()
	tr := &trees{t: t, kept: filepath.Join(base, "kept"), to: filepath.Join(base, "to")}
	for _, d := range []string{tr.kept, tr.to} {
		must(t, os.Mkdir(d, 0o755))
		must(t, os.Chmod(d, 0o755))
	}
	var err error
	tr.from, err = pathsafe.OpenRoot(tr.kept, pathsafe.Root)
	must(t, err)
	tr.dst, err = pathsafe.OpenRoot(tr.to, pathsafe.Root)
	must(t, err)
	t.Cleanup(func() { tr.from.Close(); tr.dst.Close() })
	return tr
}

// write makes a file beneath dir (kept or to), with its parents 0755.
func (tr *trees) write(dir, rel, content string, mode os.FileMode) string {
	tr.t.Helper()
	p := filepath.Join(dir, rel)
	must(tr.t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(tr.t, os.WriteFile(p, []byte(content), mode))
	must(tr.t, os.Chmod(p, mode))
	return p
}

func (tr *trees) copy(rel string, force bool) ([]Item, error) {
	return Copy(tr.from, tr.dst, rel, Options{Force: force})
}

func lstat(t *testing.T, p string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Lstat(p, &st))
	return st
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return string(b)
}

// acl is a POSIX access ACL as the kernel stores it in
// system.posix_acl_access: user::rw-, user:uid:r--, group::r--, mask::r--,
// other::---.
func acl(uid uint32) []byte {
	const undefined = 0xffffffff
	entries := [][3]uint32{{0x01, 6, undefined}, {0x02, 4, uid}, {0x04, 4, undefined}, {0x10, 4, undefined}, {0x20, 0, undefined}}
	b := binary.LittleEndian.AppendUint32(nil, 2)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, uint16(e[0]))
		b = binary.LittleEndian.AppendUint16(b, uint16(e[1]))
		b = binary.LittleEndian.AppendUint32(b, e[2])
	}
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
