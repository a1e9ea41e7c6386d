package pathsafe

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// MountID is the ID of the mount h is on, as the first field of
// /proc/self/mountinfo gives it (statx STATX_MNT_ID, Linux 5.8). A kernel
// that does not report it is an error: whoever asks must not guess.
func MountID(h Handle) (uint64, error) {
	var stx unix.Statx_t
	if err := unix.Statx(h.FD, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &stx); err != nil {
		return 0, fmt.Errorf("statx %s: %w", h.Path, err)
	}
	if stx.Mask&unix.STATX_MNT_ID == 0 {
		return 0, fmt.Errorf("cannot tell which mount %s is on: the kernel does not report STATX_MNT_ID (Linux 5.8 or later is needed)", h.Path)
	}
	return stx.Mnt_id, nil
}
