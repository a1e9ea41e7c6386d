package pathsafe

import "golang.org/x/sys/unix"

// sys holds the system calls a test may need to replace, to play what a
// real kernel will not do on demand.
var sys = struct {
	openat2   func(int, string, *unix.OpenHow) (int, error)
	fchown    func(int, int, int) error
	mkdirat   func(int, string, uint32) error
	symlinkat func(string, int, string) error
}{openat2: unix.Openat2, fchown: unix.Fchown, mkdirat: unix.Mkdirat, symlinkat: unix.Symlinkat}

// Fault replaces system calls for a test; nil fields keep the real call.
type Fault struct {
	// Openat2 plays an old kernel (ENOSYS) or an endless rename race
	// (EAGAIN on every try).
	Openat2 func(dirfd int, path string, how *unix.OpenHow) (int, error)
	// Fchown plays a run killed, or failing, between creating something
	// and giving it its owner.
	Fchown func(fd, uid, gid int) error
	// Mkdirat and Symlinkat play a user of the parent directory renaming
	// something over the name just made, before owner and mode are set.
	Mkdirat   func(dirfd int, name string, mode uint32) error
	Symlinkat func(target string, dirfd int, name string) error
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
	if f.Mkdirat != nil {
		sys.mkdirat = f.Mkdirat
	}
	if f.Symlinkat != nil {
		sys.symlinkat = f.Symlinkat
	}
	return func() { sys = saved }
}
