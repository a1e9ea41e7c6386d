package rootdiff

import (
	"sort"
)

// Group is what changed beneath one top-level directory.
type Group struct {
	Path       string      `json:"path"`
	Bytes      int64       `json:"bytes"`
	Created    int         `json:"created"`
	Modified   int         `json:"modified"`
	Removed    int         `json:"removed"`
	Renamed    int         `json:"renamed"`
	UnderEntry int         `json:"underEntry"`
	Suggestion *Suggestion `json:"suggestion,omitempty"`
}

func (g Group) count() int { return g.Created + g.Modified + g.Removed + g.Renamed }

// Totals sum up the diff: Changes and Recreated count every change, the rest
// only what the next boot erases (everything but the recreated paths).
type Totals struct {
	Changes    int   `json:"changes"`
	Created    int   `json:"created"`
	Modified   int   `json:"modified"`
	Removed    int   `json:"removed"`
	Renamed    int   `json:"renamed"`
	Bytes      int64 `json:"bytes"`
	UnderEntry int   `json:"underEntry"`
	Recreated  int   `json:"recreated"`
}

// Report is the whole diff, classified and grouped.
type Report struct {
	Dataset   string   `json:"dataset"`
	Snapshot  string   `json:"snapshot"`
	MountedAt string   `json:"mountedAt"`
	Totals    Totals   `json:"totals"`
	Groups    []Group  `json:"groups"`
	Changes   []Change `json:"changes"`
}

// Sizer gives the size of a path in the root as it is now, if it is a file.
type Sizer func(path string) (int64, bool)

// Build classifies the changes, sizes the files that exist now, and groups
// everything that is not recreated at boot by top-level directory, largest
// first.
func Build(changes []Change, l Layout, size Sizer) *Report {
	r := &Report{Changes: changes, Groups: []Group{}}
	byTop := map[string]*Group{}
	for i := range changes {
		c := &changes[i]
		c.Class = l.classify(c.Where())
		if c.Kind != Removed && c.Type == "file" {
			c.Bytes, _ = size(c.Where())
		}
		r.Totals.add(*c)
		if c.Class == Recreated {
			continue
		}
		g := byTop[top(c.Where())]
		if g == nil {
			g = &Group{Path: top(c.Where())}
			byTop[g.Path] = g
		}
		g.add(*c)
	}
	for _, g := range byTop {
		r.Groups = append(r.Groups, *g)
	}
	sort.Slice(r.Groups, func(i, j int) bool {
		a, b := r.Groups[i], r.Groups[j]
		if a.Bytes != b.Bytes {
			return a.Bytes > b.Bytes
		}
		if a.count() != b.count() {
			return a.count() > b.count()
		}
		return a.Path < b.Path
	})
	return r
}

// add counts a change; the kinds and bytes count only what the next boot
// erases, not the recreated paths.
func (t *Totals) add(c Change) {
	t.Changes++
	switch c.Class {
	case UnderEntry:
		t.UnderEntry++
	case Recreated:
		t.Recreated++
		return
	}
	t.Bytes += c.Bytes
	switch c.Kind {
	case Created:
		t.Created++
	case Modified:
		t.Modified++
	case Removed:
		t.Removed++
	case Renamed:
		t.Renamed++
	}
}

func (g *Group) add(c Change) {
	g.Bytes += c.Bytes
	if c.Class == UnderEntry {
		g.UnderEntry++
	}
	switch c.Kind {
	case Created:
		g.Created++
	case Modified:
		g.Modified++
	case Removed:
		g.Removed++
	case Renamed:
		g.Renamed++
	}
}
