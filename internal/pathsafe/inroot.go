package pathsafe

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// ReadInRoot reads the regular file rel of another system's tree mounted at
// root (a rescued system at /mnt), at most limit bytes, and returns where
// it really was beneath root. Symlinks on the way are followed as that
// system would follow them, with root as "/" (openat2 RESOLVE_IN_ROOT): a
// NixOS profile's absolute links into /nix/store land in root's store, never
// the host's, and ".." never climbs out of root. Magic links are refused,
// and the file is opened only if it is a regular one (O_NONBLOCK: a FIFO
// cannot hang the caller).
func ReadInRoot(root, rel string, limit int64) (data []byte, real string, err error) {
	r, err := OpenPath(root)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	if !r.IsDir() {
		return nil, "", fmt.Errorf("%s is a %s, not a directory", root, TypeName(r.Stat.Mode))
	}
	shown := Join(root, strings.TrimPrefix(rel, "/"))
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := Openat2(r.FD, strings.TrimPrefix(rel, "/"), &how, shown)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", shown, err)
	}
	h, err := handleOf(fd, shown)
	if err != nil {
		return nil, "", err
	}
	defer h.Close()
	real, err = RealPath(h)
	if err != nil {
		return nil, "", err
	}
	rootReal, err := RealPath(r)
	if err != nil {
		return nil, "", err
	}
	if err := Within(h, rootReal, root); err != nil {
		return nil, "", err
	}
	data, err = readHandle(h, limit)
	return data, real, err
}
