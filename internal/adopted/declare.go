package adopted

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/blankslate/blankslate/config"
)

// NixLine is the NixOS option that declares e (nix/module.nix).
func NixLine(e config.Entry) string {
	list, key := "directories", "directory"
	if e.Type == "file" {
		list, key = "files", "file"
	}
	return fmt.Sprintf("blankslate.%s = [ { %s = %s; how = %s; user = %s; group = %s; mode = %s; } ];",
		list, key, strconv.Quote(e.Path), strconv.Quote(e.How), strconv.Quote(e.User), strconv.Quote(e.Group), strconv.Quote(e.Mode))
}

// JSONEntry is e as an element of "entries" in config.json.
func JSONEntry(e config.Entry) string {
	b, _ := json.Marshal(e) // a struct of strings always marshals
	return string(b)
}
