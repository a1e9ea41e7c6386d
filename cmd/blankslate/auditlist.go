package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
)

// auditListCmd is the hidden subcommand that lists what a rollback erases.
// The rollback step runs it as a child in a mount namespace of its own (as
// runc runs `runc init`): it mounts the root read-only there, which the
// rollback must never find mounted, and streams what it finds on stdout.
const auditListCmd = "audit-list"

// auditMount is where the listing process mounts the root, in its namespace.
var auditMount = filepath.Join(audit.RunDir, "root")

// childLister runs the listing process; it implements boot.Lister.
type childLister struct{}

// List starts `blankslate audit-list`, collects its stream, and kills it a
// little after its own bounds at the latest. The bounds travel as durations,
// not as a time of day: each process measures them on its own monotonic
// clock, so a wall clock stepped between the two (an RTC set at boot, NTP)
// neither kills the listing early nor lets it run on.
func (c *childLister) List(dataset, snap string, lim config.AuditLimits) (audit.Listing, error) {
	exe, err := os.Executable()
	if err != nil {
		return audit.Listing{}, fmt.Errorf("finding blankslate's own executable: %w", err)
	}
	cmd := exec.Command(exe, auditListCmd, "--dataset", dataset, "--snapshot", snap,
		"--max-files", strconv.Itoa(lim.MaxFiles), "--max-time", lim.MaxTime.String(),
		"--start-within", lim.StartWithin.String())
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	var errOut bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &errOut, n: 64 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return audit.Listing{}, err
	}
	if err := cmd.Start(); err != nil {
		return audit.Listing{}, fmt.Errorf("starting the listing process: %w", err)
	}
	grace := lim.StartWithin + lim.MaxTime + listGrace
	kill := time.AfterFunc(grace, func() { cmd.Process.Kill() })
	defer kill.Stop()
	l, cerr := audit.Collect(out, lim.MaxFiles)
	io.Copy(io.Discard, out)
	if werr := cmd.Wait(); werr != nil && cerr == nil {
		cerr = fmt.Errorf("the listing process failed: %w", werr)
	}
	if cerr != nil && errOut.Len() > 0 {
		cerr = fmt.Errorf("%w: %s", cerr, strings.TrimSpace(errOut.String()))
	}
	if cerr != nil && !kill.Stop() {
		cerr = fmt.Errorf("%w (killed after %s: it did not end within its bounds)", cerr, grace)
	}
	return l, cerr
}

// listGrace is how long past its own bounds the listing process may take to
// start (libzfs_init, the mount) and to say how it ended before it is killed.
const listGrace = 10 * time.Second

// runAuditList is the listing process itself.
func runAuditList(args []string, stdout, stderr io.Writer) int {
	var dataset, snap string
	var b audit.Bounds
	if !parseFlags(auditListCmd, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&dataset, "dataset", "", "the root `dataset`")
		fs.StringVar(&snap, "snapshot", "", "its blank `snapshot`, without @")
		fs.IntVar(&b.MaxFiles, "max-files", 0, "list at most `n` changed paths")
		fs.DurationVar(&b.MaxTime, "max-time", 0, "list for at most this `duration`")
		fs.DurationVar(&b.StartWithin, "start-within", 0, "when set, max-time counts from the first changed path, which must come within this `duration`")
	}) {
		return exitUsage
	}
	if b.MaxTime <= 0 || dataset == "" || snap == "" {
		fmt.Fprintf(stderr, "blankslate %s: --dataset, --snapshot and --max-time are required (it is run by `blankslate rollback` and `blankslate audit`)\n", auditListCmd)
		return exitUsage
	}
	z, err := libzfs.Open()
	if err == nil {
		defer z.Close()
		err = audit.ListProcess(z, dataset, snap, auditMount, b, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	return exitOK
}

// limitedWriter keeps the first n bytes written to it and drops the rest, so
// that a child's error output cannot grow without bound.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
