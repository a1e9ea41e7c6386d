// Package config owns blankslate's configuration: its JSON schema, the built-in
// default (the layout docs/DESIGN.md describes) and validation. It imports nothing
// of the project; the plan that turns entries into mounts lives in package mounts.
//
// Validation happens before anything is touched: a configuration that fails it makes
// every subcommand exit 2 without a single ZFS call or mount.
//
// Every error of Parse, Load and Validate matches ErrInvalid. An invalid
// configuration has no failure policy: its onFailure cannot be trusted (it may be
// misspelled, repeated in another case, or the very mistake), so the caller must
// not read it by other means and must act as with onFailure "emergency". Only a
// configuration that validated can ask for "continue".
//
// # The file
//
// Load reads a regular file only (opened O_NONBLOCK, so a FIFO never blocks the
// boot) of at most MaxFileSize (16 MiB); only a default file that does not exist
// means the built-in default. The bytes must be UTF-8: invalid sequences are
// refused, not turned into U+FFFD. Keys are case-sensitive and may appear only
// once in each object, at every level: encoding/json alone would take
// "OnFailure" for "onFailure" and let the last of two keys win. Nesting is
// bounded (32 levels).
//
// Every problem is listed in one error, one per line: those of the keys, then,
// if every value has the right JSON type, those of the values. At most 100 are
// listed, followed by how many more there are.
//
// # Paths
//
// Entry paths and persistRoot are absolute and clean, without "." or "..", at
// most 4095 bytes (PATH_MAX less its NUL) with components of at most 255 bytes
// (NAME_MAX); persistRoot+path, the persistent copy and a symlink's target, is
// bounded alike. No control character (C0, DEL, C1) is allowed: a path is
// written to the journal, and a newline in it would forge a line. persistRoot may
// not be / or /nix nor lie in /proc, /sys, /dev, /run, /boot, /tmp, /nix/store or
// /nix/var, which are not persistent datasets of its own; /nix/persist is fine. Errors repeat a path quoted and cut short when needed.
//
// # Entries
//
// At most MaxEntries (100,000) entries; beyond that only the count is reported.
// Two entries may not name the same path, nor may one lie beneath another; the
// check sorts the paths (O(n log n)) and names each conflicting entry once, with
// the first copy of its path or its nearest enclosing entry.
//
// # Modes
//
// An entry's "mode" is 1 to 5 octal digits, at most "7777": the permission bits
// plus setuid (4000), setgid (2000) and sticky (1000). ParseMode returns the
// kernel's bits; convert them with FileMode, never with os.FileMode(bits), which
// drops the three special bits. Accepted deliberately:
//   - directory: setgid and sticky; world-writable only together with sticky
//     ("1777", as /tmp and /var/tmp). setuid is refused: Linux ignores it on a
//     directory, so it is taken for a typo of setgid.
//   - file: permission bits only, not world-writable. The persistent copy is data
//     created empty; set-id bits on it would only ever serve to plant a set-id
//     program beneath the persistent root, and sticky means nothing on a file.
//
// # Owners
//
// An entry's "user" and "group" are a name or a decimal id. A name is what useradd
// accepts: [A-Za-z_] then [A-Za-z0-9_.-], optionally a final $, at most 32 bytes;
// it is resolved at boot. An id is 0 to 4294967294 (MaxID) written without sign,
// spaces or leading zeros: 4294967295 is chown's "leave unchanged" and anything
// larger would wrap around to root. NumericID reads one.
//
// # Layout
//
// The optional "layout" object declares the storage layout that `blankslate
// check` compares against instead of inferring it. Its keys, all optional, are
// spelled exactly like this (unknown or mis-cased keys are refused):
//
//	"layout": {
//	  "reservePercent": 10,             // share of the pool kept free, 0..50
//	  "dockerZvol": "rpool/docker",     // a dataset name in any pool; "" for none
//	  "arcMax": 8589934592,             // zfs_arc_max in bytes; 0 for ZFS's default, else >= 64 MiB
//	  "secrets": ["/persist/etc/ssh"]   // absolute paths, each listed once
//	}
//
// An absent key is undeclared; a zero value declares "none". dockerZvol may not
// be the rolled-back dataset nor lie beneath it. The accessors ReservePercent,
// DockerZvol, ARCMax and Secrets return each value and whether it is declared.
package config
