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
