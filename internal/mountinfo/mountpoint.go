package mountinfo

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// IsMountPoint reports whether the directory p is the root of a mount. No
// symlink on p is followed, the last component included: a symlink to a
// mount point is an error, not a mount point, because whatever is written
// "there" would land where the link leads.
func IsMountPoint(p string) (bool, error) {
	h, err := pathsafe.OpenPath(p)
	if err != nil {
		return false, err
	}
	defer h.Close()
	if err := pathsafe.MustBeDir(h); err != nil {
		return false, err
	}
	if p == "/" {
		return true, nil
	}
	// ".." of a mount root is in the parent mount, which is what the
	// mount-ID comparison needs on kernels without STATX_ATTR_MOUNT_ROOT.
	pfd, err := unix.Openat(h.FD, "..", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open %s/..: %w", p, err)
	}
	defer unix.Close(pfd)
	return IsMountRoot(h.FD, pfd, p)
}

// IsMountRoot reports whether fd is the root of a mount, from statx's
// STATX_ATTR_MOUNT_ROOT (Linux 5.8), else by comparing its mount ID with
// that of parentFD, the directory holding it. Without either it cannot
// tell, and says so rather than guess. shown names fd in errors.
func IsMountRoot(fd, parentFD int, shown string) (bool, error) {
	stx, err := statx(fd, shown)
	if err != nil {
		return false, err
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 {
		return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
	}
	pstx, err := statx(parentFD, shown+"/..")
	if err != nil {
		return false, err
	}
	if stx.Mask&unix.STATX_MNT_ID != 0 && pstx.Mask&unix.STATX_MNT_ID != 0 {
		return stx.Mnt_id != pstx.Mnt_id, nil
	}
	return false, fmt.Errorf("cannot tell whether %s is a mount point: the kernel reports neither STATX_ATTR_MOUNT_ROOT nor STATX_MNT_ID (Linux 5.8 or later is needed)", shown)
}

// statxOf is statx(2) on a descriptor; tests replace it to play a kernel
// without STATX_ATTR_MOUNT_ROOT.
var statxOf = func(fd int, stx *unix.Statx_t) error {
	return unix.Statx(fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS|unix.STATX_MNT_ID, stx)
}

func statx(fd int, shown string) (unix.Statx_t, error) {
	var stx unix.Statx_t
	if err := statxOf(fd, &stx); err != nil {
		return stx, fmt.Errorf("statx %s: %w", shown, err)
	}
	return stx, nil
}
