package check

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/mounts"
)

// copyOK reports the persistent copy <persistRoot><path> as persist's own
// walk found it (mounts.Status): present with its owner and mode, missing,
// or refused. A copy that is missing only because persist refuses the
// entry's target is not reported here: persist would not create it.
func (r *run) copyOK(e config.Entry, p mounts.Planned, s mounts.EntryStatus) {
	switch {
	case s.Copy != nil:
		r.owner(s.Source, e, p, *s.Copy)
	case s.State == mounts.StateMissing:
		r.fs.add("persist.copy", Error, s.Source, "does not exist: "+e.Path+" is not attached",
			"Reboot: blankslate persist creates it at boot, "+e.User+":"+e.Group+" "+e.Mode+" (in the initrd: blankslate persist --root /sysroot)")
	case s.CopyErr != nil && !errors.Is(s.CopyErr, fs.ErrNotExist):
		r.refused("persist.copy", s.Source, s.CopyErr, "ls -ld "+s.Source)
	}
}

// refused reports what persist would refuse, or cannot examine, with
// persist's own reason and advice: never an action persist would refuse.
func (r *run) refused(check, object string, err error, otherwise string) {
	var ref *mounts.Refusal
	if errors.As(err, &ref) {
		r.fs.add(check, Error, object, "persist refuses it: "+ref.Reason+"; "+ref.Left, ref.Fix)
		return
	}
	r.fs.add(check, Error, object, fmt.Sprintf("cannot be examined: %v", err), otherwise)
}

// owner reports the owner and mode against the declaration. At boot an existing
// copy is never changed, so a drift stays until someone fixes it.
func (r *run) owner(shown string, e config.Entry, p mounts.Planned, c mounts.CopyInfo) {
	mode, _ := config.ParseMode(e.Mode) // validated
	got := fmt.Sprintf("%d:%d %04o", c.UID, c.GID, c.Mode)
	var wrong, fixes []string
	if p.Err == nil && (c.UID != p.Entry.UID || c.GID != p.Entry.GID) {
		wrong = append(wrong, fmt.Sprintf("owner %d:%d, declared %s:%s (%d:%d)", c.UID, c.GID, e.User, e.Group, p.Entry.UID, p.Entry.GID))
		fixes = append(fixes, fmt.Sprintf("chown %d:%d %s", p.Entry.UID, p.Entry.GID, shown))
	}
	if c.Mode != mode {
		wrong = append(wrong, fmt.Sprintf("mode %04o, declared %s", c.Mode, e.Mode))
		fixes = append(fixes, fmt.Sprintf("chmod %s %s", e.Mode, shown))
	}
	if len(wrong) == 0 {
		r.fs.ok("persist.copy", shown, e.Type+" "+got)
		return
	}
	r.fs.add("persist.copy", Warning, shown, strings.Join(wrong, "; "), strings.Join(fixes, " && "))
}
