package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// overlap is one conflict between two entries, i < j: the same path twice
// (dup), or one path nested in the other.
type overlap struct {
	i, j int
	dup  bool
}

// checkOverlaps rejects duplicates and nesting: with /var/lib attached, an entry for
// /var/lib/foo would be attached inside it, behind the first, and the order of the
// two would decide what a service sees. Entries whose path is not valid are left
// out: their own error says so already.
func checkOverlaps(entries []Entry) error {
	var errs []error
	for _, o := range overlaps(entries) {
		a, b := entries[o.i].Path, entries[o.j].Path
		if o.dup {
			errs = append(errs, fmt.Errorf("entries[%d] and entries[%d]: %s is declared twice; keep one", o.i, o.j, shown(a)))
		} else {
			errs = append(errs, fmt.Errorf("entries[%d] (%s) and entries[%d] (%s): one is nested in the other; declare only the outer one", o.i, shown(a), o.j, shown(b)))
		}
	}
	return errors.Join(errs...)
}

// overlaps finds, in O(n log n), every entry that conflicts with another: each
// later copy of a path is paired with its first, and each path nested in others
// with the nearest of them (first copies only). An entry is in some pair exactly
// when the pairwise comparison of all entries would have found it in one.
//
// Sorted with '/' below every other byte, a path is followed directly by
// everything beneath it ("/a", "/a/b", "/a-b"; plain byte order would put "/a-b"
// in between), so a stack of the enclosing paths seen so far finds the nearest
// ancestor of each path.
func overlaps(entries []Entry) []overlap {
	idx := make([]int, 0, len(entries))
	for i, e := range entries {
		if checkAbsPath(e.Path) == nil && e.Path != "/" {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return comparePaths(entries[a].Path, entries[b].Path) })
	var out []overlap
	var stack []int // first copies of the enclosing paths, outermost first
	for k, i := range idx {
		p := entries[i].Path
		if k > 0 && entries[idx[k-1]].Path == p {
			out = append(out, overlap{i: stack[len(stack)-1], j: i, dup: true})
			continue
		}
		for len(stack) > 0 && !strings.HasPrefix(p, entries[stack[len(stack)-1]].Path+"/") {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			a := stack[len(stack)-1]
			out = append(out, overlap{i: min(a, i), j: max(a, i)})
		}
		stack = append(stack, i)
	}
	slices.SortFunc(out, func(x, y overlap) int {
		if x.j != y.j {
			return x.j - y.j
		}
		return x.i - y.i
	})
	return out
}

// comparePaths orders paths byte by byte with '/' before every other byte.
func comparePaths(a, b string) int {
	for k := 0; k < len(a) && k < len(b); k++ {
		x, y := pathByte(a[k]), pathByte(b[k])
		if x != y {
			return x - y
		}
	}
	return len(a) - len(b)
}

func pathByte(c byte) int {
	if c == '/' {
		return 0
	}
	return int(c) + 1
}
