package config

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParse: no input panics, every rejection matches ErrInvalid (so the boot
// treats it as emergency), and whatever Parse accepts validates and survives a
// JSON round trip unchanged (so what the NixOS module writes is what we read).
func FuzzParse(f *testing.F) {
	def, _ := json.Marshal(Default())
	f.Add(def)
	f.Add([]byte(`{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"}`))
	f.Add([]byte(`{"pool":"rpool","dataset":"rpool/a","snapshot":"s","entries":[{"path":"/a/../b","how":"bind","type":"file"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("a rejection that does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted a configuration that does not validate: %v", err)
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Parse(again)
		if err != nil {
			t.Fatalf("re-parse of accepted configuration failed: %v\n%s", err, again)
		}
		if b, _ := json.Marshal(c2); string(b) != string(again) {
			t.Fatalf("round trip changed the configuration:\n%s\n%s", again, b)
		}
	})
}
