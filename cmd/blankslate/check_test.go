package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckAndDiffExitStatusBeforeAnyZFSCall(t *testing.T) {
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
		{"unknown flag is a usage error", []string{"check", "--bogus"}, exitUsage, "unknown flag --bogus"},
		{"stray argument is a usage error", []string{"check", "now"}, exitUsage, `unexpected argument "now"`},
		{"relative root is a usage error", []string{"check", "--root", "sysroot"}, exitUsage, "must be an absolute, clean path"},
		{"invalid configuration is exit 2 with the findings", []string{"check", "--config", bad}, exitUsage, "ERROR    config.valid"},
		{"invalid configuration in JSON", []string{"--check", "--json", "--config", bad}, exitUsage, `"result": "config-invalid"`},
		{"diff: unknown flag is a usage error", []string{"diff", "--root", "/"}, exitUsage, "unknown flag --root"},
		{"diff: invalid configuration is exit 2", []string{"diff", "--config", bad}, exitUsage, "is the pool's root dataset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(tc.args, &out, &errb)
			if got != tc.want {
				t.Errorf("exit %d, want %d; stdout %s stderr %s", got, tc.want, out.String(), errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), tc.wantText) {
				t.Errorf("output lacks %q: %s%s", tc.wantText, out.String(), errb.String())
			}
		})
	}
}

func TestCheckWithoutZFSIsAProblemInValidJSON(t *testing.T) {
	if _, err := os.Stat("/dev/zfs"); err == nil {
		t.Skip("this machine has ZFS; the VM scenarios cover check on real ZFS")
	}
	var out, errb bytes.Buffer
	if got := run([]string{"check", "--json", "--config", writeDefault(t)}, &out, &errb); got != exitFailed {
		t.Fatalf("exit %d, want %d: %s", got, exitFailed, errb.String())
	}
	var doc struct {
		Result   string
		Findings []struct{ Check, Severity string }
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	found := false
	for _, f := range doc.Findings {
		found = found || f.Check == "zfs.available" && f.Severity == "error"
	}
	if doc.Result != "problems" || !found {
		t.Errorf("got %+v", doc)
	}
}

func writeDefault(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(`{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
