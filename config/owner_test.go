package config

import (
	"strings"
	"testing"
)

func TestOwnerIsAUserNameOrAnIDTheKernelTakesAsIs(t *testing.T) {
	base := `"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start"`
	for _, tc := range []struct {
		name, owner, wantErr string
	}{
		{"a name", "alice", ""},
		{"a system name", "systemd-journal", ""},
		{"a name with underscore, dot and digits", "_svc.web2", ""},
		{"a Samba machine account", "host$", ""},
		{"a mixed-case name", "Alice", ""},
		{"zero", "0", ""},
		{"the largest id", "4294967294", ""},
		{"2^32 wraps to root", "4294967296", "between 0 and 4294967294"},
		{"2^32-1 means do not change", "4294967295", "between 0 and 4294967294"},
		{"an id that does not fit 64 bits", "99999999999999999999999", "between 0 and 4294967294"},
		{"a negative id", "-1", "not a user or group name"},
		{"a sign", "+1000", "not a user or group name"},
		{"a leading space", " 1000", "not a user or group name"},
		{"a trailing newline", "1000\n", "not a user or group name"},
		{"a leading zero", "01000", "leading zero"},
		{"a colon", "a:b", "not a user or group name"},
		{"a slash", "a/b", "not a user or group name"},
		{"a name starting with a digit", "1abc", "not a user or group name"},
		{"a name starting with a dash", "-alice", "not a user or group name"},
		{"a dollar inside", "a$b", "not a user or group name"},
		{"a name over 32 bytes", strings.Repeat("a", 33), "longer than 32"},
		{"a non-ASCII name", "jürgen", "not a user or group name"},
	} {
		for _, field := range []string{"user", "group"} {
			t.Run(field+"/"+tc.name, func(t *testing.T) {
				_, err := Parse([]byte(`{` + base + `,"entries":[{"path":"/srv","how":"bind","type":"directory","` +
					field + `":` + jsonString(tc.owner) + `}]}`))
				switch {
				case tc.wantErr == "" && err != nil:
					t.Errorf("%s %q rejected: %v", field, tc.owner, err)
				case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), field+" ")):
					t.Errorf("%s %q: error %v, want one naming %s and containing %q", field, tc.owner, err, field, tc.wantErr)
				}
			})
		}
	}
}

func TestNumericIDReadsOnlyCanonicalIDsInRange(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "1000": true, "4294967294": true,
		"4294967295": false, "4294967296": false, "-1": false, "01": false, " 1": false, "+1": false, "": false, "root": false} {
		if _, ok := NumericID(s); ok != want {
			t.Errorf("NumericID(%q) ok = %v, want %v", s, ok, want)
		}
	}
}
