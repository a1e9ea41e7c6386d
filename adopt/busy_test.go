package adopt

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/mountinfo"
	"github.com/blankslate/blankslate/internal/pathsafe"
)

// A file a process holds open for writing is refused, naming the process,
// unless Force: what it wrote after the copy would go to the original set
// aside, which the next boot erases. A reader is no reason to refuse.
func TestAdoptRefusesAFileOpenForWriting(t *testing.T) {
	tests := []struct {
		name, redirect string
		force          bool
		want           string // "" when adopt must succeed
	}{
		{"a writer", ">>", false, "srv/data/sub/b (pid "},
		{"a writer, with force", ">>", true, ""},
		{"a reader", "<", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSystem(t)
			f := filepath.Join(s.root, "srv/data/sub/b")
			cmd := osexec.Command("sh", "-c", "exec sleep 60 "+tc.redirect+" "+f)
			must(t, cmd.Start())
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			waitOpen(t, cmd.Process.Pid, f)
			_, err := Adopt(Request{Path: "/srv/data", Config: s.cfg, Root: s.root, FS: testRoot, Force: tc.force, Now: time.Unix(1e9, 0)})
			if tc.want == "" {
				must(t, err)
				unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "sleep") || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("err = %v, want one naming %q and sleep", err, tc.want)
			}
			if _, err := os.Lstat(filepath.Join(s.pers, "srv/data")); !os.IsNotExist(err) {
				t.Errorf("a copy appeared: %v", err)
			}
		})
	}
}

// waitOpen waits until the process pid has exec'ed sleep with p open.
func waitOpen(t *testing.T, pid int, p string) {
	t.Helper()
	for i := 0; i < 500; i++ {
		comm, _ := os.ReadFile("/proc/" + itoa(pid) + "/comm")
		if strings.TrimSpace(string(comm)) == "sleep" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("pid %d never opened %s", pid, p)
}

func itoa(n int) string { return strconv.Itoa(n) }

// A writer that starts while the copy is made is found before the
// original is set aside: the copy stays, nothing is attached.
func TestAdoptRefusesAWriterThatStartsDuringTheCopy(t *testing.T) {
	s := newSystem(t)
	f := filepath.Join(s.root, "srv/data/sub/b")
	var cmd *osexec.Cmd
	undo := pathsafe.Inject(pathsafe.Fault{Fchown: func(fd, uid, gid int) error {
		if cmd == nil { // the copy has begun
			cmd = osexec.Command("sh", "-c", "exec sleep 60 >>"+f)
			must(t, cmd.Start())
			waitOpen(t, cmd.Process.Pid, f)
		}
		return unix.Fchown(fd, uid, gid)
	}})
	defer undo()
	t.Cleanup(func() {
		if cmd != nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	_, err := s.adopt("/srv/data", "")
	if err == nil || !strings.Contains(err.Error(), "open for writing") || !strings.Contains(err.Error(), "nothing attached") {
		t.Fatalf("err = %v, want a writer found after the copy", err)
	}
	if ok, _ := mountinfo.IsMountPoint(filepath.Join(s.root, "srv/data")); ok {
		unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH)
		t.Error("the copy was attached")
	}
	if got, _ := os.ReadFile(f); string(got) != "beta" {
		t.Errorf("the original holds %q, want beta", got)
	}
}
