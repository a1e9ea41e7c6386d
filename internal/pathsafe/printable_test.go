package pathsafe

import "testing"

// A name shown is one line with no control byte, and two names never show
// alike: the backslash that starts an escape is escaped itself.
func TestPrintableEscapesWhatATerminalWouldActOn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/srv/data", "/srv/data"},
		{"/srv/café", "/srv/café"},
		{"/srv/a\nforged: restored", `/srv/a\nforged: restored`},
		{"/srv/\x1b]0;owned\x07", `/srv/\u001b]0;owned\u0007`},
		{"/srv/caf\xe9", `/srv/caf\xe9`},
		{`/srv/caf\xe9`, `/srv/caf\\xe9`},
		{"/srv/\u009b31m", `/srv/\u009b31m`},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
