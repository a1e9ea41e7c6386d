package check

import (
	"errors"
	"io/fs"

	"github.com/blankslate/blankslate/internal/bootstate"
)

// bootState reports a root that this boot did not reset, from the note the
// rollback step left: findings about @start and the root read differently
// then (on a copy of a kept root, the blank root and @start are set aside).
func (r *run) bootState() {
	if r.in.BootState == "" {
		return
	}
	s, err := bootstate.Read(r.in.BootState)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		r.fs.add("boot.root", Warning, r.in.BootState, "cannot read the rollback step's note on this boot's root: "+err.Error(), "")
	case s.State == bootstate.NotReset:
		r.fs.add("boot.root", Warning, r.cfg.Dataset, "this boot's root was NOT reset: "+s.Why,
			"Reboot without blankslate.rollback=skip to start from the blank root again")
	default:
		r.fs.add("boot.root", Warning, r.cfg.Dataset, s.Why,
			"Copy back what you need (blankslate restore), then reboot without blankslate.root=").with("from", s.From)
	}
}
