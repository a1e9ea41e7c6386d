package boot

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// LockPath serialises the boot steps: two runs at once (a unit restarted while
// the first still works, a person running persist by hand) would race each
// other's mkdir and mount. It is beside /run/blankslate, not in it, so that a
// broken /run/blankslate never stops the steps.
const LockPath = "/run/blankslate.lock"

// Lock takes the lock at path, waiting at most wait for a run that holds it,
// and returns the function that releases it. The lock is an flock on an open
// file: it goes away with the process, however that ends.
func Lock(path string, wait time.Duration) (func(), error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil || !errors.Is(err, unix.EWOULDBLOCK) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		holder := lockHolder(fd)
		unix.Close(fd)
		return nil, fmt.Errorf("another blankslate run%s still holds %s after %s; nothing was changed. "+
			"Wait for it to finish (ps -ef | grep blankslate), then run this step again", holder, path, wait)
	}
	unix.Ftruncate(fd, 0)
	unix.Pwrite(fd, []byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { unix.Close(fd) }, nil
}

// lockHolder names the process that wrote its pid into the lock, for the message.
func lockHolder(fd int) string {
	buf := make([]byte, 32)
	n, err := unix.Pread(fd, buf, 0)
	if err != nil || n == 0 {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (pid %d)", pid)
}
