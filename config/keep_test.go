package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestKeepRootsIsReadBoundedAndSpelledExactly(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	for _, tc := range []struct {
		name, keep string
		want       int
		wantErr    string
	}{
		{"absent keeps none", "", 0, ""},
		{"zero keeps none", `,"keep":{"roots":0}`, 0, ""},
		{"empty section keeps none", `,"keep":{}`, 0, ""},
		{"three", `,"keep":{"roots":3}`, 3, ""},
		{"the bound", `,"keep":{"roots":100}`, 100, ""},
		{"above the bound is refused", `,"keep":{"roots":101}`, 0, "keep.roots 101: must be between 0 (keep none) and 100"},
		{"negative is refused", `,"keep":{"roots":-1}`, 0, "keep.roots -1"},
		{"a mis-cased key is refused", `,"keep":{"Roots":2}`, 0, `unknown field "keep.Roots"`},
		{"an unknown key is refused", `,"keep":{"root":2}`, 0, `unknown field "keep.root"`},
		{"not a number is refused", `,"keep":{"roots":"2"}`, 0, "not valid configuration JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(`{` + base + tc.keep + `}`))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("unexpected error %v", err)
			case c.KeepRoots() != tc.want:
				t.Errorf("roots %d, want %d", c.KeepRoots(), tc.want)
			}
		})
	}
}

func TestKeepRootsClampWhatWasNotValidated(t *testing.T) {
	huge := 1 << 20
	if got := (&Config{Keep: &Keep{Roots: &huge}}).KeepRoots(); got != MaxKeepRoots {
		t.Errorf("got %d", got)
	}
}

func TestDefaultJSONHasNoKeepKey(t *testing.T) {
	data, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "keep") {
		t.Errorf("the default's JSON changed: %s", data)
	}
}
