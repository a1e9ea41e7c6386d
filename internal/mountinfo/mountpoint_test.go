package mountinfo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// mountedTree is a fresh tmpfs at base with base/mnt a tmpfs of its own,
// base/plain a plain directory, base/link a symlink to base/mnt and
// base/file a regular file.
func mountedTree(t *testing.T) string {
	t.Helper()
	if !testns.Active() {
		t.Skip("mounts file systems: runs only as root (then in a private mount namespace)")
	}
	base := t.TempDir()
	mustMount(t, base)
	for _, d := range []string{"mnt", "plain"} {
		if err := os.Mkdir(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustMount(t, filepath.Join(base, "mnt"))
	if err := os.Symlink(filepath.Join(base, "mnt"), filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return base
}

func mustMount(t *testing.T, dir string) {
	t.Helper()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
}

func TestIsMountPointTellsMountRootsFromPlainDirectories(t *testing.T) {
	base := mountedTree(t)
	tests := []struct {
		name, path string
		want       bool
	}{
		{"the root", "/", true},
		{"a tmpfs", base, true},
		{"a tmpfs within it", base + "/mnt", true},
		{"a plain directory", base + "/plain", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IsMountPoint(tc.path)
			if err != nil || got != tc.want {
				t.Errorf("IsMountPoint(%s) = %v, %v; want %v", tc.path, got, err, tc.want)
			}
		})
	}
}

// A symlink, even to a mount point, is an error: whatever is written through
// it lands where it leads. So is anything that is not a directory.
func TestIsMountPointRefusesSymlinksAndNonDirectories(t *testing.T) {
	base := mountedTree(t)
	tests := []struct{ name, path, want string }{
		{"a symlink to a mount point", base + "/link", "is a symlink"},
		{"a path through a symlink", base + "/link/x", "lies beneath a symlink"},
		{"a regular file", base + "/file", "is a regular file, not a directory"},
		{"a missing path", base + "/missing", "no such file"},
		{"a relative path", "tmp", "absolute, clean path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IsMountPoint(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("IsMountPoint(%s) = %v, %v; want an error containing %q", tc.path, got, err, tc.want)
			}
		})
	}
}

// Kernels before 5.8 report no STATX_ATTR_MOUNT_ROOT: the mount IDs of the
// directory and its parent then decide; without those either, it is an
// error, never a guess.
func TestIsMountRootFallsBackToMountIDs(t *testing.T) {
	base := mountedTree(t)
	tests := []struct {
		name    string
		strip   uint64 // mask bits the "kernel" does not report
		path    string
		want    bool
		wantErr bool
	}{
		{"no mount-root attribute, a mount root", unix.STATX_ATTR_MOUNT_ROOT, base + "/mnt", true, false},
		{"no mount-root attribute, a plain directory", unix.STATX_ATTR_MOUNT_ROOT, base + "/plain", false, false},
		{"neither attribute nor mount ID", unix.STATX_ATTR_MOUNT_ROOT | unix.STATX_MNT_ID, base + "/mnt", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			real := statxOf
			defer func() { statxOf = real }()
			statxOf = func(fd int, stx *unix.Statx_t) error {
				err := real(fd, stx)
				stx.Attributes_mask &^= tc.strip & unix.STATX_ATTR_MOUNT_ROOT
				stx.Mask &^= uint32(tc.strip & unix.STATX_MNT_ID)
				return err
			}
			got, err := IsMountPoint(tc.path)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("IsMountPoint(%s) = %v, %v; want %v (error: %v)", tc.path, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
