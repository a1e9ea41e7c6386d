package pathsafe

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRuleTrustsOnlyWhatRootOrTheEntrysOwnerAloneCanChange(t *testing.T) {
	root, alice := Rule{}, Rule{UID: 1000, GID: 100}
	final := func(r Rule) Rule { r.Final = true; return r }
	tests := []struct {
		name     string
		rule     Rule
		uid, gid uint32
		mode     uint32
		want     string // "" when trusted
	}{
		{"root's 0755 directory, root's entry", root, 0, 0, 0o755, ""},
		{"a user's directory, root's entry", root, 1000, 100, 0o755, "owned by uid 1000, not root"},
		{"writable by others, root's entry", root, 0, 0, 0o777, "writable by others (mode 0777)"},
		{"writable by others even with the sticky bit on the way", root, 0, 0, 0o1777, "writable by others (mode 1777)"},
		{"writable by root's group, root's entry", root, 0, 0, 0o775, "writable by group 0 (mode 0775)"},
		{"writable by another group, root's entry", root, 0, 100, 0o775, "writable by group 100"},
		{"the user's own directory, the user's entry", alice, 1000, 100, 0o700, ""},
		{"another user's directory, the user's entry", alice, 1001, 100, 0o755, "owned by uid 1001, not root or uid 1000"},
		{"writable by the entry's group, the user's entry", alice, 1000, 100, 0o770, ""},
		{"writable by another group, the user's entry", alice, 1000, 101, 0o770, "writable by group 101"},
		{"the copy itself, sticky and writable by others", final(root), 0, 0, 0o1777, ""},
		{"the copy itself, writable by others without sticky", final(root), 0, 0, 0o777, "writable by others (mode 0777)"},
		{"the copy itself, writable by its declared group", final(Rule{GID: 10}), 0, 10, 0o775, ""},
		{"the copy itself, writable by another group", final(Rule{GID: 10}), 0, 11, 0o775, "writable by group 11"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := Handle{FD: -1, Path: "/p", Stat: unix.Stat_t{Uid: tc.uid, Gid: tc.gid, Mode: unix.S_IFDIR | tc.mode}}
			err := tc.rule.Check(h)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			case tc.want != "" && !errors.Is(err, ErrUnsafe):
				t.Errorf("%v is not an unsafe finding", err)
			}
		})
	}
}
