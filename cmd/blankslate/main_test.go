package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests cover what the command decides before any ZFS call: usage, the
// initrd guard, the configuration. The rollback itself is proven in testvm/.
func TestExitStatusBeforeAnyZFSCall(t *testing.T) {
	if _, err := os.Stat(initrdRelease); err == nil {
		t.Fatalf("%s exists: these tests must not run inside an initrd", initrdRelease)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"pool":"rpool","dataset":"rpool","snapshot":"s"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		want     int
		wantText string
	}{
		{"no command is a usage error", nil, exitUsage, "usage:"},
		{"unknown command is a usage error", []string{"explode"}, exitUsage, `unknown command "explode"`},
		{"unknown flag is a usage error", []string{"rollback", "--bogus"}, exitUsage, "unknown flag --bogus"},
		{"stray argument is a usage error", []string{"rollback", "rpool"}, exitUsage, `unexpected argument "rpool"`},
		{"version succeeds", []string{"version"}, exitOK, "blankslate "},
		{"rollback outside an initrd is refused", []string{"rollback"}, exitFailed, ""},
		{"persist outside an initrd is refused", []string{"persist"}, exitFailed, ""},
		{"persist with a relative --maps-from is a usage error", []string{"persist", "--maps-from", "persist"}, exitUsage, "--maps-from \"persist\" must be an absolute, clean path"},
		{"forced rollback with a bad config is a config error", []string{"rollback", "--force", "--config", bad}, exitUsage, ""},
		{"forced rollback with a missing config is a config error", []string{"rollback", "--force", "--config", bad + ".missing"}, exitUsage, ""},
		{"audit with a relative --root is a usage error", []string{"audit", "--root", "sysroot"}, exitUsage, "must be an absolute, clean path"},
		{"audit with an unclean --root is a usage error", []string{"audit", "--root", "/sysroot/"}, exitUsage, "must be an absolute, clean path"},
		{"audit with a stray argument is a usage error", []string{"audit", "rpool"}, exitUsage, `unexpected argument "rpool"`},
		{"audit with a bad config is a config error, before ZFS is touched", []string{"audit", "--config", bad}, exitUsage, "blankslate validate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(tc.args, &out, &errb)
			if got != tc.want {
				t.Errorf("exit %d, want %d; stderr: %s", got, tc.want, errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), tc.wantText) {
				t.Errorf("output lacks %q: %s%s", tc.wantText, out.String(), errb.String())
			}
		})
	}
}

func TestCheckFlagSpellingIsTheCheckCommand(t *testing.T) {
	var a, b bytes.Buffer
	if run([]string{"--check", "--bogus"}, &a, &a) != run([]string{"check", "--bogus"}, &b, &b) {
		t.Error("--check and check differ")
	}
}
