package pathsafe

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A staging directory left by a killed run is taken over once emptied of
// what a run leaves (a symlink, an empty directory); one that someone
// else could write, or that holds a file, is refused and left as it is.
func TestNewStagingTakesOverOnlyWhatARunLeft(t *testing.T) {
	const stage = StagingPrefix + "x"
	tests := []struct {
		name    string
		setup   func(d *dir)
		wantErr string
	}{
		{"nothing left", func(d *dir) {}, ""},
		{"a symlink left", func(d *dir) { d.symlink(stage+"/o", "/etc/shadow"); d.mkdir(stage, 0o700) }, ""},
		{"an empty directory left", func(d *dir) { d.mkdir(stage+"/o", 0o700); d.mkdir(stage, 0o700) }, ""},
		{"a file inside", func(d *dir) { d.write(stage+"/o", 3, 0o600); d.mkdir(stage, 0o700) }, "cannot be removed"},
		{"a user's directory", func(d *dir) { d.mkdir(stage, 0o700); d.chown(stage, 1000, 100) }, "owned by uid 1000"},
		{"a directory others can enter", func(d *dir) { d.mkdir(stage, 0o755) }, "mode 0755"},
		{"a symlink at its name", func(d *dir) { d.symlink(stage, "/root") }, "a symlink owned"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			s, err := NewStaging(d.h, "x")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if _, err := os.Lstat(d.at(stage)); err != nil {
					t.Errorf("what was refused is gone: %v", err)
				}
				return
			}
			must(t, err)
			must(t, s.Symlink("/target", Owner{UID: 1000, GID: 100}, [2]unix.Timespec{{Sec: 1}, {Sec: 2}}))
			must(t, s.Place("x", false))
			s.Close()
			var st unix.Stat_t
			must(t, unix.Lstat(d.at("x"), &st))
			if st.Mode&unix.S_IFMT != unix.S_IFLNK || st.Uid != 1000 || st.Mtim.Sec != 2 {
				t.Errorf("x is a %s of %d with mtime %d, want a symlink of 1000 with mtime 2", TypeName(st.Mode), st.Uid, st.Mtim.Sec)
			}
			if _, err := os.Lstat(d.at(stage)); !os.IsNotExist(err) {
				t.Errorf("the staging directory is left: %v", err)
			}
		})
	}
}

// RemoveTree removes a tree without following a symlink in it, refuses to
// enter a mount inside it, and stops at its limit saying so.
func TestRemoveTreeStaysInTheTree(t *testing.T) {
	tests := []struct {
		name    string
		limit   int
		mount   bool
		wantN   int // -1: any (it depends on the order names are listed in)
		wantErr string
	}{
		{"a tree with a symlink out", 100, false, 5, ""},
		{"a mount inside", 100, true, -1, "is another mount"},
		{"past the limit", 2, false, 2, "more than 2 entries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			d.write("outside/keep", 3, 0o644)
			d.write("t/sub/f", 3, 0o644)
			d.write("t/g", 3, 0o644)
			d.symlink("t/sub/out", d.at("outside"))
			if tc.mount {
				d.mkdir("t/sub/m", 0o755)
				must(t, unix.Mount("tmpfs", d.at("t/sub/m"), "tmpfs", 0, ""))
				t.Cleanup(func() { unix.Unmount(d.at("t/sub/m"), unix.MNT_DETACH) })
				must(t, os.WriteFile(d.at("t/sub/m/other"), nil, 0o644))
			}
			n, err := RemoveTree(d.h, "t", tc.limit)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if tc.wantN >= 0 && n != tc.wantN {
				t.Errorf("removed %d, want %d", n, tc.wantN)
			}
			if _, err := os.Stat(d.at("outside/keep")); err != nil {
				t.Errorf("the symlink was followed: %v", err)
			}
			if tc.mount {
				if _, err := os.Stat(d.at("t/sub/m/other")); err != nil {
					t.Errorf("a file on the mount inside was removed: %v", err)
				}
			}
		})
	}
}
