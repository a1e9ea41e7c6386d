package adopted

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blankslate/blankslate/config"
)

// NixLine is the NixOS option that declares e (nix/module.nix). Every
// string is a Nix string literal that evaluates to exactly the text.
func NixLine(e config.Entry) string {
	list, key := "directories", "directory"
	if e.Type == "file" {
		list, key = "files", "file"
	}
	return fmt.Sprintf("blankslate.%s = [ { %s = %s; how = %s; user = %s; group = %s; mode = %s; } ];",
		list, key, nixString(e.Path), nixString(e.How), nixString(e.User), nixString(e.Group), nixString(e.Mode))
}

// nixEscapes are what a Nix double-quoted string evaluates: a backslash
// escapes the next character, " ends the string, and "${" interpolates
// (Nix manual, "String literals"); "\$" is a plain "$" wherever it is.
var nixEscapes = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

func nixString(s string) string { return `"` + nixEscapes.Replace(s) + `"` }

// JSONEntry is e as an element of "entries" in config.json.
func JSONEntry(e config.Entry) string {
	b, _ := json.Marshal(e) // a struct of strings always marshals
	return string(b)
}

// Stateable refuses a path that a declaration could not state exactly, or
// that could not be shown on one line: one that is not UTF-8 (JSON would
// turn each stray byte into U+FFFD, and the line would name another path)
// or that holds a control character.
func Stateable(p string) error {
	if !utf8.ValidString(p) {
		return fmt.Errorf("%q is not UTF-8: neither config.json nor a Nix line copied from a terminal can name it exactly; rename it, then adopt it", p)
	}
	if i := strings.IndexFunc(p, unicode.IsControl); i >= 0 {
		return fmt.Errorf("%q holds a control character: it cannot be shown or declared on one line; rename it, then adopt it", p)
	}
	return nil
}
