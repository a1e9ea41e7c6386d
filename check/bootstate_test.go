package check

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestBootStateNoteIsReportedAsAWarning(t *testing.T) {
	for _, tc := range []struct {
		name, note, want string
		findings         int
	}{
		{"a normal boot leaves no note", "", "", 0},
		{"skip", `{"state":"not-reset","why":"blankslate.rollback=skip on the kernel command line"}`, "was NOT reset: blankslate.rollback=skip", 1},
		{"a copy of a kept root", `{"state":"recovered","why":"blankslate.root=previous","from":"rpool/nixos/blankslate-prev/x"}`, "blankslate.root=previous", 1},
		{"a note that is not one", `{"state":"bogus"}`, "cannot read", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			fx.in.BootState = filepath.Join(fx.dir, "no-note")
			if tc.note != "" {
				fx.in.BootState = fx.write("root-state.json", tc.note)
			}
			f := findingsOf(Run(fx.in), "boot.root")
			if len(f) != tc.findings || (len(f) > 0 && (f[0].Severity != Warning || !strings.Contains(f[0].Message, tc.want))) {
				t.Errorf("findings %+v, want %d saying %q", f, tc.findings, tc.want)
			}
		})
	}
}
