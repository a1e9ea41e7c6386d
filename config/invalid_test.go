package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rejected configuration carries no failure policy: whatever onFailure it spells,
// in whatever case or however often, the caller sees only ErrInvalid and must
// stop the boot (emergency).
func TestConfigurationAskingToContinueIsStillInvalidWhenRejected(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	for _, tc := range []struct{ name, json, want string }{
		{"a mis-cased second key", `{` + base + `,"onFailure":"emergency","OnFailure":"continue"}`, `"OnFailure"`},
		{"continue with another problem", `{` + base + `,"onFailure":"continue","persistRoot":"persist"}`, "persistRoot"},
		{"continue in a file that is not JSON", `{` + base + `,"onFailure":"continue"`, "not valid configuration JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.json))
			if err == nil || c != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, %v; want rejected with %q", c, err, tc.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse error does not match ErrInvalid: %v", err)
			}
			path := filepath.Join(t.TempDir(), "config.json")
			if err := os.WriteFile(path, []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			if c, _, err := Load(path); c != nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("Load = %v, %v; want nil and an error matching ErrInvalid", c, err)
			}
		})
	}
}

func TestUnreadableConfigurationIsInvalid(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "absent.json")); !errors.Is(err, ErrInvalid) {
		t.Errorf("Load of a missing file: %v, want an error matching ErrInvalid", err)
	}
}
