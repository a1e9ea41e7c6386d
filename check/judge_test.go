package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blankslate/blankslate/internal/testns"
	"golang.org/x/sys/unix"
)

// check judges each entry with persist's own rules: whatever persist would
// refuse is reported as an error with persist's reason, a copy reached
// through something persist refuses is never "ok", and no finding advises
// the very mount or symlink persist refused.
func TestCheckAdvisesNothingPersistWouldRefuse(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, root string)
		want    string // in an error finding
	}{
		{"the persistent root is a symlink to a mounted copy", func(t *testing.T, root string) {
			unmountEntries(t, root)
			must(t, unix.Unmount(root+"/persist", unix.MNT_DETACH))
			other := filepath.Join(filepath.Dir(root), "other")
			must(t, os.MkdirAll(other, 0o755))
			testns.MountTmpfs(t, other)
			for _, d := range []string{"etc/nixos", "etc/ssh", "var/log", "var/lib"} {
				must(t, os.MkdirAll(filepath.Join(other, d), 0o755))
			}
			must(t, os.WriteFile(filepath.Join(other, "etc/machine-id"), []byte("uninitialized\n"), 0o444))
			must(t, os.Remove(root+"/persist"))
			must(t, os.Symlink(other, root+"/persist"))
		}, "is a symlink"},
		{"the persistent root is writable by anybody", func(t *testing.T, root string) {
			unmountEntries(t, root)
			must(t, os.Chmod(root+"/persist", 0o777))
		}, "writable by others"},
		{"a bind target is a FIFO", func(t *testing.T, root string) {
			must(t, unix.Unmount(root+"/var/log", 0))
			must(t, os.Remove(root+"/var/log"))
			must(t, unix.Mkfifo(root+"/var/log", 0o644))
		}, "is a FIFO, not a directory"},
		{"a bind target holds data", func(t *testing.T, root string) {
			must(t, unix.Unmount(root+"/var/log", 0))
			must(t, os.WriteFile(root+"/var/log/old", []byte("x"), 0o644))
		}, "already holds data"},
		{"another file system is mounted on a bind target", func(t *testing.T, root string) {
			must(t, unix.Unmount(root+"/var/log", 0))
			testns.MountTmpfs(t, root+"/var/log")
		}, "already a mount point, but not of"},
		{"a copy belongs to a user", func(t *testing.T, root string) {
			must(t, unix.Unmount(root+"/var/log", 0))
			must(t, os.Chown(root+"/persist/var/log", 1000, 1000))
		}, "is owned by uid 1000, not root"},
		{"a symlink target points elsewhere", func(t *testing.T, root string) {
			must(t, os.Remove(root+"/etc/ssh"))
			must(t, os.Symlink("/etc/static/ssh", root+"/etc/ssh"))
		}, "is a symlink to /etc/static/ssh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := attachedFixture(t)
			root := fx.in.Root
			tc.breakIt(t, root)
			r := Run(fx.in)
			reported := false
			for _, f := range r.Findings {
				if f.Severity == Error && strings.Contains(f.Message, tc.want) {
					reported = true
				}
				if strings.Contains(f.Fix, "mount --bind "+root+"/persist") || strings.Contains(f.Fix, "ln -s ") {
					t.Errorf("%s on %s advises what persist refuses: %s", f.Check, f.Object, f.Fix)
				}
				if f.Check == "persist.copy" && f.Severity == OK && strings.HasPrefix(tc.name, "the persistent root") {
					t.Errorf("a copy reached through the unsafe persistent root is ok: %+v", f)
				}
			}
			if !reported {
				t.Errorf("no error finding containing %q; got %+v", tc.want, r.Findings)
			}
		})
	}
}

func unmountEntries(t *testing.T, root string) {
	t.Helper()
	for _, p := range []string{"/etc/nixos", "/var/log", "/var/lib"} {
		must(t, unix.Unmount(root+p, unix.MNT_DETACH))
	}
}
