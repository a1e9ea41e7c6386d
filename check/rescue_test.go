package check

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On a rescue system, where the root checked is not mounted, the copies
// are checked on the persistent dataset anyway, through Input.Copies; a
// failure to mount it says what was not checked, and is not called healthy.
func TestRescueSystemChecksTheCopiesOnThePersistentDataset(t *testing.T) {
	tests := []struct {
		name       string
		copies     CopiesFunc
		wantSev    Severity
		wantInMsg  string
		wantCopies int
	}{
		{"copies checked", func(ds string) ([]Finding, error) {
			return []Finding{{Check: "persist.copy", Severity: OK, Object: "/persist/etc/nixos", Message: ds}}, nil
		}, Info, "checked on rpool/nixos/persist, mounted read-only in a private mount namespace", 1},
		{"dataset not mountable", func(string) ([]Finding, error) { return nil, errors.New("EBUSY") },
			NotChecked, "could not be looked at read-only: EBUSY; the persistent copies were not checked", 0},
		{"no way to mount it", nil, NotChecked, "the persistent copies and the attachments were not checked", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			fx.in.Sys.InInitrd = false
			fx.in.Copies = tc.copies
			r := Run(fx.in)
			root := findingsOf(r, "persist.root")
			if len(root) != 1 || root[0].Severity != tc.wantSev || !strings.Contains(root[0].Message, tc.wantInMsg) {
				t.Fatalf("persist.root findings %+v, want one %s with %q", root, tc.wantSev, tc.wantInMsg)
			}
			if got := len(findingsOf(r, "persist.copy")); got != tc.wantCopies {
				t.Errorf("%d copy findings, want %d", got, tc.wantCopies)
			}
		})
	}
}

// Copies judges the copies by persist's rules and names them as the booted
// system sees them.
func TestCopiesNamesCopiesByThePersistentRoot(t *testing.T) {
	fx := attachedFixture(t)
	pr := fx.in.Root + "/persist"
	must(t, os.Chmod(pr+"/var/log", 0o700))
	empty := filepath.Join(t.TempDir(), "root")
	must(t, os.Mkdir(empty, 0o755))
	fs := Copies(fx.in.Config, empty, pr)
	var warned bool
	for _, f := range fs {
		if strings.Contains(f.Object+f.Message+f.Fix, pr) {
			t.Errorf("finding names the check's mount point: %+v", f)
		}
		warned = warned || (f.Object == "/persist/var/log" && f.Severity == Warning && strings.Contains(f.Message, "mode 0700"))
	}
	if len(fs) != 5 || !warned {
		t.Errorf("findings %+v: want 5, /persist/var/log's mode among them", fs)
	}
}
