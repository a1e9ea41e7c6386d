package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// runPrivate runs this binary again with args in a mount namespace of its
// own (as the audit listing runs), passing its output through, and returns
// its exit status. What the child mounts there is seen by nobody else and
// goes away with it, even when it is killed.
func runPrivate(args []string, stdout, stderr io.Writer) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return exitFailed, fmt.Errorf("finding blankslate's own executable: %w", err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return exitFailed, fmt.Errorf("starting %s %s in a mount namespace of its own: %w", exe, args[0], err)
	}
	return exitOK, nil
}

// mountPrivateReadOnly, in a process started by runPrivate, makes its mount
// namespace private and mounts the ZFS dataset read-only at dir (made
// 0700 when missing). The mount never propagates to the system.
func mountPrivateReadOnly(dataset, dir string) (unmount func(), err error) {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return nil, fmt.Errorf("making the mount namespace private: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the mount point %s: %w", dir, err)
	}
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount(dataset, dir, "zfs", flags, ""); err != nil {
		return nil, fmt.Errorf("mounting %s read-only at %s: %w", dataset, dir, err)
	}
	return func() { unix.Unmount(dir, unix.MNT_DETACH) }, nil
}
