package restore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// A restore of a directory that fails half-way leaves nothing under its
// name, says so, and leaves no staging directory behind.
func TestCopyFailingHalfWayLeavesNothingHalfMade(t *testing.T) {
	tr := newTrees(t)
	tr.write(tr.kept, "d/a", "alpha", 0o644)
	tr.write(tr.kept, "d/sub/b", "beta", 0o644)
	must(t, os.Lchown(tr.write(tr.kept, "d/z", "zulu", 0o644), 4242, 4242)) // copied last
	undo := pathsafe.Inject(pathsafe.Fault{Fchown: func(fd, uid, gid int) error {
		if uid == 4242 {
			return unix.EIO // a disk error on the last file
		}
		return unix.Fchown(fd, uid, gid)
	}})
	defer undo()
	items, err := tr.copy("d", false)
	if err == nil || !strings.Contains(err.Error(), "nothing was restored at /d") {
		t.Fatalf("err = %v, want one saying nothing was restored at /d", err)
	}
	if len(items) != 0 {
		t.Errorf("items %+v reported for a copy that was removed", items)
	}
	if names, _ := os.ReadDir(tr.to); len(names) != 0 {
		t.Errorf("the target holds %v, want nothing", names)
	}
	if _, err := os.Lstat(filepath.Join(tr.to, "d")); !os.IsNotExist(err) {
		t.Errorf("/d is there: %v", err)
	}
}
