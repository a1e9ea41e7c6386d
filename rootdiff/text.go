package rootdiff

import (
	"fmt"
	"io"
	"strings"

	"github.com/blankslate/blankslate/internal/human"
)

// PerGroup is how many changes of a group the text lists; --json lists all.
const PerGroup = 20

var signs = map[Kind]string{Created: "+", Modified: "M", Removed: "-", Renamed: "R"}

// WriteText prints the diff for a person: totals, the groups largest first,
// their changes, what lies under declared entries, and what would keep the
// largest groups.
func WriteText(w io.Writer, r *Report) {
	t := r.Totals
	fmt.Fprintf(w, "blankslate diff: %s since @%s (mounted at %s)\n", r.Dataset, r.Snapshot, r.MountedAt)
	erased := t.Changes - t.Recreated
	if erased == 0 {
		fmt.Fprintf(w, "Nothing that the next boot erases (%d paths are recreated at every boot).\n", t.Recreated)
		return
	}
	fmt.Fprintf(w, "The next boot erases %d changes, %s in files: %d created, %d modified, %d removed, %d renamed",
		erased, size(t.Bytes), t.Created, t.Modified, t.Removed, t.Renamed)
	if t.Recreated > 0 {
		fmt.Fprintf(w, " (%d attach and mount points, made again at every boot, are not listed)", t.Recreated)
	}
	fmt.Fprint(w, ".\n\n")
	writeGroups(w, r.Groups)
	writeChanges(w, r)
	writeUnderEntries(w, r.Changes)
	writeSuggestions(w, r.Groups)
}

func writeGroups(w io.Writer, groups []Group) {
	wp := len("DIRECTORY")
	for _, g := range groups {
		wp = max(wp, len(g.Path))
	}
	fmt.Fprintf(w, "  %-*s  %10s  %7s  %8s  %7s  %7s\n", wp, "DIRECTORY", "SIZE", "CREATED", "MODIFIED", "REMOVED", "RENAMED")
	for _, g := range groups {
		flag := ""
		if g.UnderEntry > 0 {
			flag = fmt.Sprintf("  ! %d under a declared entry", g.UnderEntry)
		}
		fmt.Fprintf(w, "  %-*s  %10s  %7d  %8d  %7d  %7d%s\n", wp, g.Path, size(g.Bytes), g.Created, g.Modified, g.Removed, g.Renamed, flag)
	}
}

func writeChanges(w io.Writer, r *Report) {
	for _, g := range r.Groups {
		fmt.Fprintf(w, "\n%s\n", g.Path)
		shown := 0
		for _, c := range r.Changes {
			if c.Class == Recreated || top(c.Where()) != g.Path {
				continue
			}
			if shown == PerGroup {
				fmt.Fprintf(w, "  … and %d more (blankslate diff --json lists every change)\n", g.count()-shown)
				break
			}
			fmt.Fprintf(w, "  %s\n", changeLine(c))
			shown++
		}
	}
}

func changeLine(c Change) string {
	s := signs[c.Kind] + " " + shortType(c.Type) + " " + quote(c.Path)
	if c.Kind == Renamed {
		s += " -> " + quote(c.NewPath)
	}
	if c.LinkDelta != 0 {
		s += fmt.Sprintf(" (links %+d)", c.LinkDelta)
	}
	if c.Bytes > 0 {
		s += "  " + size(c.Bytes)
	}
	if c.Class == UnderEntry {
		s += "  ! under a declared entry"
	}
	return s
}

func writeUnderEntries(w io.Writer, changes []Change) {
	var under []string
	for _, c := range changes {
		if c.Class == UnderEntry {
			under = append(under, "    "+changeLine(c))
		}
	}
	if len(under) == 0 {
		return
	}
	fmt.Fprintf(w, "\n! %d change(s) lie under declared entries. These should never be on the root: they were written\n"+
		"  before the entry was attached, or are hidden under its mount (blankslate check shows which):\n%s\n",
		len(under), strings.Join(under, "\n"))
}

func writeSuggestions(w io.Writer, groups []Group) {
	var lines []string
	for _, g := range groups {
		s := g.Suggestion
		switch {
		case s == nil:
		case s.Refused != "":
			lines = append(lines, fmt.Sprintf("  %s (%s): cannot be persisted: %s", s.Path, size(s.Bytes), s.Refused))
		default:
			lines = append(lines, fmt.Sprintf("  %s (%s):  %s\n      or in config.json \"entries\": %s", s.Path, size(s.Bytes), s.Nix, s.Entry))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nTo keep the largest across reboots, declare them:\n%s\n", strings.Join(lines, "\n"))
	}
}

var shortTypes = map[string]string{"file": "F", "directory": "/", "symlink": "@", "fifo": "|", "socket": "=",
	"block device": "B", "character device": "C", "door": ">", "event port": "P"}

func shortType(t string) string {
	if s, ok := shortTypes[t]; ok {
		return s
	}
	return "?"
}

// quote shows a path with anything unprintable (or a space) escaped, as zfs
// diff does, so that one change stays one line.
func quote(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c > ' ' && c < 0x7f && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%04o", c)
		}
	}
	return b.String()
}

func size(n int64) string {
	if n <= 0 {
		return "0 B"
	}
	return human.Bytes(uint64(n))
}
