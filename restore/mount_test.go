package restore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// With OneFileSystem, a file system mounted anywhere inside what is copied
// refuses the whole copy before anything is written: its files, with
// owners and modes its user chose, never land in the target.
func TestCopyOneFileSystemRefusesAMountInside(t *testing.T) {
	tr := newTrees(t)
	tr.write(tr.kept, "d/a", "alpha", 0o644)
	mnt := filepath.Join(tr.kept, "d/z/mnt")
	must(t, os.MkdirAll(mnt, 0o755))
	must(t, unix.Mount("alice-fuse", mnt, "tmpfs", 0, "mode=0755"))
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	tr.write(tr.kept, "d/z/mnt/suid", "x", 0o4755)

	_, err := Copy(tr.from, tr.dst, "d", Options{OneFileSystem: true})
	if err == nil || !strings.Contains(err.Error(), "/d/z/mnt is another file system mounted inside") || !strings.Contains(err.Error(), "nothing was copied") {
		t.Fatalf("err = %v, want a refusal naming /d/z/mnt", err)
	}
	if _, err := os.Lstat(filepath.Join(tr.to, "d")); !os.IsNotExist(err) {
		t.Errorf("something was copied: %v", err)
	}
}
