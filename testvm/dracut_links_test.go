package testvm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The harness enables the repository's units as `systemctl enable` would:
// every WantedBy= and RequiredBy= of their [Install] sections.
func TestInstallLinksAreThoseOfTheInstallSections(t *testing.T) {
	want := map[string]string{
		"initrd.target.wants/blankslate-rollback.service":      "blankslate-rollback.service",
		"sysroot.mount.requires/blankslate-rollback.service":   "blankslate-rollback.service",
		"initrd-fs.target.requires/blankslate-persist.service": "blankslate-persist.service",
	}
	got := map[string]string{}
	for _, name := range blankslateUnits {
		l, err := installLinks(filepath.Join("..", "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range l {
			got[k] = v
		}
	}
	if len(got) != len(want) {
		t.Errorf("links %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("link %s → %q, want %q", k, got[k], v)
		}
	}
}

func TestInstallLinksRefuseAnUnknownInstallKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.service")
	if err := os.WriteFile(p, []byte("[Unit]\nDescription=x\n[Install]\nAlias=y.service\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := installLinks(p); err == nil || !strings.Contains(err.Error(), "Alias") {
		t.Errorf("err = %v", err)
	}
}
