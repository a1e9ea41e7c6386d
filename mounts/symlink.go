package mounts

import (
	"errors"
	"fmt"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// linkText is what the symlink for e must say: the persistent copy as seen
// after switch-root. It is "" when the persistent root is not beneath the
// new root, because then no such path exists and the link would dangle.
func (r *roots) linkText(e Entry) (string, error) {
	if r.linkBase == "" {
		return "", refuse("Use how = \"bind\" for this entry, or mount the persistent root beneath the new root.",
			"the persistent root %s is not beneath the new root %s, so a symlink to it would dangle after switch-root",
			r.persist.Path, r.newRoot.Path)
	}
	return path.Join(r.linkBase, e.Path), nil
}

// attachSymlink makes <newRoot><Path> a symlink to the persistent copy src.
// It never replaces anything: an existing symlink must already say the
// right thing, and anything else is refused.
func attachSymlink(r *roots, e Entry, rel string, src handle, created *[]string) (string, error) {
	want, err := r.linkText(e)
	if err != nil {
		return "", err
	}
	parent, name, err := openTargetParent(r, e, rel, true, created)
	if err != nil {
		return "", err
	}
	defer parent.Close()
	action := ActionAlreadyLinked
	cur, err := lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		action = ActionSymlinked
		err = unix.Symlinkat(want, parent.FD, name)
		if errors.Is(err, unix.EEXIST) {
			action = ActionAlreadyLinked // raced; judge what is there
		} else if err != nil {
			return "", fmt.Errorf("create symlink %s: %w", join(parent.Path, name), err)
		}
		cur, err = lookup(parent, name)
	}
	if err != nil {
		return "", err
	}
	defer cur.Close()
	if action == ActionSymlinked {
		*created = append(*created, cur.Path)
	}
	if err := linkSays(cur, want, src.Path); err != nil {
		return "", err
	}
	return action, resolvesTo(r, rel, src)
}

// linkSays refuses anything at the target but a symlink reading want.
func linkSays(cur handle, want, srcPath string) error {
	if !cur.IsLink() {
		return refuse(fmt.Sprintf("blankslate never replaces a file with a symlink: move it away (what it holds may belong in %s), then run again.", srcPath),
			"%s is a %s, not a symlink", cur.Path, typeName(cur.Stat.Mode))
	}
	got, err := readLink(cur)
	if err != nil {
		return err
	}
	if got != want {
		return refuse("Remove the symlink if it is stale; blankslate will then create the right one.",
			"%s is a symlink to %s, not to %s", cur.Path, got, want)
	}
	return nil
}

// readLink reads the symlink an O_PATH fd refers to (empty path: the fd
// itself), so it is the very link we looked at.
func readLink(h handle) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(h.FD, "", buf)
		if err != nil {
			return "", fmt.Errorf("readlink %s: %w", h.Path, err)
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// resolvesTo proves the symlink leads to the persistent copy once the new
// root is /: resolving the path with RESOLVE_IN_ROOT treats the absolute
// link text as the switched-root system will. A dangling link here is what
// made sshd regenerate host keys in impermanence #101.
func resolvesTo(r *roots, rel string, src handle) error {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	shown := join(r.newRoot.Path, rel)
	fd, err := pathsafe.Openat2(r.newRoot.FD, rel, &how, shown)
	if err != nil {
		return fmt.Errorf("follow %s as the new root will: %w", shown, err)
	}
	h := handle{FD: fd, Path: shown}
	defer h.Close()
	if err := restat(&h); err != nil {
		return err
	}
	if !sameFile(h, src) {
		return fmt.Errorf("%s, followed as the new root will, does not lead to %s", shown, src.Path)
	}
	return nil
}
