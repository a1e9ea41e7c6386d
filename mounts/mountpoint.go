package mounts

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// IsMountPoint reports whether the directory p (a path the caller trusts,
// such as the persistent root) is the root of a mount. The persist step
// uses it to refuse a persistent root whose dataset did not mount: what it
// wrote there would land on the root that the next boot erases.
func IsMountPoint(p string) (bool, error) {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", p, err)
	}
	h := handle{fd: fd, path: p}
	defer h.close()
	if p == "/" {
		return true, nil
	}
	// ".." of a mount root is in the parent mount, which is what the
	// mount-ID comparison in mountRoot needs on kernels without
	// STATX_ATTR_MOUNT_ROOT.
	pfd, err := unix.Openat(fd, "..", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open %s/..: %w", p, err)
	}
	parent := handle{fd: pfd, path: join(p, "..")}
	defer parent.close()
	return mountRoot(h, parent)
}
