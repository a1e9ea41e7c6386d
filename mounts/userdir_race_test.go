package mounts

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

const aliceUID, aliceGID = 1000, 100

// A directory made in a parent its user may write (her home on /persist, or
// beneath the new root) is made where she cannot reach it and only then
// renamed into place: whatever of root's she renames over the name being
// made, it is never given to her. The fault plays her winning the race on
// every directory made, right after mkdirat and before the owner is set.
func TestADirectoryMadeInAUsersDirectoryNeverGivesHerRootsDirectory(t *testing.T) {
	for _, side := range []string{"sysroot/persist/home/alice", "sysroot/home/alice"} {
		t.Run(side, func(t *testing.T) {
			tr := newTree(t)
			// t.TempDir's directories are root's 0700: open the way down to her home.
			for _, d := range []string{filepath.Dir(tr.base), tr.base, tr.newRoot, tr.persist} {
				must(t, os.Chmod(d, 0o755))
			}
			tr.mkdir("sysroot/home", 0o755)
			tr.mkdir("sysroot/persist/home", 0o755)
			for _, d := range []string{"sysroot/persist/home/alice", "sysroot/home/alice"} {
				tr.mkdir(d, 0o755)
				tr.chown(d, aliceUID, aliceGID)
			}
			if side == "sysroot/home/alice" {
				tr.mkdir("sysroot/persist/home/alice/x", 0o700)
				tr.chown("sysroot/persist/home/alice/x", aliceUID, aliceGID)
			}
			victim := tr.path(side + "/victim")
			must(t, os.Mkdir(victim, 0o755))
			must(t, os.WriteFile(filepath.Join(victim, "key"), []byte("root's key"), 0o600))
			key, err := unix.Open(filepath.Join(victim, "key"), unix.O_PATH|unix.O_NOFOLLOW, 0)
			must(t, err)
			defer unix.Close(key)
			vdir, err := unix.Open(victim, unix.O_PATH|unix.O_NOFOLLOW, 0)
			must(t, err)
			defer unix.Close(vdir)

			tries, swapped := 0, 0
			undo := pathsafe.Inject(pathsafe.Fault{Mkdirat: func(fd int, name string, mode uint32) error {
				err := unix.Mkdirat(fd, name, mode)
				if err == nil {
					tries++
					if testns.RenameAs(aliceUID, aliceGID, victim, fd, name) {
						swapped++
					}
				}
				return err
			}})
			defer undo()

			e := bindDir("/home/alice/x")
			e.UID, e.GID, e.Mode = aliceUID, aliceGID, 0o700
			tr.apply(e) // refused or done: either way, root's directory stays root's

			if tries == 0 {
				t.Fatal("no directory was made: the race was never played")
			}
			for what, fd := range map[string]int{"root's directory": vdir, "root's key": key} {
				var st unix.Stat_t
				must(t, unix.Fstat(fd, &st))
				if st.Uid != 0 || st.Gid != 0 {
					t.Errorf("%s is now owned by %d:%d (alice swapped it in %d of %d tries)", what, st.Uid, st.Gid, swapped, tries)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
