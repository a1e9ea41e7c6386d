package pathsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable is s made safe for a terminal or a log line: a backslash, each
// control character (a newline too) and each byte that is not UTF-8 are
// escaped (\\, \n, \x1b, \xe9), so that a name someone else chose shows as
// the one line it is and sends the terminal no escape sequence.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return r == '\\' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}) >= 0
}
