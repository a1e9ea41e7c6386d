package restore

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/internal/testns"
)

// alice is the user who owns the directory restored into.
const aliceUID, aliceGID = 1000, 100

// aliceWinsEveryRace installs a fault that plays alice renaming victim
// over each directory or symlink root makes, right after it is made and
// before its owner is set: the race a real user can win with inotify,
// won every time. It returns how many times she tried.
func aliceWinsEveryRace(t *testing.T, victim string) *int {
	tries := 0
	undo := pathsafe.Inject(pathsafe.Fault{
		Mkdirat: func(fd int, name string, mode uint32) error {
			err := unix.Mkdirat(fd, name, mode)
			if err == nil {
				tries++
				testns.RenameAs(aliceUID, aliceGID, victim, fd, name)
			}
			return err
		},
		Symlinkat: func(target string, fd int, name string) error {
			err := unix.Symlinkat(target, fd, name)
			if err == nil {
				tries++
				testns.RenameAs(aliceUID, aliceGID, victim, fd, name)
			}
			return err
		},
	})
	t.Cleanup(undo)
	return &tries
}

// A restore into a directory its user owns never gives her a file she
// swapped in for what it made: whatever she renames, root's files stay
// root's, and what is restored is what was kept.
func TestCopyNeverChownsWhatTheUserSwappedIn(t *testing.T) {
	tests := []struct {
		name     string
		kept     func(tr *trees) // makes home/alice/x in the kept root
		victim   func(p string)  // root's own, in alice's directory
		wantType uint32
	}{
		{"a symlink", func(tr *trees) {
			must(t, os.Symlink("/etc/hostname", filepath.Join(tr.kept, "home/alice/x")))
		}, func(p string) { must(t, os.WriteFile(p, []byte("root's key"), 0o600)) }, unix.S_IFLNK},
		{"a directory", func(tr *trees) {
			must(t, os.Mkdir(filepath.Join(tr.kept, "home/alice/x"), 0o750))
		}, func(p string) {
			must(t, os.Mkdir(p, 0o700))
			must(t, os.WriteFile(filepath.Join(p, "key"), []byte("root's key"), 0o600))
		}, unix.S_IFDIR},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrees(t)
			openToAlice(t, tr)
			tc.kept(tr)
			must(t, os.Lchown(filepath.Join(tr.kept, "home/alice/x"), aliceUID, aliceGID))
			victim := filepath.Join(tr.to, "home/alice/victim")
			tc.victim(victim)
			vfd, err := unix.Open(victim, unix.O_PATH|unix.O_NOFOLLOW, 0)
			must(t, err)
			defer unix.Close(vfd)
			tries := aliceWinsEveryRace(t, victim)

			_, err = tr.copy("home/alice/x", false)
			t.Logf("restore: %v (alice tried %d renames)", err, *tries)
			var st unix.Stat_t
			must(t, unix.Fstat(vfd, &st))
			if st.Uid != 0 || st.Gid != 0 {
				t.Errorf("root's %s became %d:%d", pathsafe.TypeName(st.Mode), st.Uid, st.Gid)
			}
			if *tries == 0 {
				t.Fatal("alice never got a turn: the test proves nothing")
			}
			if err != nil {
				return // refusing is safe too
			}
			got := lstat(t, filepath.Join(tr.to, "home/alice/x"))
			if got.Mode&unix.S_IFMT != tc.wantType || got.Uid != aliceUID || got.Gid != aliceGID {
				t.Errorf("restored a %s of %d:%d, want a %s of %d:%d", pathsafe.TypeName(got.Mode), got.Uid, got.Gid,
					pathsafe.TypeName(tc.wantType), aliceUID, aliceGID)
			}
		})
	}
}

// openToAlice makes home/alice in both trees alice's, and the way to the
// target traversable by her.
func openToAlice(t *testing.T, tr *trees) {
	for _, d := range []string{filepath.Dir(filepath.Dir(tr.to)), filepath.Dir(tr.to)} {
		must(t, os.Chmod(d, 0o755))
	}
	for _, root := range []string{tr.kept, tr.to} {
		p := filepath.Join(root, "home/alice")
		must(t, os.MkdirAll(p, 0o755))
		must(t, os.Chown(p, aliceUID, aliceGID))
		must(t, os.Chmod(p, 0o700))
	}
}
