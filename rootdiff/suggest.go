package rootdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blankslate/blankslate/config"
)

// Suggestion is the configuration that would keep what a group holds.
type Suggestion struct {
	Path    string `json:"path"`
	Type    string `json:"type"`              // directory or file
	Bytes   int64  `json:"bytes"`             // what it holds now, of the changes
	Nix     string `json:"nix,omitempty"`     // the NixOS module line
	Entry   string `json:"entry,omitempty"`   // the entry for config.json
	Refused string `json:"refused,omitempty"` // why there is no line: the validation's words
}

// Suggested is how many of the largest groups get a suggestion.
const Suggested = 3

// Suggest gives the largest groups the entry that would persist the biggest
// part of each: the path at the second level (/var/tmp for /var/tmp/a/b), or
// the file itself. Each line is validated as blankslate validates a
// configuration; one that would be refused says why instead.
func Suggest(r *Report, cfg *config.Config) {
	n := 0
	for i := range r.Groups {
		if n == Suggested {
			return
		}
		if s := suggestFor(r.Groups[i].Path, r.Changes, cfg); s != nil {
			r.Groups[i].Suggestion = s
			n++
		}
	}
}

type candidate struct {
	path  string
	bytes int64
	n     int
	file  bool
}

func suggestFor(group string, changes []Change, cfg *config.Config) *Suggestion {
	byPath := map[string]*candidate{}
	for _, c := range changes {
		p := c.Where()
		if c.Class != Ephemeral || top(p) != group || c.Kind == Removed {
			continue
		}
		k := second(p)
		cd := byPath[k]
		if cd == nil {
			cd = &candidate{path: k}
			byPath[k] = cd
		}
		cd.bytes += c.Bytes
		cd.n++
		if p == k {
			cd.file = c.Type == "file"
		}
	}
	if len(byPath) == 0 {
		return nil
	}
	list := make([]*candidate, 0, len(byPath))
	for _, cd := range byPath {
		list = append(list, cd)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].bytes != list[j].bytes {
			return list[i].bytes > list[j].bytes
		}
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].path < list[j].path
	})
	return line(list[0], cfg)
}

// line writes the suggestion the way the NixOS module and config.json take it:
// directories bind-mounted, files symlinked (the module's defaults).
func line(cd *candidate, cfg *config.Config) *Suggestion {
	s := &Suggestion{Path: cd.path, Type: "directory", Bytes: cd.bytes}
	how, option := "bind", "directories"
	if cd.file {
		s.Type, how, option = "file", "symlink", "files"
	}
	trial := *cfg
	trial.Entries = append(append([]config.Entry{}, cfg.Entries...),
		config.Entry{Path: cd.path, How: how, Type: s.Type, User: "root", Group: "root", Mode: map[bool]string{true: "0644", false: "0755"}[cd.file]})
	if err := trial.Validate(); err != nil {
		s.Refused = strings.ReplaceAll(err.Error(), "\n", "; ")
		return s
	}
	s.Nix = fmt.Sprintf("blankslate.%s = [ %q ];", option, cd.path)
	s.Entry = fmt.Sprintf(`{"path": %q, "how": %q, "type": %q}`, cd.path, how, s.Type)
	return s
}
