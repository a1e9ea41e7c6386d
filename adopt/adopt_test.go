package adopt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// system is a running system in a temporary tree: <root> with a tmpfs
// mounted at <root>/persist, and /srv/data owned by uid 1000 on the root.
type system struct {
	t          *testing.T
	root, pers string
	cfg        *config.Config
}

// testRoot is what the test's root is mounted from, in place of the root
// dataset.
var testRoot = FileSystem{Type: "tmpfs", Source: "rpool/nixos/empty"}

func newSystem(t *testing.T) *system {
	t.Helper()
	if !testns.Active() {
		t.Skip("mounts and gives files other owners: runs only as root (then in a private mount namespace)")
	}
	s := &system{t: t, root: filepath.Join(t.TempDir(), "root"), cfg: config.Default()}
	s.pers = filepath.Join(s.root, "persist")
	must(t, os.MkdirAll(s.root, 0o755))
	must(t, os.Chmod(filepath.Dir(s.root), 0o755))
	// The root is a file system of its own, as the root dataset is.
	must(t, unix.Mount(testRoot.Source, s.root, testRoot.Type, 0, "mode=0755"))
	t.Cleanup(func() { unix.Unmount(s.root, unix.MNT_DETACH) })
	must(t, os.MkdirAll(s.pers, 0o755))
	must(t, unix.Mount("tmpfs", s.pers, "tmpfs", 0, "mode=0755"))
	t.Cleanup(func() { unix.Unmount(s.pers, unix.MNT_DETACH) })
	s.write("srv/data/a", "alpha")
	s.write("srv/data/sub/b", "beta")
	for _, p := range []string{"srv/data", "srv/data/a", "srv/data/sub", "srv/data/sub/b"} {
		must(t, os.Lchown(filepath.Join(s.root, p), 1000, 100))
	}
	must(t, os.Chmod(filepath.Join(s.root, "srv/data"), 0o750))
	return s
}

func (s *system) write(rel, content string) {
	s.t.Helper()
	p := filepath.Join(s.root, rel)
	must(s.t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(s.t, os.WriteFile(p, []byte(content), 0o644))
}

func (s *system) adopt(p, how string) (Result, error) {
	return Adopt(Request{Path: p, How: how, Config: s.cfg, Root: s.root, FS: testRoot, Now: time.Unix(1e9, 0)})
}

func TestAdoptCopiesVerifiesAndAttachesNow(t *testing.T) {
	tests := []struct {
		name, path, how string
		wantHow         string
		wantType        string
	}{
		{"a directory, bind-mounted by default", "/srv/data", "", "bind", "directory"},
		{"a directory as a symlink", "/srv/data", "symlink", "symlink", "directory"},
		{"a file, a symlink by default", "/srv/data/a", "", "symlink", "file"},
		{"a file, bind-mounted", "/srv/data/a", "bind", "bind", "file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t)
			res, err := s.adopt(tc.path, tc.how)
			must(t, err)
			live := filepath.Join(s.root, tc.path)
			t.Cleanup(func() { unix.Unmount(live, unix.MNT_DETACH) })
			if res.Entry.How != tc.wantHow || res.Entry.Type != tc.wantType || res.Entry.Path != tc.path {
				t.Errorf("entry %+v, want %s %s %s", res.Entry, tc.path, tc.wantHow, tc.wantType)
			}
			if got, _ := os.ReadFile(filepath.Join(s.pers, "srv/data/a")); string(got) != "alpha" {
				t.Errorf("the persistent copy holds %q, want alpha", got)
			}
			if tc.wantHow == "bind" {
				if ok, err := mountinfo.IsMountPoint(live); !ok && tc.wantType == "directory" {
					t.Errorf("%s is not a mount point (%v)", live, err)
				}
			} else if dest, err := os.Readlink(live); err != nil || dest != "/persist"+tc.path {
				t.Errorf("%s is a symlink to %q (%v), want /persist%s", live, dest, err, tc.path)
			}
			if _, err := os.Lstat(res.Aside); err != nil {
				t.Errorf("the original is not set aside at %s: %v", res.Aside, err)
			}
			h, err := pathsafe.OpenRoot(s.pers, pathsafe.Root)
			must(t, err)
			defer h.Close()
			if notes, err := adopted.Read(h); err != nil || len(notes) != 1 || notes[0].Entry != res.Entry {
				t.Errorf("notes %+v (%v), want the entry %+v", notes, err, res.Entry)
			}
		})
	}
}

// Every refusal changes nothing: the original stays where it was and no
// copy appears.
func TestAdoptRefusesAndChangesNothing(t *testing.T) {
	tests := []struct {
		name, path string
		setup      func(s *system)
		want       string
	}{
		{"the store", "/nix/store", nil, "beneath /nix"},
		{"/proc", "/proc/1", nil, "beneath /proc"},
		{"/run", "/run/user", nil, "beneath /run"},
		{"the persistent root", "/persist/srv", nil, "persistent root"},
		{"a declared entry", "/var/log", nil, "declared already"},
		{"beneath a declared entry", "/var/lib/foo", nil, "declared already"},
		{"holding a declared entry", "/var", nil, "holds the declared entry /var/"},
		{"a mount point", "/srv/data", func(s *system) {
			d := filepath.Join(s.root, "srv/data")
			must(s.t, unix.Mount(d, d, "", unix.MS_BIND, ""))
			s.t.Cleanup(func() { unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH) })
		}, "is a mount point"},
		{"a symlink", "/srv/link", func(s *system) { must(s.t, os.Symlink("/etc", filepath.Join(s.root, "srv/link"))) }, "symlink"},
		{"a copy that differs", "/srv/data", func(s *system) {
			must(s.t, os.MkdirAll(filepath.Join(s.pers, "srv/data"), 0o755))
			must(s.t, os.WriteFile(filepath.Join(s.pers, "srv/data/a"), []byte("other"), 0o644))
		}, "/srv/data/a: other content"},
		{"an unmounted persistent root", "/srv/data", func(s *system) { must(s.t, unix.Unmount(s.pers, unix.MNT_DETACH)) }, "not a mount point"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			_, err := s.adopt(tc.path, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing") {
				t.Fatalf("err = %v, want one saying %q and what it left", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(s.root, "srv/data/a")); err != nil {
				t.Errorf("the original moved: %v", err)
			}
			if _, err := os.Lstat(filepath.Join(s.pers, "srv/data/sub")); !os.IsNotExist(err) {
				t.Errorf("a copy appeared: %v", err)
			}
		})
	}
}

// A persistent copy that is already identical is used as it is.
func TestAdoptUsesAnIdenticalCopy(t *testing.T) {
	s := newSystem(t)
	must(t, os.MkdirAll(filepath.Join(s.pers, "srv"), 0o755))
	must(t, unix.Setxattr(filepath.Join(s.root, "srv/data/a"), "user.k", []byte("v"), 0))
	exec(t, "cp", "-a", filepath.Join(s.root, "srv/data"), filepath.Join(s.pers, "srv/data"))
	res, err := s.adopt("/srv/data", "")
	must(t, err)
	t.Cleanup(func() { unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH) })
	if res.Copied != 0 || res.Action == "" {
		t.Errorf("result %+v: want nothing copied and the copy attached", res)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A name a declaration cannot state exactly is refused before anything is
// looked at: JSON would print U+FFFD for a stray byte, naming another path.
func TestAdoptRefusesNamesItCannotDeclare(t *testing.T) {
	for _, name := range []string{"caf\xe9", "a\x1b]0;x\x07", "two\nlines"} {
		t.Run(name, func(t *testing.T) {
			s := newSystem(t)
			s.write("srv/"+name+"/f", "x")
			_, err := s.adopt("/srv/"+name, "")
			if err == nil || !strings.Contains(err.Error(), "rename it, then adopt it") {
				t.Fatalf("err = %v, want a refusal saying to rename it", err)
			}
			if _, err := os.Lstat(filepath.Join(s.pers, "srv")); !os.IsNotExist(err) {
				t.Errorf("a copy appeared: %v", err)
			}
		})
	}
}
