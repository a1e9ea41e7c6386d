package libzfs

// #include <stdlib.h>
// #include "bszfs_pool.h"
import "C"

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Diff writes to w what differs in the filesystem fs from fs@snap, as
// `zfs diff -H -F fs@snap` prints it (snap may also be the full name of a
// snapshot of fs's origin: then the origin must be mounted too): one change a line, tab-separated, paths
// as seen where fs is mounted, with unusual bytes escaped as \0ooo.
//
// fs must be mounted (libzfs finds the paths through the mount) and its pool
// writable: with no second snapshot, zfs_show_diffs compares against a
// just-in-time snapshot that the kernel destroys again when libzfs closes its
// cleanup descriptor, so nothing is left behind even if blankslate dies
// (lib/libzfs/libzfs_diff.c, ZFS_IOC_TMP_SNAPSHOT with zc_cleanup_fd).
func (z *Handle) Diff(fs, snap string, w io.Writer) error {
	r, wr, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("diff of %s: %w", fs, err)
	}
	defer r.Close()
	// libzfs's writer thread fclose()s the descriptor it is given, so it gets
	// a duplicate of its own; ours is closed below to end the stream.
	dup, err := unix.FcntlInt(wr.Fd(), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		wr.Close()
		return fmt.Errorf("diff of %s: duplicating the pipe: %w", fs, err)
	}
	// A reader that stops early must make the writer see EPIPE, not kill us.
	signal.Ignore(syscall.SIGPIPE)
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, r)
		io.Copy(io.Discard, r) // drain, so the writer thread never blocks
		copied <- err
	}()
	err = z.showDiffs(fs, snap, dup)
	closeIfStillOurs(dup, wr)
	wr.Close()
	if cerr := <-copied; cerr != nil && err == nil {
		err = fmt.Errorf("diff of %s: writing the output: %w", fs, cerr)
	}
	return err
}

func (z *Handle) showDiffs(fs, snap string, fd int) error {
	f, freeF := cstr(fs)
	defer freeF()
	from := snap
	if !strings.Contains(snap, "@") {
		from = fs + "@" + snap
	}
	s, freeS := cstr(from)
	defer freeS()
	return z.call("listing what changed in "+fs+" since "+from, func() C.int {
		return C.bs_show_diffs(z.h, f, s, C.int(fd))
	})
}

// closeIfStillOurs closes fd unless libzfs already did: zfs_show_diffs closes
// it only when its writer thread started, and a failure before that (an
// unmounted dataset, a missing snapshot) leaves it open. Once closed, its
// number may be reused by someone else, so it is closed only while it still
// is the pipe we made.
func closeIfStillOurs(fd int, pipe *os.File) {
	var a, b unix.Stat_t
	if unix.Fstat(fd, &a) != nil || unix.Fstat(int(pipe.Fd()), &b) != nil {
		return
	}
	if a.Dev == b.Dev && a.Ino == b.Ino {
		unix.Close(fd)
	}
}
