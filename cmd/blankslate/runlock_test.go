package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blankslate/blankslate/boot"
)

// restore and adopt wait for the run lock the boot steps take, and refuse,
// naming the holder, when a run keeps it: they change what persist
// attaches.
func TestRestoreAndAdoptTakeTheRunLock(t *testing.T) {
	saved := runLock
	t.Cleanup(func() { runLock = saved })
	runLock.path, runLock.wait = filepath.Join(t.TempDir(), "blankslate.lock"), 100*time.Millisecond
	unlock, err := boot.Lock(runLock.path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, args := range [][]string{{"restore", "/etc/hosts"}, {"adopt", "/srv/data"}} {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(args, &out, &errb); got != exitFailed {
				t.Errorf("exit %d, want %d (stderr %q)", got, exitFailed, errb.String())
			}
			if !strings.Contains(errb.String(), "another blankslate run (pid ") || !strings.Contains(errb.String(), "nothing was changed") {
				t.Errorf("stderr %q does not name the run holding the lock", errb.String())
			}
		})
	}
}
