package keep

import (
	"fmt"
	"strings"
	"time"

	"github.com/blankslate/blankslate/internal/zfs"
)

// Root is one kept root beneath the container.
type Root struct {
	Name string
	Time time.Time // when it was kept, from its name, for people; zero when the name is not a time
	Seq  uint64    // its place in the keep order (SeqProp); 0 for a root of an older version
	Hold string    // why it is never pruned (HoldProp); "" when it is not held
	zfs.Info
	OwnsStart bool // it still owns <name>@start: a keep was cut short (Repair finishes it)
}

// Pending reports whether the root was set aside for a listing after boot
// that has not been written yet (not run, or failed).
func (r Root) Pending() bool { return r.Audit == AuditPending || r.Audit == AuditRetry }

// Held reports whether the root is never pruned (HoldProp).
func (r Root) Held() bool { return r.Hold != "" }

// Release is the command that makes the held root name an ordinary kept root.
func Release(name string) string { return "zfs inherit " + HoldProp + " " + name }

// List lists the kept roots of dataset d, oldest first in the order they were
// kept (sortRoots), never by the clock. No container, no roots.
func List(z Reader, d, snap string) ([]Root, error) {
	c := Container(d)
	if c == "" {
		return nil, nil
	}
	if ok, err := exists(z, c); err != nil || !ok {
		return nil, err
	}
	names, err := z.Children(c)
	if err != nil {
		return nil, fmt.Errorf("keep: listing the kept roots in %s: %w", c, err)
	}
	roots := make([]Root, 0, len(names))
	for _, n := range names {
		r, err := readRoot(z, n, snap)
		if err != nil {
			return nil, err
		}
		roots = append(roots, r)
	}
	sortRoots(roots)
	return roots, nil
}

func readRoot(z Reader, name, snap string) (Root, error) {
	info, err := z.Info(name)
	if err != nil {
		return Root{}, fmt.Errorf("keep: reading %s: %w", name, err)
	}
	snaps, err := z.Snapshots(name)
	if err != nil {
		return Root{}, fmt.Errorf("keep: listing the snapshots of %s: %w", name, err)
	}
	_, owns := findSnap(snaps, name+"@"+snap)
	r := Root{Name: name, Info: info, OwnsStart: owns}
	if err := readOrder(z, &r); err != nil {
		return Root{}, err
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	if len(base) >= len(TimeFormat) {
		r.Time, _ = time.Parse(TimeFormat, base[:len(TimeFormat)])
	}
	return r, nil
}

// Pending describes a keep that a power cut interrupted and the next rollback
// repairs; "" when there is none.
func Pending(z Reader, d, snap string) (string, error) {
	roots, err := List(z, d, snap)
	if err != nil {
		return "", err
	}
	ok, err := exists(z, d)
	if err != nil {
		return "", err
	}
	if !ok {
		if b, err := exists(z, Blank(d)); err == nil && b {
			return fmt.Sprintf("%s is missing and %s holds @%s: a boot from a kept root, or the return from one, was cut short; the next boot renames it back", d, Blank(d), snap), nil
		}
		if r, found := owner(roots); found {
			return fmt.Sprintf("%s is missing and %s still owns @%s: a keep was cut short after the rename; the next boot clones it back and promotes it", d, r.Name, snap), nil
		}
		return "", nil
	}
	return "", nil // D a clone of a kept root's @start is no cut: Unfinished
}

// Unfinished returns the root set aside when D is still a clone of its
// @start: the boot left the promotion and the seal for blankslate audit
// (SetAsideForMount), or a cut came between the clone and the promotion;
// Finish or the next boot's Repair completes it. "" when D is no such clone.
func Unfinished(z Reader, d, snap string) (string, error) {
	if ok, err := exists(z, d); err != nil || !ok {
		return "", err
	}
	info, err := z.Info(d)
	if err != nil {
		return "", fmt.Errorf("keep: reading %s: %w", d, err)
	}
	if !isKeptStart(d, snap, info.Origin) {
		return "", nil
	}
	return strings.TrimSuffix(info.Origin, "@"+snap), nil
}

// owner is the newest kept root that still owns @start.
func owner(roots []Root) (Root, bool) {
	for i := len(roots) - 1; i >= 0; i-- {
		if roots[i].OwnsStart {
			return roots[i], true
		}
	}
	return Root{}, false
}

// isKeptStart reports whether origin is <container>/<x>@snap.
func isKeptStart(d, snap, origin string) bool {
	prefix := Container(d) + "/"
	return prefix != "/" && strings.HasPrefix(origin, prefix) && strings.HasSuffix(origin, "@"+snap) &&
		!strings.Contains(strings.TrimSuffix(origin[len(prefix):], "@"+snap), "/")
}
