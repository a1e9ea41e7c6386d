package check

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// nsEnv marks the copy of the test binary that runs in its own mount namespace;
// the persistent-path tests mount tmpfs and bind mounts there, as root.
const nsEnv = "BLANKSLATE_CHECK_TEST_NS"

func TestMain(m *testing.M) {
	if os.Getenv(nsEnv) == "" && os.Geteuid() == 0 {
		os.Exit(reexecInNamespace())
	}
	if os.Getenv(nsEnv) != "" {
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			fmt.Fprintln(os.Stderr, "make / rprivate:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func reexecInNamespace() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "find the test binary:", err)
		return 1
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), nsEnv+"=1")
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

// needNamespace skips a test that mounts unless it runs as root in the private
// namespace (the Nix build sandbox is not root).
func needNamespace(t *testing.T) {
	t.Helper()
	if os.Getenv(nsEnv) == "" {
		t.Skip("mounts file systems: runs only as root (then in a private mount namespace)")
	}
}
