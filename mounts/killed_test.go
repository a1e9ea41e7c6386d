package mounts

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// A run killed after making a directory but before giving it its owner
// and mode must not leave something the next run accepts as finished: the
// next run makes the directory as declared. The kill is played by a chown
// that fails, at the chosen directory, and stops the run there.
func TestARunKilledWhileMakingADirectoryLeavesNothingTheNextRunKeeps(t *testing.T) {
	entry := Entry{Path: "/srv/data", How: Bind, Kind: Directory, UID: 1000, GID: 100, Mode: 0o750}
	tests := []struct {
		name      string
		killAtUID int // the chown that "kills" the run
		dir       string
		wantUID   uint32
		wantMode  uint32
	}{
		{"killed while making a parent of the copy", 0, "sysroot/persist/srv", 0, 0o755},
		{"killed while making the copy", 1000, "sysroot/persist/srv/data", 1000, 0o750},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(t)
			restore := pathsafe.Inject(pathsafe.Fault{Fchown: func(fd, uid, gid int) error {
				if uid == tc.killAtUID {
					return unix.EINTR
				}
				return unix.Fchown(fd, uid, gid)
			}})
			first := tr.apply(entry)
			restore()
			if first.Failed() != 1 {
				t.Fatalf("the killed run succeeded: %+v", first.Outcomes)
			}
			mustSucceed(t, tr.apply(entry))
			var st unix.Stat_t
			if err := unix.Lstat(tr.path(tc.dir), &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != tc.wantUID || st.Mode&0o7777 != tc.wantMode {
				t.Errorf("%s is %d %04o after the next run, want %d %04o", tc.dir, st.Uid, st.Mode&0o7777, tc.wantUID, tc.wantMode)
			}
		})
	}
}

// What a killed run leaves at the temporary name is not taken for the copy;
// the next run removes it while it is empty and makes the copy as declared.
func TestALeftoverTemporaryDirectoryIsRemovedNotKept(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("sysroot/persist/var/"+pathsafe.TempPrefix+"lib", 0o700)
	mustSucceed(t, tr.apply(bindDir("/var/lib")))
	if _, err := os.Lstat(tr.path("sysroot/persist/var/" + pathsafe.TempPrefix + "lib")); !os.IsNotExist(err) {
		t.Errorf("the leftover is still there (%v)", err)
	}
	fi, err := os.Stat(tr.path("sysroot/persist/var/lib"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the copy: %v, %v; want a 0755 directory", fi, err)
	}
}
