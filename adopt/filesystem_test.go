package adopt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// mount mounts a tmpfs from source at rel beneath the root, for the test.
func (s *system) mount(source, rel string) {
	s.t.Helper()
	p := filepath.Join(s.root, rel)
	must(s.t, os.MkdirAll(p, 0o755))
	must(s.t, unix.Mount(source, p, "tmpfs", 0, "mode=0755"))
	s.t.Cleanup(func() { unix.Unmount(p, unix.MNT_DETACH) })
}

// adopt takes only what the next boot erases, the root dataset, and never
// copies across a mount: a path on another file system, or one with a
// mount inside, is refused naming that file system, and nothing moves.
func TestAdoptStaysOnTheRootDataset(t *testing.T) {
	tests := []struct {
		name, path string
		setup      func(s *system)
		want       string
	}{
		{"a directory on a separate /home dataset", "/home/alice/docs", func(s *system) {
			s.mount("rpool/home", "home")
			s.write("home/alice/docs/f", "letter")
		}, "/home/alice/docs is on rpool/home (tmpfs), mounted at"},
		{"a file on the ESP", "/boot/loader/entries/nixos.conf", func(s *system) {
			s.mount("/dev/vda1", "boot")
			s.write("boot/loader/entries/nixos.conf", "title NixOS")
		}, "is on /dev/vda1 (tmpfs)"},
		{"a user's mount inside the tree", "/srv/data", func(s *system) {
			s.mount("alice-fuse", "srv/data/sub/mnt")
			s.write("srv/data/sub/mnt/suid", "owned as alice chose")
		}, "has alice-fuse (tmpfs) mounted inside it at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t)
			tc.setup(s)
			_, err := s.adopt(tc.path, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("err = %v, want one saying %q and that nothing was changed", err, tc.want)
			}
			if _, err := os.Lstat(filepath.Join(s.root, tc.path)); err != nil {
				t.Errorf("the original moved: %v", err)
			}
			if names, _ := os.ReadDir(s.pers); len(names) > 0 {
				t.Errorf("the persistent root holds %v, want nothing", names)
			}
		})
	}
}
