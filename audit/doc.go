// Package audit keeps the audit trail: what each boot's rollback erases.
//
// At boot, before the rollback (package boot), the rollback step reads the
// bytes a rollback discards (written@snapshot, no mount needed) and starts
// `blankslate audit-list` in a mount namespace of its own. That process
// mounts the root dataset read-only there and streams (List) the root's
// top-level names, then the changed paths from libzfs's zfs diff, at most
// audit.maxFiles of them and for at most audit.maxSeconds, as JSON lines;
// it is killed a little after its deadline. The rollback step reads the
// stream (Collect, bounded), and once the rollback's outcome is known writes
// the record, once, to /run/blankslate/audit.json. `blankslate persist`
// saves it as <persistRoot>/var/log/blankslate/<UTC time>.json, written
// beneath the persistent root without following a symlink and without
// replacing anything, and removes the oldest records beyond audit.keep.
// Failing to record or to save is logged and never blocks the boot.
//
// # Record, schema "blankslate.audit/2"
//
//	{
//	  "schema": "blankslate.audit/2",
//	  "time": "2026-11-26T01:39:24Z",    when the rollback was about to run
//	  "dataset": "rpool/nixos/empty", "snapshot": "start",
//	  "bytes": 1146880,                  written@snapshot: what the last boot wrote
//	  "top": [{"name": "etc", "type": "directory"}, …],
//	                                     the root's top-level names
//	  "files": [{"change": "created" | "modified" | "removed" | "renamed",
//	             "type": "file" | "directory" | "symlink" | …,
//	             "path": "/etc/junk", "newPath": "…"}, …],
//	  "complete": true,                  false when the list stopped early
//	  "limited": "stopped at maxFiles 10000",   why it stopped, when it did
//	  "outcome": "erased" | "kept" | "not reset" | "waiting",
//	  "keptAs": "rpool/nixos/blankslate-prev/20261126T013924Z",
//	                                     the previous root holding it, when kept
//	  "error": "…",                      why the root was not reset, when not
//	  "setAside": "rpool/nixos/blankslate-prev/20261126T013924Z",
//	                                     the copy listed after boot (docs/audit.md)
//	  "pending": true,                   until that listing has replaced the record
//	  "unlisted": ["…"],                 copies of earlier boots destroyed unlisted
//	  "listError": "…"                   why the listing after boot failed, with
//	                                     "waiting": the copy stays set aside
//	}
//
// Schema 1 (before "kept" existed) said "rolled back" even when the data was
// kept as a previous root; schema 2 says what became of it. setAside, pending
// and unlisted were added within schema 2: a reader that does not know them
// reads an incomplete record, which is what a pending one is.
//
// The settings are the configuration's "audit" object (config.Audit):
// enable (true), maxFiles (10000), maxSeconds (5), keep (30), listAfterBoot (true).
package audit
