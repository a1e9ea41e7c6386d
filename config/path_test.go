package config

import (
	"strings"
	"testing"
)

func TestPathsTheKernelOrTheJournalWouldMisreadAreRefused(t *testing.T) {
	long := func(n int) string { return "/" + strings.Repeat("a", n-1) }
	deep := func(n int) string { return strings.Repeat("/d", n) }
	entry := func(p string) string {
		return `{` + testBase + `,"entries":[{"path":` + jsonString(p) + `,"how":"bind","type":"directory"}]}`
	}
	root := func(p string) string { return `{` + testBase + `,"persistRoot":` + jsonString(p) + `}` }
	for _, tc := range []struct {
		name, json, want string
	}{
		{"a 255-byte component", entry("/srv/" + strings.Repeat("c", 255)), ""},
		{"a 4000-byte path", entry("/srv" + deep(1998)), ""},
		{"a 256-byte component", entry("/srv/" + strings.Repeat("c", 256)), "component longer than 255 bytes"},
		{"a path of 4096 bytes", entry(long(4096)), "longer than 4095 bytes"},
		{"a persistent copy over 4095 bytes", entry("/srv" + deep(2044)), "persistRoot+path"},
		{"a deep path far beyond PATH_MAX", entry(deep(100000)), "longer than 4095 bytes"},
		{"a newline", entry("/srv/a\nblankslate: all good"), "control character"},
		{"a carriage return", entry("/srv/a\rb"), "control character"},
		{"a tab", entry("/srv/a\tb"), "control character"},
		{"an escape", entry("/srv/\x1b[31mred"), "control character"},
		{"DEL", entry("/srv/a\x7f"), "control character"},
		{"a C1 control (NEL)", entry("/srv/a\u0085b"), "control character"},
		{"a C1 control (CSI)", entry("/srv/a\u009b31m"), "control character"},
		{"NUL", entry("/srv/a\x00b"), "NUL"},
		{"non-ASCII letters are fine", entry("/srv/données"), ""},
		{"persistRoot /proc", root("/proc"), "persistRoot"},
		{"persistRoot under /sys", root("/sys/persist"), "persistRoot"},
		{"persistRoot /dev", root("/dev"), "persistRoot"},
		{"persistRoot under /run", root("/run/persist"), "persistRoot"},
		{"persistRoot /nix/persist (the NixOS module's example)", root("/nix/persist"), ""},
		{"persistRoot /nix", root("/nix"), "persistRoot /nix: holds the Nix store"},
		{"persistRoot in the store", root("/nix/store/persist"), "lies in /nix/store"},
		{"persistRoot in Nix's database", root("/nix/var/persist"), "lies in /nix/var"},
		{"persistRoot /boot", root("/boot"), "persistRoot"},
		{"persistRoot under /tmp", root("/tmp/persist"), "persistRoot"},
		{"persistRoot /", root("/"), "persistRoot"},
		{"persistRoot with a newline", root("/persist\n"), "persistRoot"},
		{"persistRoot with a long component", root("/" + strings.Repeat("p", 256)), "persistRoot"},
		{"persistRoot /persistent is not /persist", root("/persistent"), ""},
		{"persistRoot /nixos is not /nix", root("/nixos"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if tc.want != "" && err != nil && strings.Contains(tc.name, "newline") && strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("the error itself spans lines: %q", err)
			}
		})
	}
}
