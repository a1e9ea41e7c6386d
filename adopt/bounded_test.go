package adopt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Verifying the copy reads what the files hold, not what they say they
// hold: an empty file of an exabyte is adopted in moments.
func TestAdoptVerifiesASparseFileByItsData(t *testing.T) {
	s := newSystem(t)
	p := filepath.Join(s.root, "srv/data/huge")
	f, err := os.Create(p)
	must(t, err)
	_, err = f.WriteAt([]byte("end"), 1<<60)
	must(t, err)
	must(t, f.Close())
	done := make(chan error, 1)
	go func() {
		_, err := s.adopt("/srv/data", "")
		done <- err
	}()
	select {
	case err := <-done:
		must(t, err)
		t.Cleanup(func() { unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH) })
	case <-time.After(30 * time.Second):
		t.Fatal("adopt still runs after 30 s: it reads the holes of an exabyte")
	}
}

// What a killed adoption left is removed by the next adoption of the same
// path, which says so; a symlink in it is removed, not followed.
func TestAdoptRemovesWhatAKilledRunLeft(t *testing.T) {
	s := newSystem(t)
	left := filepath.Join(s.pers, "srv", tempName("data"))
	must(t, os.MkdirAll(filepath.Join(left, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(left, "a"), []byte("alp"), 0o644))
	must(t, os.Symlink(filepath.Join(s.root, "srv/data"), filepath.Join(left, "sub/link")))
	res, err := s.adopt("/srv/data", "")
	must(t, err)
	t.Cleanup(func() { unix.Unmount(filepath.Join(s.root, "srv/data"), unix.MNT_DETACH) })
	if res.Leftover != 4 {
		t.Errorf("removed %d entries of the leftover, want 4", res.Leftover)
	}
	if _, err := os.Lstat(left); !os.IsNotExist(err) {
		t.Errorf("the leftover is still there: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(s.pers, "srv/data/a")); string(got) != "alpha" {
		t.Errorf("the copy holds %q, want alpha", got)
	}
}

// In a directory of the persistent root its user can change, a leftover
// is reported, not removed: she could have renamed a directory of root's
// to its name.
func TestAdoptReportsALeftoverItMayNotRemove(t *testing.T) {
	s := newSystem(t)
	left := filepath.Join(s.pers, "srv", tempName("data"))
	must(t, os.MkdirAll(left, 0o700))
	must(t, os.WriteFile(filepath.Join(left, "roots-file"), []byte("x"), 0o600))
	must(t, os.Chown(filepath.Join(s.pers, "srv"), 1000, 100))
	_, err := s.adopt("/srv/data", "")
	if err == nil || !strings.Contains(err.Error(), "someone else can change") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v, want the leftover reported", err)
	}
	if _, err := os.Stat(filepath.Join(left, "roots-file")); err != nil {
		t.Errorf("the leftover was touched: %v", err)
	}
}
