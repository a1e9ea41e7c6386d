// Package testns runs a package's tests in a private mount namespace, for tests
// that mount file systems as root: nothing they mount is seen by, or left on,
// the host.
package testns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// env marks the copy of the test binary that runs in the namespace.
const env = "BLANKSLATE_TEST_MOUNT_NS"

// Main is TestMain for such a package. As root it runs the test binary again,
// with the same arguments, in a new mount namespace (unshare(CLONE_NEWNS)
// between fork and exec) whose mounts are made private; otherwise it runs the
// tests as they are, and Active reports false.
func Main(m *testing.M) {
	if !Active() && os.Geteuid() == 0 {
		os.Exit(reexec())
	}
	if Active() {
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			fmt.Fprintln(os.Stderr, "make / rprivate:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// Active reports whether the tests run in the private mount namespace.
func Active() bool { return os.Getenv(env) != "" }

func reexec() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "find the test binary:", err)
		return 1
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "run the tests in a private mount namespace:", err)
		return 1
	}
	return 0
}

// MountTmpfs mounts an empty tmpfs of mode 0755 on dir (a tmpfs root is 1777
// by default, which blankslate's ownership rule rightly refuses) and detaches
// it, with everything beneath, when the test ends.
func MountTmpfs(t testing.TB, dir string) {
	t.Helper()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
}
