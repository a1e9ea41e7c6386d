//go:build zfsguest

// The binding's rename on real ZFS, in the test VM (guest scenario
// signals-iterations, which builds this binary): one ZFS_IOC_RENAME that
// takes the snapshots with it, and the kernel's refusals in words.

package libzfs

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/blankslate/blankslate/internal/zfs"
)

func TestRenameOnRealZFS(t *testing.T) {
	pool := os.Getenv("BSGUEST_POOL")
	if pool == "" {
		t.Fatal("BSGUEST_POOL is unset: this test runs in the test VM (testvm/signals_vm_test.go)")
	}
	z, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	a, b, c := pool+"/rename-a", pool+"/rename-b", pool+"/rename-c"
	off := map[string]string{"canmount": "off", "mountpoint": "none"}
	for _, fs := range []string{a, b} {
		if err := z.CreateFS(fs, off); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Snapshot(a, "start"); err != nil {
		t.Fatal(err)
	}
	refusals := []struct {
		to    string
		errno syscall.Errno
		words string
	}{
		{b, syscall.EEXIST, "a dataset of the new name exists"},
		{pool + "/no-such-parent/x", syscall.ENOENT, "does not exist"},
		{a + "/inside", syscall.EINVAL, "not valid there"},
	}
	for _, r := range refusals {
		err := z.Rename(a, r.to)
		if !errors.Is(err, r.errno) || !strings.Contains(err.Error(), r.words) || !strings.Contains(err.Error(), a) {
			t.Errorf("renaming %s to %s: %v, want %v saying %q", a, r.to, err, r.errno, r.words)
		}
	}
	if err := z.Rename(a, c); err != nil {
		t.Fatalf("renaming %s to %s: %v", a, c, err)
	}
	if _, err := z.Dataset(a); !errors.Is(err, zfs.ErrNotFound) {
		t.Errorf("%s after the rename: %v, want it gone", a, err)
	}
	snaps, err := z.Snapshots(c)
	if err != nil || len(snaps) != 1 || snaps[0].Name != c+"@start" {
		t.Errorf("snapshots of %s: %v, %v; want %s@start, moved with it", c, snaps, err, c)
	}
}
