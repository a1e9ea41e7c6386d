// Package boot runs blankslate's two boot steps, each in its fixed order, and
// returns a report of what it did; cmd/blankslate turns the report into journal
// entries and an exit status, and tests check it.
//
// Rollback, before the root is mounted:
//
//  1. repair: finish a keep a power cut interrupted (package keep), with keep
//     on or off, so that nothing left half-done blocks the rest;
//  2. audit: read the bytes the rollback would discard and, from the listing
//     process, what they are (package audit);
//  3. keep: with keep.roots > 0, keep the root as a previous root instead of
//     discarding it, and prune the oldest;
//  4. rollback: `zfs rollback -r` semantics (package rollback).
//
// A failure of steps 1–3 is reported and the rollback still runs: the boot's
// promise is a blank root, and the rollback refuses by itself whatever is
// unsafe. The audit record says what truly became of the data: erased, kept
// (and as what), or not reset (and why).
//
// Persist, beneath the new root once it and the persistent root are mounted:
// refuse a persistent root that is not a mount point; plan (owner names to
// ids); attach every entry (package mounts); save the audit record beneath
// the persistent root.
//
// The step hook (Request.AfterStep) is a seam for tests: the release binary
// never sets it; the VM power-cut tests build a binary that does
// (cmd/blankslate/faultinject.go, build tag faultinject).
package boot
