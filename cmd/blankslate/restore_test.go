package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// restore's and adopt's arguments are checked before anything is read or
// changed.
func TestRestoreAndAdoptArgumentsAreCheckedBeforeActing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"--force"}, "name at least one PATH"},
		{"a relative path", []string{"etc/foo"}, `"etc/foo" must be an absolute, clean path`},
		{"the root itself", []string{"/"}, `"/" must be an absolute, clean path`},
		{"an unclean path", []string{"/etc/../etc/shadow"}, "must be an absolute, clean path"},
		{"a relative --to", []string{"/etc/foo", "--to", "persist"}, `--to "persist" must be an absolute, clean path`},
		{"adopt without a path", []string{"adopt"}, "name one PATH"},
		{"adopt of two paths", []string{"adopt", "/a", "/b"}, "name one PATH"},
		{"adopt with an unknown how", []string{"adopt", "/a", "--how", "copy"}, "--how bind or symlink"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"restore"}, tc.args...)
			if tc.args[0] == "adopt" {
				args = tc.args
			}
			if got := run(args, &out, &errb); got != exitUsage {
				t.Errorf("exit %d, want %d", got, exitUsage)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.want)
			}
		})
	}
}

func TestParseWithPathsTakesFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args      []string
		wantPaths []string
		wantForce bool
	}{
		{[]string{"/a", "/b"}, []string{"/a", "/b"}, false},
		{[]string{"/a", "--force", "/b"}, []string{"/a", "/b"}, true},
		{[]string{"--force", "/a"}, []string{"/a"}, true},
		{[]string{"--", "/a", "--force"}, []string{"/a", "--force"}, false},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var paths []string
			var force bool
			ok := parseWithPaths("restore", tc.args, io.Discard, &paths, func(fs *flag.FlagSet) { fs.BoolVar(&force, "force", false, "") })
			if !ok || !slices.Equal(paths, tc.wantPaths) || force != tc.wantForce {
				t.Errorf("got %v %v force=%v, want %v force=%v", ok, paths, force, tc.wantPaths, tc.wantForce)
			}
		})
	}
}

// What restore prints names each path where it now is, with what was
// done; a path not in the kept root is a failure that names the kept root.
func TestRestorePathsPrintsWhereEachPathWent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("restores files owned by others: runs only as root")
	}
	kept, to := t.TempDir(), t.TempDir()
	for _, d := range []string{kept, to} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(kept, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kept, "etc/hosts"), []byte("127.0.0.1 x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := restorePaths("rpool/nixos/blankslate-prev/T", kept, restoreArgs{to: to, paths: []string{"/etc/hosts", "/missing"}}, &out, &errb)
	if code != exitFailed {
		t.Errorf("exit %d, want %d (one path is missing)", code, exitFailed)
	}
	for _, want := range []string{"From the kept root rpool/nixos/blankslate-prev/T into " + to, to + "/etc: restored (directory)", to + "/etc/hosts: restored (regular file, 12 B)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "/missing: it is not in the kept root rpool/nixos/blankslate-prev/T; nothing was restored") {
		t.Errorf("stderr: %s", errb.String())
	}
}

// A kept root's names reach root's terminal escaped: each restored path
// is one line, and no control byte (an escape sequence, a newline that
// would forge a line of the report) is printed.
func TestRestorePrintsHostileNamesEscaped(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("restores files owned by others: runs only as root")
	}
	kept, to := t.TempDir(), t.TempDir()
	names := []string{"x\n  forged: restored (regular file, 1 B)", "\x1b]0;owned\x07\x1b[2J", "caf\xe9"}
	for _, d := range []string{kept, to} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(kept, "d"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/\x1b[31mtarget", filepath.Join(kept, "d", n)); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := restorePaths("rpool/k", kept, restoreArgs{to: to, paths: []string{"/d", "/d/\x1b[1mmissing"}}, &out, &errb); code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if want := 2 + len(names); len(lines) != want { // the header, /d, each name
		t.Errorf("%d lines, want %d:\n%s", len(lines), want, out.String())
	}
	for _, b := range append(out.Bytes(), errb.Bytes()...) {
		if (b < 0x20 && b != '\n') || b == 0x7f {
			t.Fatalf("a control byte %#x was printed:\n%q\n%q", b, out.String(), errb.String())
		}
	}
	if strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("stderr is not one line: %q", errb.String())
	}
}
