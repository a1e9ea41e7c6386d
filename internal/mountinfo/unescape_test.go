package mountinfo

import "testing"

func TestUnescapeUndoesTheKernelsOctalEscapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain path unchanged", `/plain`, "/plain"},
		{"space", `/with\040space`, "/with space"},
		{"tab and backslash", `/tab\011and\134bs`, "/tab\tand\\bs"},
		{"too short an escape is kept", `/short\04`, `/short\04`},
		{"not octal is kept", `/not\999octal`, `/not\999octal`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unescape(tc.in); got != tc.want {
				t.Errorf("Unescape(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
