package mounts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
)

// The NixOS uid and gid maps lie beneath the persistent root, where anybody
// may have put anything: a FIFO, a link to /dev/zero, a link to a file
// elsewhere, a huge file. Plan must neither hang nor exhaust memory nor
// trust such a map, and only the entries that need the map may fail.
func TestPlanReadsTheNixOSMapsOnlyAsSmallRegularFilesBeneathThePersistentRoot(t *testing.T) {
	const mapRel = "var/lib/nixos/uid-map"
	tests := []struct {
		name  string
		setup func(t *testing.T, pr, outside string)
		want  string // in the error of the entry that needs the map
	}{
		{"a FIFO", func(t *testing.T, pr, outside string) {
			mustNoErr(t, unix.Mkfifo(filepath.Join(pr, mapRel), 0o644))
		}, "is a FIFO"},
		{"a symlink to /dev/zero", func(t *testing.T, pr, outside string) {
			mustNoErr(t, os.Symlink("/dev/zero", filepath.Join(pr, mapRel)))
		}, "is a symlink"},
		{"a symlink to a map outside", func(t *testing.T, pr, outside string) {
			mustWrite(t, filepath.Join(outside, "uid-map"), `{"alice":1000}`)
			mustNoErr(t, os.Symlink(filepath.Join(outside, "uid-map"), filepath.Join(pr, mapRel)))
		}, "is a symlink"},
		{"a directory on the way is a symlink", func(t *testing.T, pr, outside string) {
			mustWrite(t, filepath.Join(outside, "nixos/uid-map"), `{"alice":1000}`)
			mustNoErr(t, os.Symlink(filepath.Join(outside, "nixos"), filepath.Join(pr, "var/lib/nixos")))
		}, "var/lib/nixos is a symlink"},
		{"larger than a map can be", func(t *testing.T, pr, outside string) {
			big := `{"alice":1000,"pad":"` + strings.Repeat("x", 2<<20) + `"}`
			mustWrite(t, filepath.Join(pr, mapRel), big)
		}, "more than the"},
		{"not JSON", func(t *testing.T, pr, outside string) {
			mustWrite(t, filepath.Join(pr, mapRel), `alice=1000`)
		}, "is not a JSON object of names to ids"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pr, outside := filepath.Join(dir, "persist"), filepath.Join(dir, "outside")
			for _, d := range []string{pr + "/var/lib", outside} {
				mustNoErr(t, os.MkdirAll(d, 0o755))
			}
			if _, err := os.Lstat(filepath.Join(pr, "var/lib/nixos")); os.IsNotExist(err) && !strings.Contains(tc.name, "on the way") {
				mustNoErr(t, os.Mkdir(filepath.Join(pr, "var/lib/nixos"), 0o755))
			}
			tc.setup(t, pr, outside)
			c := &config.Config{Entries: []config.Entry{
				{Path: "/var/lib", How: "bind", Type: "directory", User: "root", Group: "root", Mode: "0755"},
				{Path: "/home/alice", How: "bind", Type: "directory", User: "alice", Group: "root", Mode: "0700"},
			}}
			var got []Planned
			done := make(chan struct{})
			go func() { got = Plan(c, pr); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Plan blocked reading the map")
			}
			if got[0].Err != nil {
				t.Errorf("an entry that needs no map failed: %v", got[0].Err)
			}
			if got[1].Err == nil || !strings.Contains(got[1].Err.Error(), tc.want) || !strings.Contains(got[1].Err.Error(), "uid-map") {
				t.Errorf("entry needing the map: uid %d, err %v; want an error naming uid-map and containing %q", got[1].Entry.UID, got[1].Err, tc.want)
			}
		})
	}
}

func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The initrd's /etc/passwd and /etc/group are the system's own, but are
// read as carefully: a regular file, bounded, never blocking.
func TestPasswdLookupReadsOnlyABoundedRegularFile(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, p string)
		wantOK bool
	}{
		{"a regular file", func(t *testing.T, p string) {
			mustWrite(t, p, "root:x:0:0::/:/bin/sh\nalice:x:1000:100::/home/alice:/bin/sh\n")
		}, true},
		{"a FIFO", func(t *testing.T, p string) { mustNoErr(t, unix.Mkfifo(p, 0o644)) }, false},
		{"a symlink to /dev/zero", func(t *testing.T, p string) { mustNoErr(t, os.Symlink("/dev/zero", p)) }, false},
		{"larger than the limit", func(t *testing.T, p string) {
			mustWrite(t, p, "alice:x:1000:100::/:/bin/sh\n"+strings.Repeat("#\n", maxIDFile))
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "passwd")
			tc.setup(t, p)
			var id int
			var ok bool
			done := make(chan struct{})
			go func() { id, ok = passwdLookup(p)("alice"); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("blocked reading the file")
			}
			if ok != tc.wantOK || ok && id != 1000 {
				t.Errorf("alice = %d, %v; want found %v", id, ok, tc.wantOK)
			}
		})
	}
}
