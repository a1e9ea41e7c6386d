package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// playInitrd makes the command believe it runs in an initrd, for one test.
func playInitrd(t *testing.T) {
	t.Helper()
	marker := filepath.Join(t.TempDir(), "initrd-release")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := initrdRelease
	initrdRelease = marker
	t.Cleanup(func() { initrdRelease = old })
}

// An invalid configuration stops the boot whatever policy it asks for: a file
// that says "continue" but does not validate must not let the boot go on with
// the root not reset.
func TestInvalidConfigurationAlwaysMeansEmergency(t *testing.T) {
	playInitrd(t)
	dir := t.TempDir()
	tests := []struct {
		name, json string
	}{
		{"a stray mis-cased key beside onFailure", `{"onFailure":"emergency","OnFailure":"continue"}`},
		{"continue with an invalid dataset", `{"onFailure":"continue","pool":"rpool","dataset":"rpool","snapshot":"s"}`},
		{"continue with an unknown key", `{"onFailure":"continue","bogus":1}`},
		{"continue in a file that is not JSON", `{"onFailure":"continue",`},
	}
	for _, cmd := range []string{"rollback", "persist"} {
		for _, tc := range tests {
			t.Run(cmd+": "+tc.name, func(t *testing.T) {
				path := filepath.Join(dir, "c.json")
				if err := os.WriteFile(path, []byte(tc.json), 0o644); err != nil {
					t.Fatal(err)
				}
				var out, errb bytes.Buffer
				if got := run([]string{cmd, "--config", path}, &out, &errb); got != exitUsage {
					t.Errorf("exit %d, want %d; stderr: %s", got, exitUsage, errb.String())
				}
				if strings.Contains(errb.String(), "CONTINUES") {
					t.Errorf("an invalid configuration let the boot continue: %s", errb.String())
				}
				if !strings.Contains(errb.String(), "an invalid configuration never means") {
					t.Errorf("the message does not say why the boot stops: %s", errb.String())
				}
			})
		}
	}
}

func TestValidateListsEveryProblemAndExitsTwo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[{"path":"/var/lib","how":"bind","type":"directory"}]}`)
	bad := write("bad.json", `{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[{"path":"var/lib","how":"bind","type":"directory"},{"path":"/srv","how":"glue","type":"directory"}]}`)
	tests := []struct {
		name      string
		args      []string
		want      int
		wantTexts []string
	}{
		{"a valid file", []string{"validate", "--config", good}, exitOK, []string{"is valid", "1 entries"}},
		{"every problem of an invalid file", []string{"validate", "--config", bad}, exitUsage, []string{"var/lib is not an absolute path", `"glue"`}},
		{"a missing file", []string{"validate", "--config", bad + ".missing"}, exitUsage, []string{"no such file"}},
		{"a second file", []string{"validate", good, bad}, exitUsage, []string{"name one FILE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := run(tc.args, &out, &errb); got != tc.want {
				t.Errorf("exit %d, want %d; stderr: %s", got, tc.want, errb.String())
			}
			for _, w := range tc.wantTexts {
				if !strings.Contains(out.String()+errb.String(), w) {
					t.Errorf("output lacks %q: %s%s", w, out.String(), errb.String())
				}
			}
		})
	}
}

func TestAuditListRequiresItsArguments(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run([]string{auditListCmd, "--dataset", "rpool/nixos/empty"}, &out, &errb); got != exitUsage {
		t.Errorf("exit %d, want %d", got, exitUsage)
	}
	if out.Len() != 0 {
		t.Errorf("wrote to its stream without listing anything: %q", out.String())
	}
}
