package restore

import (
	"fmt"

	"github.com/blankslate/blankslate/internal/pathsafe"
)

// stagedDir copies the directory src, which is missing beneath parent, as
// a whole: into a staging directory only root can enter, renamed into
// place once complete. A copy that fails half-way is removed, so nothing
// half-made appears under its name; what a run killed half-way leaves is
// in the staging directory, which the next run refuses by name.
func (c *copier) stagedDir(src, parent pathsafe.Handle, name, shown string) ([]Item, error) {
	s, err := pathsafe.NewStaging(parent, name)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w; nothing was restored", shown, err)
	}
	defer s.Close()
	if err := c.dir(src, s.Dir(), s.Name(), shown); err != nil {
		n, rerr := pathsafe.RemoveTree(s.Dir(), s.Name(), MaxEntries)
		if rerr != nil {
			return nil, fmt.Errorf("%w; the partial copy in %s could not be removed (%v): remove it, then run again", err, s.Dir().Path, rerr)
		}
		return nil, fmt.Errorf("%w; the %d entries copied before were removed: nothing was restored at %s", err, n, shown)
	}
	h, err := pathsafe.Lookup(s.Dir(), s.Name())
	if err != nil {
		return nil, err
	}
	defer h.Close()
	if err := s.Place(name, false); err != nil {
		return nil, fmt.Errorf("restore %s: %w; the complete copy is left in %s", shown, err, s.Dir().Path)
	}
	// A rename into another directory may touch the times: set them again.
	return c.items, setTimesFD(h, src)
}
