package check

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/pathsafe"
	"github.com/blankslate/blankslate/mounts"
)

// copyOK checks the persistent copy <persistRoot><path>: it exists, is of the
// declared type, owner and mode. It reports whether the attachment is worth
// checking (the copy exists).
func (r *run) copyOK(e config.Entry, p mounts.Planned, pr string) bool {
	shown := pr + e.Path
	st, err := statBeneath(pr, strings.TrimPrefix(e.Path, "/"))
	switch {
	case errors.Is(err, unix.ENOENT):
		r.fs.add("persist.copy", Error, shown, "does not exist: "+e.Path+" is not attached",
			"Reboot: blankslate persist creates it at boot, "+e.User+":"+e.Group+" "+e.Mode+" (in the initrd: blankslate persist --root /sysroot)")
		return false
	case errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV):
		r.fs.add("persist.copy", Error, shown, "is, or lies beneath, a symlink; blankslate refuses to attach it",
			"Replace the symlink by the directory or file itself (ls -l along the path shows which)")
		return false
	case err != nil:
		r.fs.add("persist.copy", Error, shown, fmt.Sprintf("cannot be examined: %v", err), "ls -ld "+shown)
		return false
	}
	wantType, gotType := e.Type, typeOf(st.Mode)
	if gotType != wantType {
		r.fs.add("persist.copy", Error, shown, fmt.Sprintf("is a %s, but the entry declares a %s", gotType, wantType),
			"Move it away and let the next boot create the "+wantType)
		return false
	}
	r.owner(shown, e, p, st)
	return true
}

// owner reports the owner and mode against the declaration. At boot an existing
// copy is never changed, so a drift stays until someone fixes it.
func (r *run) owner(shown string, e config.Entry, p mounts.Planned, st unix.Stat_t) {
	mode, _ := config.ParseMode(e.Mode) // validated
	got := fmt.Sprintf("%d:%d %04o", st.Uid, st.Gid, st.Mode&0o7777)
	var wrong, fixes []string
	if p.Err == nil && (int(st.Uid) != p.Entry.UID || int(st.Gid) != p.Entry.GID) {
		wrong = append(wrong, fmt.Sprintf("owner %d:%d, declared %s:%s (%d:%d)", st.Uid, st.Gid, e.User, e.Group, p.Entry.UID, p.Entry.GID))
		fixes = append(fixes, fmt.Sprintf("chown %d:%d %s", p.Entry.UID, p.Entry.GID, shown))
	}
	if st.Mode&0o7777 != mode {
		wrong = append(wrong, fmt.Sprintf("mode %04o, declared %s", st.Mode&0o7777, e.Mode))
		fixes = append(fixes, fmt.Sprintf("chmod %s %s", e.Mode, shown))
	}
	if len(wrong) == 0 {
		r.fs.ok("persist.copy", shown, e.Type+" "+got)
		return
	}
	r.fs.add("persist.copy", Warning, shown, strings.Join(wrong, "; "), strings.Join(fixes, " && "))
}

func typeOf(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFREG:
		return "file"
	case unix.S_IFLNK:
		return "symlink"
	default:
		return "special file"
	}
}

// statBeneath stats dir/rel without following a symlink anywhere on the way.
func statBeneath(dir, rel string) (unix.Stat_t, error) {
	root, err := pathsafe.OpenPath(dir)
	if err != nil {
		return unix.Stat_t{}, err
	}
	defer root.Close()
	h, err := pathsafe.OpenBeneath(root, rel, unix.O_PATH)
	if err != nil {
		return unix.Stat_t{}, err
	}
	defer h.Close()
	return h.Stat, nil
}
