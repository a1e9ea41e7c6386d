package adopt

import (
	"os"
	"path/filepath"
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
