package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blankslate/blankslate/audit"
	"github.com/blankslate/blankslate/config"
	"github.com/blankslate/blankslate/internal/event"
	"github.com/blankslate/blankslate/internal/zfs/libzfs"
)

// The audit trail (issue 5): before the rollback, record what it erases in
// /run/blankslate/audit.json; persist saves the record beneath the persistent
// root. A failure to record is logged and never blocks the boot.
//
// The file list needs the root mounted, which the rollback must not find it:
// a copy of blankslate (auditChildEnv set) mounts it read-only in a mount
// namespace of its own, lists it, and exits; the mount goes with the
// namespace, and libzfs's temporary snapshot with the process, even when the
// copy is killed at its time limit.

const auditChildEnv = "BLANKSLATE_AUDIT_CHILD"

var (
	auditRecord = filepath.Join(audit.RunDir, "audit.json")
	auditSaved  = filepath.Join(audit.RunDir, "audit.saved.json")
	auditMount  = filepath.Join(audit.RunDir, "root")
)

func init() {
	if spec := os.Getenv(auditChildEnv); spec != "" {
		os.Exit(runAuditChild(spec))
	}
}

// auditSpec is what the listing copy is asked to do.
type auditSpec struct {
	Dataset, Snapshot string
	MaxFiles          int
	Deadline          time.Time
}

// pendingAudit is this boot's record, waiting for the rollback's outcome.
type pendingAudit struct{ rec *event.Recorder }

// recordAudit records what a rollback of the configured dataset would erase.
func recordAudit(rec *event.Recorder, z *libzfs.Handle, cfg *config.Config) *pendingAudit {
	lim := cfg.AuditLimits()
	if !lim.Enabled {
		return nil
	}
	written, err := z.Written(cfg.Dataset, cfg.Snapshot)
	if err != nil {
		rec.Log.Warnf("audit: [skipped] nothing recorded: %v; the rollback goes on", err)
		return nil
	}
	r := audit.New(cfg.Dataset, cfg.Snapshot, written, time.Now())
	r.Complete = written == 0
	if err := r.Write(auditRecord); err != nil {
		rec.Log.Warnf("audit: [failed] %v; the rollback goes on", err)
		return nil
	}
	if written > 0 {
		listInChild(rec, auditSpec{cfg.Dataset, cfg.Snapshot, lim.MaxFiles, time.Now().Add(lim.MaxTime)})
	}
	if r, err := audit.Read(auditRecord); err == nil {
		rec.Log.Infof("audit: [finished] what the rollback erases: %s (%s)", r.Summary(), auditRecord)
	}
	return &pendingAudit{rec: rec}
}

// listInChild runs the listing copy and waits for it, a little past its own
// deadline at most.
func listInChild(rec *event.Recorder, spec auditSpec) {
	exe, err := os.Executable()
	if err != nil {
		rec.Log.Warnf("audit: no file list: %v; the record keeps the bytes", err)
		return
	}
	js, _ := json.Marshal(spec)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), auditChildEnv+"="+string(js))
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		rec.Log.Warnf("audit: no file list: %v; the record keeps the bytes", err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Until(spec.Deadline) + 10*time.Second):
		cmd.Process.Kill()
		err = fmt.Errorf("killed %s after its deadline: %w", exe, <-done)
	}
	if err != nil {
		rec.Log.Warnf("audit: the file list is incomplete: %v: %s; the record keeps what was found", err, strings.TrimSpace(out.String()))
	}
}

// runAuditChild is the listing copy: mount the root read-only here, list it.
func runAuditChild(specJSON string) int {
	var s auditSpec
	if err := json.Unmarshal([]byte(specJSON), &s); err != nil {
		fmt.Fprintf(os.Stderr, "bad %s: %v\n", auditChildEnv, err)
		return exitUsage
	}
	r, err := audit.Read(auditRecord)
	if err == nil {
		err = mountPrivately(s.Dataset)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitFailed
	}
	defer unix.Unmount(auditMount, unix.MNT_DETACH)
	z, err := libzfs.Open()
	if err == nil {
		err = audit.List(z, r, auditMount, s.MaxFiles, s.Deadline, func(r *audit.Record) error { return r.Write(auditRecord) })
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitFailed
	}
	return exitOK
}

// mountPrivately mounts dataset read-only at auditMount, in this process's
// own mount namespace (made private, so that nothing propagates out).
func mountPrivately(dataset string) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mount namespace private: %w", err)
	}
	if err := os.MkdirAll(auditMount, 0o700); err != nil {
		return err
	}
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount(dataset, auditMount, "zfs", flags, ""); err != nil {
		return fmt.Errorf("mounting %s read-only at %s: %w", dataset, auditMount, err)
	}
	return nil
}

// done marks the record with the rollback's outcome.
func (p *pendingAudit) done(err error) {
	if p == nil {
		return
	}
	r, rerr := audit.Read(auditRecord)
	if rerr != nil {
		p.rec.Log.Warnf("audit: the record cannot be completed: %v", rerr)
		return
	}
	r.Outcome = audit.OutcomeRolledBack
	if err != nil {
		r.Outcome = "not rolled back: " + err.Error()
	}
	if werr := r.Write(auditRecord); werr != nil {
		p.rec.Log.Warnf("audit: the record cannot be completed: %v", werr)
	}
}

// saveAudit copies this boot's record beneath the persistent root (seen here
// at persistRoot) and keeps the last ones; a second run finds it saved.
func saveAudit(rec *event.Recorder, persistRoot string, cfg *config.Config) {
	lim := cfg.AuditLimits()
	if !lim.Enabled {
		return
	}
	r, err := audit.Read(auditRecord)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		rec.Log.Warnf("audit: [failed] %v", err)
		return
	}
	dst, removed, err := audit.Save(persistRoot, r, lim.Keep)
	if err != nil {
		rec.Log.Warnf("audit: [failed] the record of what the rollback erased was not saved: %v; it stays in %s", err, auditRecord)
		return
	}
	if err := os.Rename(auditRecord, auditSaved); err != nil {
		rec.Log.Warnf("audit: %v (a second persist would save the record again)", err)
	}
	rec.Log.Infof("audit: [finished] saved %s (%s); removed %d older record(s), keeping at most %d", dst, r.Summary(), len(removed), lim.Keep)
}
