package pathsafe

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWalkRefusesEveryUnsafeComponentAndAcceptsSafeOnes(t *testing.T) {
	tests := []struct {
		name  string
		rule  Rule
		setup func(d *dir)
		want  string // "" when the walk must succeed
	}{
		{"real root-owned directories", Root, func(d *dir) { d.mkdir("a/b", 0o755) }, ""},
		{"a symlink to a directory on the way", Root, func(d *dir) { d.mkdir("x/b", 0o755); d.symlink("a", "x") }, "a is a symlink"},
		{"a symlink as the last component", Root, func(d *dir) { d.mkdir("x", 0o755); d.symlink("a/b", "../x") }, "a/b is a symlink"},
		{"a symlink to /", Root, func(d *dir) { d.symlink("a", "/") }, "a is a symlink"},
		{"a FIFO on the way", Root, func(d *dir) { d.fifo("a") }, "a is a FIFO, not a directory"},
		{"a device on the way", Root, func(d *dir) { d.device("a") }, "a is a character device, not a directory"},
		{"a regular file on the way", Root, func(d *dir) { d.write("a", 0, 0o644) }, "a is a regular file, not a directory"},
		{"a user's directory on the way", Root, func(d *dir) { d.mkdir("a/b", 0o755); d.chown("a", 1000, 1000) }, "a is owned by uid 1000, not root"},
		{"a directory anybody can write", Root, func(d *dir) { d.mkdir("a/b", 0o755); d.mkdir("a", 0o777) }, "a is writable by others"},
		{"a directory its group can write", Root, func(d *dir) { d.mkdir("a/b", 0o755); d.mkdir("a", 0o775) }, "a is writable by group"},
		{"the user's own directory, for the user's entry", Rule{UID: 1000, GID: 100},
			func(d *dir) { d.mkdir("a/b", 0o700); d.chown("a/b", 1000, 100) }, ""},
		{"a missing component", Root, func(d *dir) { d.mkdir("a", 0o755) }, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			tc.setup(d)
			h, err := Walk(d.h, "a/b", tc.rule, nil)
			defer h.Close()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want == "" && (!h.IsDir() || h.Path != d.at("a/b")):
				t.Errorf("got %+v, want the directory a/b", h)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Missing components are made by the creator, and each is judged like any
// other: a creator that leaves something unsafe gets it refused.
func TestWalkCreatesMissingComponentsAndJudgesThem(t *testing.T) {
	d := newDir(t)
	var made []string
	mk := func(mode uint32) Creator {
		return func(p Handle, name string) (Handle, error) {
			made = append(made, name)
			return MkdirComplete(p, name, Owner{}, mode)
		}
	}
	h, err := Walk(d.h, "a/b", Root, mk(0o755))
	must(t, err)
	h.Close()
	if strings.Join(made, ",") != "a,b" {
		t.Errorf("made %v, want a and b", made)
	}
	if _, err := Walk(d.h, "a/c", Root, mk(0o777)); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("error %v, want the new world-writable directory refused", err)
	}
}

func TestOpenRootRefusesSymlinksAndUntrustedRoots(t *testing.T) {
	tests := []struct {
		name  string
		setup func(d *dir) string
		want  string
	}{
		{"a real root-owned directory", func(d *dir) string { d.mkdir("r", 0o755); return d.at("r") }, ""},
		{"a symlink to a directory", func(d *dir) string { d.mkdir("r", 0o755); d.symlink("l", d.at("r")); return d.at("l") }, "l is a symlink"},
		{"a path through a symlink", func(d *dir) string { d.mkdir("r/s", 0o755); d.symlink("l", d.at("r")); return d.at("l/s") }, "lies beneath a symlink"},
		{"writable by others", func(d *dir) string { d.mkdir("r", 0o777); return d.at("r") }, "writable by others"},
		{"writable by its group", func(d *dir) string { d.mkdir("r", 0o770); return d.at("r") }, "writable by group"},
		{"a user's directory", func(d *dir) string { d.mkdir("r", 0o755); d.chown("r", 1000, 1000); return d.at("r") }, "owned by uid 1000"},
		{"not a directory", func(d *dir) string { d.write("r", 0, 0o644); return d.at("r") }, "is a regular file, not a directory"},
		{"a relative path", func(d *dir) string { return "r" }, "absolute, clean path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			h, err := OpenRoot(tc.setup(d), Root)
			defer h.Close()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// Without openat2 nothing is resolved some weaker way; a path that keeps
// changing is refused after a bounded number of tries; a few changes are
// retried through.
func TestOpenat2FailsClosedAndRetriesOnlyABoundedNumberOfTimes(t *testing.T) {
	tests := []struct {
		name     string
		failures int // EAGAINs before the real call; -1: the errno on every call
		errno    unix.Errno
		want     string // "" when the lookup must succeed
	}{
		{"a kernel without openat2", -1, unix.ENOSYS, "openat2 is not available"},
		{"a path renamed on every try", -1, unix.EAGAIN, "kept changing while it was being looked up"},
		{"a path renamed a few times", 3, unix.EAGAIN, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDir(t)
			d.mkdir("a", 0o755)
			calls := 0
			defer Inject(Fault{Openat2: func(fd int, p string, how *unix.OpenHow) (int, error) {
				calls++
				if tc.failures < 0 || calls <= tc.failures {
					return -1, tc.errno
				}
				return unix.Openat2(fd, p, how)
			}})()
			h, err := Lookup(d.h, "a")
			defer h.Close()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.errno == unix.ENOSYS && !errors.Is(err, ErrNoOpenat2):
				t.Errorf("error %v is not ErrNoOpenat2", err)
			}
			if calls > maxRetries+1 {
				t.Errorf("%d calls, want at most %d", calls, maxRetries+1)
			}
		})
	}
}

func TestLookupRefusesNamesThatAreNotOneComponent(t *testing.T) {
	d := newDir(t)
	d.mkdir("a/b", 0o755)
	for _, name := range []string{"", ".", "..", "a/b"} {
		t.Run(name, func(t *testing.T) {
			if h, err := Lookup(d.h, name); err == nil {
				h.Close()
				t.Errorf("Lookup(%q) succeeded", name)
			}
		})
	}
}
