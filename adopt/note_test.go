package adopt

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/adopted"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

func (s *system) notes() []adopted.Note {
	s.t.Helper()
	h, err := pathsafe.OpenRoot(s.pers, pathsafe.Root)
	must(s.t, err)
	defer h.Close()
	notes, err := adopted.Read(h)
	must(s.t, err)
	return notes
}

// When attaching fails, the original is put back and no note is left: a
// note would have check say to declare the path, and the next boot would
// then attach the copy over the live original.
func TestAdoptLeavesNoNoteWhenAttachingFails(t *testing.T) {
	s := newSystem(t)
	mountPoint := filepath.Join(s.root, "srv/.blankslate-new.data") // where the mount point is made
	undo := pathsafe.Inject(pathsafe.Fault{Fchown: func(fd, uid, gid int) error {
		if p, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd)); p == mountPoint {
			return unix.EIO
		}
		return unix.Fchown(fd, uid, gid)
	}})
	defer undo()
	_, err := s.adopt("/srv/data", "")
	if err == nil || !strings.Contains(err.Error(), "the original is back in place") {
		t.Fatalf("err = %v, want a failed attach with the original put back", err)
	}
	if n := s.notes(); len(n) != 0 {
		t.Errorf("notes %+v are left for a path not attached", n)
	}
	if got, _ := os.ReadFile(filepath.Join(s.root, "srv/data/a")); string(got) != "alpha" {
		t.Errorf("the original holds %q, want alpha", got)
	}
}

// A run cut short after attaching, before the note, is finished by the
// next: it finds the copy attached and the original set aside, and writes
// the note.
func TestAdoptWritesTheNoteARunCutShortDidNot(t *testing.T) {
	for _, tc := range []struct{ path, how string }{{"/srv/data", "bind"}, {"/srv/data/a", "symlink"}} {
		t.Run(tc.how, func(t *testing.T) {
			s := newSystem(t)
			_, err := s.adopt(tc.path, "")
			must(t, err)
			t.Cleanup(func() { unix.Unmount(filepath.Join(s.root, tc.path), unix.MNT_DETACH) })
			h, err := pathsafe.OpenRoot(s.pers, pathsafe.Root)
			must(t, err)
			must(t, adopted.Remove(h, tc.path)) // as if cut short before the note
			h.Close()
			res, err := s.adopt(tc.path, "")
			must(t, err)
			if !res.Repaired || res.Entry.How != tc.how {
				t.Errorf("result %+v, want the note repaired for a %s", res, tc.how)
			}
			if n := s.notes(); len(n) != 1 || n[0].Entry.Path != tc.path {
				t.Errorf("notes %+v, want one for %s", n, tc.path)
			}
			if _, err := s.adopt(tc.path, ""); err == nil {
				t.Error("a path adopted and noted was adopted again")
			}
		})
	}
}
