package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/internal/testns"
	"golang.org/x/sys/unix"
)

// What lies under a bind mount on the root dataset may be anything. The
// probe must never block on a FIFO there nor open a device: it reports
// them, and opens only directories and regular files.
func TestLookingUnderAMountOpensOnlyDirectoriesAndRegularFiles(t *testing.T) {
	tests := []struct {
		name     string
		dir      bool
		under    func(t *testing.T, p string) // makes what the mount will hide at p
		wantErr  string
		wantSize int64
	}{
		{"a FIFO under a file mount", false, func(t *testing.T, p string) { must(t, unix.Mkfifo(p, 0o644)) }, "is a FIFO; it was not opened", 0},
		{"a device under a file mount", false, func(t *testing.T, p string) {
			must(t, unix.Mknod(p, unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
		}, "is a character device; it was not opened", 0},
		{"a regular file under a file mount", false, func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte("12345"), 0o644)) }, "", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			needNamespace(t)
			root := t.TempDir()
			testns.MountTmpfs(t, root)
			must(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
			must(t, os.MkdirAll(filepath.Join(root, "persist/etc"), 0o755))
			target, src := filepath.Join(root, "etc/hostid"), filepath.Join(root, "persist/etc/hostid")
			tc.under(t, target)
			must(t, os.WriteFile(src, []byte("persistent"), 0o644))
			must(t, unix.Mount(src, target, "", unix.MS_BIND, ""))
			t.Cleanup(func() { _ = unix.Unmount(target, unix.MNT_DETACH) })

			var size int64
			var err error
			done := make(chan struct{})
			go func() { _, size, err = underMount(root, "etc/hostid", tc.dir); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("blocked looking under the mount")
			}
			switch {
			case tc.wantErr == "" && (err != nil || size != tc.wantSize):
				t.Errorf("size %d, error %v; want %d bytes", size, err, tc.wantSize)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("size %d, error %v; want an error containing %q", size, err, tc.wantErr)
			}
		})
	}
}
