package main

import (
	"bytes"
	"flag"
	"io"
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
