package pathsafe

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Beneath is how every lookup below an untrusted directory resolves: never
// above the directory, never through a symlink or a /proc magic link.
const Beneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// maxRetries bounds the EAGAIN retries: the kernel returns EAGAIN for a
// RESOLVE_BENEATH lookup that raced with a rename anywhere on the system;
// past this many in a row the path is refused rather than looked up some
// weaker way.
const maxRetries = 256

// ErrNoOpenat2 is returned on kernels without openat2 (before Linux 5.6):
// paths are then refused, never resolved without the kernel's guarantees.
var ErrNoOpenat2 = errors.New("openat2 is not available (Linux 5.6 or later is needed); refusing to resolve paths without it")

// Openat2 is openat2(2) with EAGAIN retried (bounded) and ENOSYS failing
// closed. shown names the path in a refusal.
func Openat2(dirfd int, name string, how *unix.OpenHow, shown string) (int, error) {
	for i := 0; ; i++ {
		fd, err := sys.openat2(dirfd, name, how)
		switch {
		case err == nil:
			return fd, nil
		case errors.Is(err, unix.EAGAIN) && i < maxRetries:
			continue
		case errors.Is(err, unix.EAGAIN):
			return -1, Refuse(RaceFix,
				"%s kept changing while it was being looked up (the kernel reported a concurrent rename %d times in a row)", shown, maxRetries)
		case errors.Is(err, unix.ENOSYS):
			return -1, ErrNoOpenat2
		default:
			return -1, err
		}
	}
}
