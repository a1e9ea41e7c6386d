package testns

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// RenameAs renames from over name beneath dirfd as the user uid:gid would from
// a shell (mv -Tf with that user's credentials), so it fails where that user may
// not write. It plays a user who races root in a directory she owns; it reports
// whether the rename was done.
func RenameAs(uid, gid uint32, from string, dirfd int, name string) bool {
	dir, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(dirfd))
	if err != nil {
		return false
	}
	cmd := exec.Command("mv", "-Tf", from, filepath.Join(dir, name))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	return cmd.Run() == nil
}
