package restore

import (
	"fmt"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// MaxDifferences bounds what Compare lists; past it, it stops.
const MaxDifferences = 20

// Compare lists how the tree b differs from the tree a: a missing or extra
// name, another type, size, mode, owner or group, other content (the first byte that differs),
// another symlink target. Times and xattrs are not compared. Nothing is
// followed, every file is read up to the size it had when opened, and at
// most MaxDifferences are listed; none means b is a faithful copy of a.
func Compare(a, b pathsafe.Handle) ([]string, error) {
	c := &comparer{}
	n := 0
	err := c.node(a, b, "", &n)
	return c.diffs, err
}

type comparer struct{ diffs []string }

func (c *comparer) full() bool { return len(c.diffs) >= MaxDifferences }

func (c *comparer) differ(rel, format string, args ...any) {
	if !c.full() {
		c.diffs = append(c.diffs, "/"+rel+": "+fmt.Sprintf(format, args...))
	}
}

func (c *comparer) node(a, b pathsafe.Handle, rel string, n *int) error {
	if *n++; *n > MaxEntries {
		return fmt.Errorf("more than %d entries to compare beneath %s", MaxEntries, a.Path)
	}
	sa, sb := a.Stat, b.Stat
	switch {
	case sa.Mode&unix.S_IFMT != sb.Mode&unix.S_IFMT:
		c.differ(rel, "a %s, the copy a %s", pathsafe.TypeName(sa.Mode), pathsafe.TypeName(sb.Mode))
		return nil
	}
	if sa.Mode&0o7777 != sb.Mode&0o7777 {
		c.differ(rel, "mode %04o, the copy %04o", sa.Mode&0o7777, sb.Mode&0o7777)
	}
	if sa.Uid != sb.Uid || sa.Gid != sb.Gid {
		c.differ(rel, "owner %d:%d, the copy %d:%d", sa.Uid, sa.Gid, sb.Uid, sb.Gid)
	}
	switch {
	case a.IsFile():
		return c.files(a, b, rel)
	case a.IsLink():
		return c.links(a, b, rel)
	case a.IsDir():
		return c.dirs(a, b, rel, n)
	}
	return nil
}

func (c *comparer) files(a, b pathsafe.Handle, rel string) error {
	if a.Stat.Size != b.Stat.Size {
		c.differ(rel, "%d bytes, the copy %d", a.Stat.Size, b.Stat.Size)
		return nil
	}
	at, err := firstDifference(a, b)
	if err != nil {
		return err
	}
	if at >= 0 {
		c.differ(rel, "other content from byte %d on", at)
	}
	return nil
}

func (c *comparer) links(a, b pathsafe.Handle, rel string) error {
	ta, err := readLink(a)
	if err != nil {
		return err
	}
	tb, err := readLink(b)
	if err != nil {
		return err
	}
	if ta != tb {
		c.differ(rel, "a symlink to %s, the copy to %s", ta, tb)
	}
	return nil
}

func (c *comparer) dirs(a, b pathsafe.Handle, rel string, n *int) error {
	na, err := readNames(a)
	if err != nil {
		return err
	}
	nb, err := readNames(b)
	if err != nil {
		return err
	}
	sub := func(name string) string {
		if rel == "" {
			return name
		}
		return rel + "/" + name
	}
	for _, name := range nb {
		if _, found := slices.BinarySearch(na, name); !found {
			c.differ(sub(name), "only in the copy")
		}
	}
	for _, name := range na {
		if c.full() {
			return nil
		}
		if _, found := slices.BinarySearch(nb, name); !found {
			c.differ(sub(name), "missing from the copy")
			continue
		}
		if err := c.pair(a, b, name, sub(name), n); err != nil {
			return err
		}
	}
	return nil
}

func (c *comparer) pair(a, b pathsafe.Handle, name, rel string, n *int) error {
	ca, err := pathsafe.Lookup(a, name)
	if err != nil {
		return err
	}
	defer ca.Close()
	cb, err := pathsafe.Lookup(b, name)
	if err != nil {
		return err
	}
	defer cb.Close()
	return c.node(ca, cb, rel, n)
}
