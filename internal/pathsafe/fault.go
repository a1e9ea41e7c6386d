package pathsafe

import "golang.org/x/sys/unix"

// sys holds the system calls a test may need to replace, to play what a
// real kernel will not do on demand.
var sys = struct {
	openat2 func(int, string, *unix.OpenHow) (int, error)
	fchown  func(int, int, int) error
}{openat2: unix.Openat2, fchown: unix.Fchown}

// Fault replaces system calls for a test; nil fields keep the real call.
type Fault struct {
	// Openat2 plays an old kernel (ENOSYS) or an endless rename race
	// (EAGAIN on every try).
	Openat2 func(dirfd int, path string, how *unix.OpenHow) (int, error)
	// Fchown plays a run killed, or failing, between creating something
	// and giving it its owner.
	Fchown func(fd, uid, gid int) error
}

// Inject installs f until the returned function is called. It is for
// tests only, which must not run in parallel while it is installed.
func Inject(f Fault) (restore func()) {
	saved := sys
	if f.Openat2 != nil {
		sys.openat2 = f.Openat2
	}
	if f.Fchown != nil {
		sys.fchown = f.Fchown
	}
	return func() { sys = saved }
}
