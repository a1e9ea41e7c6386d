package mounts

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// useOpenTree is switched off by tests to exercise the fallback.
var useOpenTree = true

// attachBind bind-mounts the persistent copy src on <newRoot><Path>.
func attachBind(r *roots, e Entry, rel string, src handle, created *[]string) (string, error) {
	parent, name, err := openTargetParent(r, e, rel, true, created)
	if err != nil {
		return "", err
	}
	defer parent.Close()
	dst, err := lookup(parent, name)
	if errors.Is(err, unix.ENOENT) {
		dst, err = makeMountPoint(parent, name, e.Kind)
		if err == nil {
			*created = append(*created, dst.Path)
		}
	}
	if err != nil {
		return "", err
	}
	defer dst.Close()
	if err := checkTargetType(dst, e); err != nil {
		return "", err
	}
	if err := inside(dst, r.newRoot, r.newCanon); err != nil {
		return "", err
	}
	mounted, err := boundFrom(dst, parent, src)
	if err != nil || mounted {
		return ActionAlreadyMounted, err
	}
	if err := mustBeEmpty(dst, src.Path); err != nil {
		return "", err
	}
	mnt, err := bindFD(src, dst, parent, name)
	if err != nil {
		return "", fmt.Errorf("bind-mount %s on %s: %w", src.Path, dst.Path, err)
	}
	defer unix.Close(mnt)
	if err := verifyBind(r, parent, name, src, mnt); err != nil {
		return "", detach(mnt, err)
	}
	return ActionBindMounted, nil
}

// boundFrom reports whether dst already is a mount of src: a mount root
// with src's device and inode. A mount root of anything else is refused,
// since stacking ours on it would hide it.
func boundFrom(dst, parent, src handle) (bool, error) {
	root, err := mountRoot(dst, parent)
	if err != nil || !root {
		return false, err
	}
	if sameFile(dst, src) {
		return true, nil
	}
	return false, refuse(fmt.Sprintf("If it is stale, unmount it (umount %s), then run again.", dst.Path),
		"%s is already a mount point, but not of %s", dst.Path, src.Path)
}

// mustBeEmpty refuses a target that holds data a bind mount would hide:
// a non-empty directory or a non-empty file.
func mustBeEmpty(dst handle, srcPath string) error {
	fix := fmt.Sprintf("Move what is there into %s or elsewhere, then run again.", srcPath)
	if dst.IsFile() {
		if dst.Stat.Size > 0 {
			return refuse(fix, "%s already holds data (%d bytes) that a bind mount would hide", dst.Path, dst.Stat.Size)
		}
		return nil
	}
	// O_NOATIME: Status runs this for check, which changes nothing, not
	// even an access time; without the privilege for it, read plainly.
	fd, err := reopen(dst, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOATIME)
	if errors.Is(err, unix.EPERM) {
		fd, err = reopen(dst, unix.O_RDONLY|unix.O_DIRECTORY)
	}
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), dst.Path)
	defer f.Close()
	names, err := f.Readdirnames(1)
	if len(names) > 0 {
		return refuse(fix, "%s already holds data (%s, among others) that a bind mount would hide", dst.Path, join(dst.Path, names[0]))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("list %s: %w", dst.Path, err)
	}
	return nil
}

// bindFD mounts src on dst by descriptor: open_tree clones the mount,
// move_mount attaches it to the very directory we checked. No path is
// resolved again, so nothing can be swapped in between (the lesson of
// runc CVE-2021-30465). Kernels before 5.2 get mount(2) through the fds'
// /proc magic links, which also pins both ends. It returns an fd for the
// root of the new mount, for verifyBind and detach.
func bindFD(src, dst, parent handle, name string) (int, error) {
	if useOpenTree {
		tree, err := unix.OpenTree(src.FD, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH)
		if err == nil {
			err = unix.MoveMount(tree, "", dst.FD, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
			if err != nil {
				unix.Close(tree)
				return -1, fmt.Errorf("move_mount: %w", err)
			}
			return tree, nil
		}
		if !errors.Is(err, unix.ENOSYS) {
			return -1, fmt.Errorf("open_tree: %w", err)
		}
	}
	from, err := pathsafe.ProcFD(src.FD)
	if err != nil {
		return -1, err
	}
	to, err := pathsafe.ProcFD(dst.FD)
	if err != nil {
		return -1, err
	}
	if err := unix.Mount(from, to, "", unix.MS_BIND, ""); err != nil {
		return -1, fmt.Errorf("mount: %w", err)
	}
	top, err := lookup(parent, name)
	if err != nil {
		return -1, fmt.Errorf("after mounting: %w", err)
	}
	return top.FD, nil
}

// verifyBind checks the new mount: its root is src, it sits inside the new
// root (where the kernel says it is, not where we think), and looking the
// target up again by name now finds it. A mismatch means something was
// renamed while we mounted; that is refused like any other unsafe finding.
func verifyBind(r *roots, parent handle, name string, src handle, mnt int) error {
	m := handle{FD: mnt, Path: join(parent.Path, name)}
	if err := restat(&m); err != nil {
		return err
	}
	if !sameFile(m, src) {
		return refuse(raceFix, "the mount made on %s is not of %s", m.Path, src.Path)
	}
	if err := inside(m, r.newRoot, r.newCanon); err != nil {
		return err
	}
	dst, err := lookup(parent, name)
	if err != nil {
		return fmt.Errorf("after mounting: %w", err)
	}
	defer dst.Close()
	root, err := mountRoot(dst, parent)
	if err == nil && (!root || !sameFile(dst, src)) {
		err = refuse(raceFix, "%s changed while it was being mounted", dst.Path)
	}
	return err
}

const raceFix = pathsafe.RaceFix

// detach undoes a mount that failed verification; err says why.
func detach(mnt int, err error) error {
	note := "the new mount was detached"
	p, uerr := pathsafe.ProcFD(mnt)
	if uerr == nil {
		uerr = unix.Unmount(p, unix.MNT_DETACH)
	}
	if uerr != nil {
		note = fmt.Sprintf("detaching the new mount failed too (%v): unmount it by hand", uerr)
	}
	var u *pathsafe.Unsafe
	if errors.As(err, &u) {
		done := *u
		done.Reason += "; " + note
		return &done
	}
	return fmt.Errorf("%w; %s", err, note)
}
