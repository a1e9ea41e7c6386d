package rootdiff

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is what happened to a path since the snapshot.
type Kind string

// The four kinds zfs diff reports.
const (
	Created  Kind = "created"
	Modified Kind = "modified"
	Removed  Kind = "removed"
	Renamed  Kind = "renamed"
)

var kinds = map[string]Kind{"+": Created, "M": Modified, "-": Removed, "R": Renamed}

// types are zfs diff -F's file type letters (lib/libzfs/libzfs_diff.c, get_what).
var types = map[string]string{
	"F": "file", "/": "directory", "@": "symlink", "|": "fifo", "=": "socket",
	"B": "block device", "C": "character device", ">": "door", "P": "event port",
}

// Change is one line of the diff.
type Change struct {
	Kind      Kind   `json:"kind"`
	Type      string `json:"type"`              // file, directory, symlink …
	Path      string `json:"path"`              // in the root, e.g. /etc/junk; the old path of a rename
	NewPath   string `json:"newPath,omitempty"` // where a renamed path is now
	LinkDelta int    `json:"linkDelta,omitempty"`
	Bytes     int64  `json:"bytes"` // size now, for files that exist now
	Class     Class  `json:"class"`
}

// Where is the path as it is now: the new path of a rename.
func (c Change) Where() string {
	if c.Kind == Renamed {
		return c.NewPath
	}
	return c.Path
}

// Parse reads `zfs diff -H -F` output of a dataset mounted at mountpoint and
// returns the changes with paths relative to that mount, as in the root.
// Lines are "<+|-|M|R> TAB <type> TAB <path> [TAB <new path> | TAB (+N)]";
// libzfs escapes every byte outside printable ASCII, and space and backslash,
// as \0ooo, so a path never holds a tab or a newline.
func Parse(r io.Reader, mountpoint string) ([]Change, error) {
	prefix := strings.TrimSuffix(mountpoint, "/")
	var out []Change
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		c, err := parseLine(sc.Text(), prefix)
		if err != nil {
			return out, fmt.Errorf("zfs diff line %d %q: %w", n, sc.Text(), err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// ParseLine reads one line of `zfs diff -H -F` of a dataset mounted at
// mountpoint, as Parse does.
func ParseLine(line, mountpoint string) (Change, error) {
	return parseLine(line, strings.TrimSuffix(mountpoint, "/"))
}

func parseLine(line, prefix string) (Change, error) {
	f := strings.Split(line, "\t")
	if len(f) < 3 {
		return Change{}, fmt.Errorf("want at least 3 tab-separated fields")
	}
	kind, ok := kinds[f[0]]
	if !ok {
		return Change{}, fmt.Errorf("unknown change %q", f[0])
	}
	typ, ok := types[f[1]]
	if !ok {
		typ = "unknown"
	}
	c := Change{Kind: kind, Type: typ}
	var err error
	if c.Path, err = inRoot(f[2], prefix); err != nil {
		return c, err
	}
	if len(f) < 4 {
		return c, nil
	}
	switch {
	case kind == Renamed:
		c.NewPath, err = inRoot(f[3], prefix)
	case strings.HasPrefix(f[3], "(") && strings.HasSuffix(f[3], ")"):
		c.LinkDelta, err = strconv.Atoi(strings.Trim(f[3], "()+"))
	default:
		err = fmt.Errorf("unexpected fourth field %q", f[3])
	}
	return c, err
}

// inRoot unescapes a path and removes the mount point in front of it.
func inRoot(mangled, prefix string) (string, error) {
	p, err := unmangle(mangled)
	if err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", fmt.Errorf("path %q is not beneath the mount point %q", p, prefix)
	}
	if rest == "" {
		rest = "/"
	}
	return rest, nil
}

// unmangle undoes libzfs's stream_bytes: a backslash and four octal digits is
// one byte.
func unmangle(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+5 > len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+5], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q in %q", s[i:i+5], s)
		}
		b.WriteByte(byte(v))
		i += 4
	}
	return b.String(), nil
}
