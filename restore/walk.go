package restore

import "github.com/blankslate/blankslate/internal/pathsafe"

// Walk calls visit for src and everything beneath it, as a copy of it
// would visit them: never following a symlink, at most MaxEntries entries.
// rel is beneath src's parent ("data", "data/sub/f").
func Walk(src pathsafe.Handle, name string, visit func(h pathsafe.Handle, rel string) error) error {
	n := 0
	return walkSource(src, name, &n, visit)
}
