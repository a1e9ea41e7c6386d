// Package audit keeps the audit trail: what each boot's rollback erases.
//
// At boot, before the rollback (cmd/blankslate, recordAudit), the record is
// started in /run/blankslate/audit.json with the bytes a rollback discards
// (written@snapshot, read without a mount). A copy of blankslate in a mount
// namespace of its own then mounts the root dataset read-only, adds the root's
// top-level names, then the changed paths from libzfs's zfs diff, at most
// audit.maxFiles of them and for at most audit.maxSeconds, writing the record
// after each step; it is killed a little after its deadline. When the rollback
// has run, the record gets its outcome. `blankslate persist` saves the record
// as <persistRoot>/var/log/blankslate/<UTC time>.json, written beneath the
// persistent root without following a symlink and without replacing
// anything, and removes the oldest records beyond audit.keep. Failing to
// record or to save is logged and never blocks the boot.
//
// # Record, schema "blankslate.audit/1"
//
//	{
//	  "schema": "blankslate.audit/1",
//	  "time": "2026-11-26T01:39:24Z",    when the rollback was about to run
//	  "dataset": "rpool/nixos/empty", "snapshot": "start",
//	  "bytes": 1146880,                  written@snapshot: what was discarded
//	  "top": [{"name": "etc", "type": "directory"}, …],
//	                                     the root's top-level names
//	  "files": [{"change": "created" | "modified" | "removed" | "renamed",
//	             "type": "file" | "directory" | "symlink" | …,
//	             "path": "/etc/junk", "newPath": "…"}, …],
//	  "complete": true,                  false when the list stopped early
//	  "limited": "stopped at maxFiles 10000",   why it stopped, when it did
//	  "outcome": "rolled back" | "pending" | "not rolled back: <why>"
//	}
//
// The settings are the configuration's "audit" object (config.Audit):
// enable (true), maxFiles (10000), maxSeconds (5), keep (30).
package audit
