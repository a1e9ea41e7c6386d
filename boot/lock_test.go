package boot

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLockAdmitsOneRunAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blankslate.lock")
	unlock, err := Lock(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(path, 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "another blankslate run") {
		t.Errorf("a second run got the lock: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var second error
	go func() {
		defer wg.Done()
		var u func()
		u, second = Lock(path, 5*time.Second)
		if second == nil {
			u()
		}
	}()
	time.Sleep(200 * time.Millisecond)
	unlock()
	wg.Wait()
	if second != nil {
		t.Errorf("a run waiting for the lock did not get it once it was released: %v", second)
	}
}

func TestLockRefusesASymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "blankslate.lock")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), path); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(path, 0); err == nil {
		t.Error("the lock followed a symlink")
	}
}
