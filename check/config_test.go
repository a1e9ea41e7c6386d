package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check --root DIR reads the configuration of the system under DIR: the
// current NixOS profile's, else DIR's /etc, else the built-in default, and
// says which.
func TestLoadConfigUnderReadsTheRescuedSystemsConfiguration(t *testing.T) {
	profileConfig := `{"pool": "tank", "dataset": "tank/sys/root", "snapshot": "blank", "entries": []}`
	etcConfig := `{"pool": "etcpool", "dataset": "etcpool/root", "snapshot": "s", "entries": []}`
	nixos := func(t *testing.T, root string) {
		writeUnder(t, root, "nix/store/e-etc/etc/blankslate/config.json", profileConfig)
		linkUnder(t, root, "nix/store/s-system/etc", "/nix/store/e-etc/etc")
		linkUnder(t, root, "nix/var/nix/profiles/system-3-link", "/nix/store/s-system")
		linkUnder(t, root, "nix/var/nix/profiles/system", "system-3-link")
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, root string)
		wantPool string
		wantFrom string // with ROOT for the root
		wantErr  string
	}{
		{"the current system profile's, through its store links", nixos, "tank",
			"ROOT/nix/var/nix/profiles/system/etc/blankslate/config.json (ROOT/nix/store/e-etc/etc/blankslate/config.json)", ""},
		{"the profile's before /etc's", func(t *testing.T, root string) {
			nixos(t, root)
			writeUnder(t, root, "etc/blankslate/config.json", etcConfig)
		}, "tank", "ROOT/nix/var/nix/profiles/system/etc/blankslate/config.json (", ""},
		{"/etc's without a profile (dracut)", func(t *testing.T, root string) {
			writeUnder(t, root, "etc/blankslate/config.json", etcConfig)
		}, "etcpool", "ROOT/etc/blankslate/config.json", ""},
		{"the built-in default when there is none, saying where it looked", func(t *testing.T, root string) {}, "rpool",
			"built-in default (no /nix/var/nix/profiles/system/etc/blankslate/config.json nor /etc/blankslate/config.json beneath ROOT)", ""},
		{"an invalid one is an error naming it", func(t *testing.T, root string) {
			writeUnder(t, root, "etc/blankslate/config.json", `{"pool": 1}`)
		}, "", "ROOT/etc/blankslate/config.json", "configuration ROOT/etc/blankslate/config.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tc.setup(t, root)
			c, from, err := LoadConfigUnder(root)
			wantFrom := strings.ReplaceAll(tc.wantFrom, "ROOT", root)
			if !strings.HasPrefix(from, wantFrom) {
				t.Errorf("from %q, want %q", from, wantFrom)
			}
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), strings.ReplaceAll(tc.wantErr, "ROOT", root)) {
					t.Errorf("error %v, want one containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case c.Pool != tc.wantPool:
				t.Errorf("pool %s, want %s", c.Pool, tc.wantPool)
			}
		})
	}
}

func writeUnder(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func linkUnder(t *testing.T, root, rel, to string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(to, p); err != nil {
		t.Fatal(err)
	}
}
