package pathsafe

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func statOf(t *testing.T, p string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Lstat(p, &st))
	return st
}

func TestMkdirCompleteGivesExactlyTheOwnerAndMode(t *testing.T) {
	tests := []struct {
		name string
		o    Owner
		mode uint32
	}{
		{"root's 0755", Owner{}, 0o755},
		{"a user's 0700", Owner{UID: 1000, GID: 100}, 0o700},
		{"group-writable despite the umask", Owner{UID: 0, GID: 10}, 0o2775},
	}
	old := unix.Umask(0o077)
	defer unix.Umask(old)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			h, err := MkdirComplete(d.h, "n", tc.o, tc.mode)
			must(t, err)
			defer h.Close()
			st := statOf(t, d.at("n"))
			if int(st.Uid) != tc.o.UID || int(st.Gid) != tc.o.GID || st.Mode&0o7777 != tc.mode {
				t.Errorf("got %d:%d %04o, want %d:%d %04o", st.Uid, st.Gid, st.Mode&0o7777, tc.o.UID, tc.o.GID, tc.mode)
			}
			if h.Stat.Ino != st.Ino || h.Path != d.at("n") {
				t.Errorf("the handle is not the new directory: %+v", h)
			}
			if _, err := os.Lstat(d.at(tempName("n"))); !os.IsNotExist(err) {
				t.Errorf("the temporary name is left behind (%v)", err)
			}
		})
	}
}

// A creation that fails (or is killed) before the directory is complete
// leaves nothing at the final name; a later creation cleans what is left
// at the temporary name only if that is an empty directory.
func TestMkdirCompleteLeavesNothingHalfMadeAndCleansOnlyEmptyLeftovers(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(d *dir)
		fchown  error
		want    string // "" when creation must succeed
		surplus string // what must still exist afterwards
	}{
		{"the owner cannot be set", func(d *dir) {}, unix.EPERM, "chown", ""},
		{"an empty leftover of a killed run", func(d *dir) { d.mkdir(tempName("n"), 0o700) }, nil, "", ""},
		{"a leftover holding something", func(d *dir) { d.write(tempName("n")+"/keep", 1, 0o644) }, nil, "cannot be removed", tempName("n") + "/keep"},
		{"a symlink at the temporary name", func(d *dir) { d.mkdir("x", 0o755); d.symlink(tempName("n"), "x") }, nil, "cannot be removed", "x"},
		{"the name exists already", func(d *dir) { d.write("n/keep", 1, 0o644) }, nil, "file exists", "n/keep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			if tc.fchown != nil {
				defer Inject(Fault{Fchown: func(int, int, int) error { return tc.fchown }})()
			}
			h, err := MkdirComplete(d.h, "n", Owner{UID: 1000, GID: 100}, 0o750)
			h.Close()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if tc.want == "" {
				if st := statOf(t, d.at("n")); st.Uid != 1000 || st.Mode&0o7777 != 0o750 {
					t.Errorf("got %d %04o, want 1000 0750", st.Uid, st.Mode&0o7777)
				}
			} else if tc.surplus == "" {
				if _, err := os.Lstat(d.at("n")); !os.IsNotExist(err) {
					t.Errorf("a failed creation left %s (%v)", d.at("n"), err)
				}
			}
			if tc.surplus != "" {
				if _, err := os.Lstat(d.at(tc.surplus)); err != nil {
					t.Errorf("%s is gone: %v", tc.surplus, err)
				}
			}
		})
	}
}

func TestCreateFileIsCompleteWhenItAppears(t *testing.T) {
	d := newDir(t)
	h, err := CreateFile(d.h, "f", Owner{UID: 1000, GID: 100}, 0o640, []byte("hello\n"))
	must(t, err)
	h.Close()
	st := statOf(t, d.at("f"))
	if st.Uid != 1000 || st.Gid != 100 || st.Mode&0o7777 != 0o640 {
		t.Errorf("got %d:%d %04o, want 1000:100 0640", st.Uid, st.Gid, st.Mode&0o7777)
	}
	if b, _ := os.ReadFile(d.at("f")); string(b) != "hello\n" {
		t.Errorf("content %q", b)
	}
	if _, err := CreateFile(d.h, "f", Owner{}, 0o644, nil); !errors.Is(err, unix.EEXIST) {
		t.Errorf("creating over an existing file: %v, want EEXIST", err)
	}
	defer Inject(Fault{Fchown: func(int, int, int) error { return unix.EPERM }})()
	if _, err := CreateFile(d.h, "g", Owner{UID: 1}, 0o644, nil); err == nil {
		t.Error("a file whose owner could not be set was created")
	}
	if _, err := os.Lstat(d.at("g")); !os.IsNotExist(err) {
		t.Errorf("a failed creation left g (%v)", err)
	}
}

// A run killed after it created a file's temporary name leaves only that
// name; the next run removes it and creates the file complete.
func TestCreateFileRemovesATemporaryFileAKilledRunLeft(t *testing.T) {
	d := newDir(t)
	must(t, os.WriteFile(d.at(TempPrefix+"f"), []byte("half"), 0o600))
	h, err := CreateFile(d.h, "f", Owner{}, 0o644, []byte("whole\n"))
	must(t, err)
	h.Close()
	if b, _ := os.ReadFile(d.at("f")); string(b) != "whole\n" {
		t.Errorf("content %q", b)
	}
	if _, err := os.Lstat(d.at(TempPrefix + "f")); !os.IsNotExist(err) {
		t.Errorf("the temporary name is still there (%v)", err)
	}
	must(t, os.Mkdir(d.at(TempPrefix+"g"), 0o700))
	if _, err := CreateFile(d.h, "g", Owner{}, 0o644, nil); err == nil {
		t.Error("a directory at the temporary name was removed or ignored")
	}
}
