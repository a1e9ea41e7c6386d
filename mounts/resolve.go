package mounts

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Every lookup resolves exactly one path component beneath a directory fd
// and never follows a symlink. Walking one component at a time (instead of
// one openat2 call for the whole path) lets us check the owner and mode of
// each directory on the way, like systemd's chase() with CHASE_SAFE, and
// create missing parents; holding an fd for each step means a rename after
// the step cannot redirect us (docs/DESIGN.md, "attacker-writable").
const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// openat2 retries EAGAIN, which the kernel returns for RESOLVE_BENEATH
// lookups that raced with a rename; past maxRetries the path is refused
// rather than looked up some weaker way.
const maxRetries = 256

// errNoOpenat2 is returned on kernels without openat2 (before Linux 5.6):
// we fail closed instead of falling back to unchecked path resolution.
var errNoOpenat2 = errors.New("openat2 is not available (Linux 5.6 or later is needed); refusing to resolve paths without it")

// sysOpenat2 is the system call; tests replace it to play an old kernel
// (ENOSYS) or an endless rename race (EAGAIN).
var sysOpenat2 = unix.Openat2

// openat2 is unix.Openat2 with EAGAIN retried and ENOSYS mapped to a
// fail-closed error.
func openat2(dirfd int, name string, how *unix.OpenHow, shown string) (int, error) {
	for i := 0; ; i++ {
		fd, err := sysOpenat2(dirfd, name, how)
		switch {
		case err == nil:
			return fd, nil
		case errors.Is(err, unix.EAGAIN) && i < maxRetries:
			continue
		case errors.Is(err, unix.EAGAIN):
			return -1, refuse(raceFix,
				"%s kept changing while it was being looked up (the kernel reported a concurrent rename %d times in a row)", shown, maxRetries)
		case errors.Is(err, unix.ENOSYS):
			return -1, errNoOpenat2
		default:
			return -1, err
		}
	}
}

// lookup opens name (one component) beneath parent as O_PATH without
// following a symlink: a symlink yields an fd for the link itself, so the
// caller sees it and refuses. Kernel errors are wrapped, so callers learn
// that something is missing with errors.Is(err, unix.ENOENT).
func lookup(parent handle, name string) (handle, error) {
	shown := join(parent.path, name)
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return handle{fd: -1}, fmt.Errorf("bad path component %q in %s", name, shown)
	}
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: resolveFlags}
	fd, err := openat2(parent.fd, name, &how, shown)
	if err != nil {
		return handle{fd: -1}, fmt.Errorf("look up %s: %w", shown, err)
	}
	h := handle{fd: fd, path: shown}
	if err := unix.Fstat(fd, &h.st); err != nil {
		h.close()
		return handle{fd: -1}, fmt.Errorf("stat %s: %w", shown, err)
	}
	return h, nil
}

// walk opens the directory rel (slash-separated, relative) beneath start,
// one component at a time. With create set, missing components are made
// root:root 0755 and recorded in *created.
func walk(start handle, rel string, t trust, create bool, created *[]string) (handle, error) {
	cur, err := dup(start)
	if err != nil {
		return handle{fd: -1}, err
	}
	if rel == "" {
		return cur, nil
	}
	for _, name := range strings.Split(rel, "/") {
		next, err := lookup(cur, name)
		if errors.Is(err, unix.ENOENT) && create {
			next, err = makeDir(cur, name, 0, 0, 0o755)
			if err == nil {
				*created = append(*created, next.path)
			}
		}
		if err == nil {
			err = mustBeDir(next)
		}
		if err == nil {
			err = t.check(next)
		}
		cur.close()
		if err != nil {
			next.close()
			return handle{fd: -1}, err
		}
		cur = next
	}
	return cur, nil
}
