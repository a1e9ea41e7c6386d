package config

import (
	"os"
	"strings"
	"testing"
)

func TestModeSpecialBitsAreAcceptedOnlyWhereTheyMeanSomething(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	for _, tc := range []struct {
		name, typ, mode, wantErr string
	}{
		{"setgid directory shares its group", "directory", "2775", ""},
		{"sticky world-writable directory, the /var/tmp case", "directory", "1777", ""},
		{"setgid and sticky together", "directory", "3770", ""},
		{"five digits with a leading zero", "directory", "01777", ""},
		{"plain file", "file", "0640", ""},
		{"setuid directory means nothing on Linux", "directory", "4755", "setuid"},
		{"setuid world-writable directory", "directory", "04777", "setuid"},
		{"world-writable directory without sticky", "directory", "0777", "sticky"},
		{"sticky file means nothing on Linux", "file", "1644", "sticky"},
		{"setuid file", "file", "4755", "set-id"},
		{"setgid file", "file", "2755", "set-id"},
		{"world-writable file", "file", "0666", "world-writable"},
		{"more than 12 bits", "directory", "17777", "between 0000 and 7777"},
		{"a sign", "directory", "+755", "octal"},
		{"an 0o prefix", "directory", "0o755", "octal"},
		{"decimal digits", "directory", "0789", "octal"},
		{"too many leading zeros", "directory", "000755", "at most 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(`{` + base + `,"entries":[{"path":"/srv/x","how":"bind","type":"` + tc.typ + `","mode":"` + tc.mode + `"}]}`))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("mode %s on a %s rejected: %v", tc.mode, tc.typ, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "mode")):
				t.Errorf("mode %s on a %s: error %v, want one naming mode and containing %q", tc.mode, tc.typ, err, tc.wantErr)
			}
		})
	}
}

func TestFileModeCarriesSetIDAndStickyIntoGoModeBits(t *testing.T) {
	for _, tc := range []struct {
		bits uint32
		want os.FileMode
	}{
		{0o755, 0o755},
		{0o2775, 0o775 | os.ModeSetgid},
		{0o1777, 0o777 | os.ModeSticky},
		{0o4755, 0o755 | os.ModeSetuid},
		{0o7777, 0o777 | os.ModeSetuid | os.ModeSetgid | os.ModeSticky},
		{0o17777, 0o777 | os.ModeSetuid | os.ModeSetgid | os.ModeSticky}, // bits above 07777 are dropped
	} {
		if got := FileMode(tc.bits); got != tc.want {
			t.Errorf("FileMode(%#o) = %v, want %v", tc.bits, got, tc.want)
		}
	}
}
