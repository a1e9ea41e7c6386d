package mounts

import "github.com/blankslate/blankslate/internal/mountinfo"

// IsMountPoint reports whether the directory p (a path the caller gives,
// such as the persistent root) is the root of a mount; a symlink there is
// an error, never followed. The persist step uses it to refuse a
// persistent root whose dataset did not mount: what it wrote there would
// land on the root that the next boot erases.
func IsMountPoint(p string) (bool, error) { return mountinfo.IsMountPoint(p) }
