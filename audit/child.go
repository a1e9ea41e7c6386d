package audit

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// ListProcess is the listing process's whole job (`blankslate audit-list`):
// in the mount namespace of its own it was started in, mount the root
// dataset read-only at dir, stream what changed to w, and unmount. The mount
// never leaves the namespace (it is made private first), so the rollback that
// runs after this process has exited never finds the root mounted, even when
// the process is killed at its deadline.
func ListProcess(src Source, dataset, snap, dir string, b Bounds, w io.Writer) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the listing's mount namespace private: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("making the listing's mount point: %w", err)
	}
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount(dataset, dir, "zfs", flags, ""); err != nil {
		return fmt.Errorf("mounting %s read-only at %s: %w", dataset, dir, err)
	}
	defer unix.Unmount(dir, unix.MNT_DETACH)
	return List(src, dataset, snap, dir, b, w)
}
