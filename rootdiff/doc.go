// Package rootdiff is `blankslate diff`: what the next boot erases, read from
// libzfs's zfs_show_diffs (`zfs diff -H -F DATASET@SNAPSHOT`), classified against
// the configuration and grouped by top-level directory, largest first.
//
// libzfs compares the snapshot with a just-in-time snapshot of the dataset,
// which the kernel destroys when libzfs's cleanup descriptor closes, so a diff
// leaves nothing behind even when killed; the dataset must be mounted (on the
// running system it is /). Sizes are those of the files now, read on the root
// dataset itself, beneath any mount on top of it.
//
// Each change is one of three classes:
//
//	ephemeral    erased at the next boot
//	under-entry  beneath a declared entry: it should never be on the root (it
//	             was written before the entry was attached, or is hidden under
//	             its mount; blankslate check reports the latter)
//	recreated    an entry's attach point, a mount point, or a parent of one,
//	             made again at every boot; counted, not listed
//
// The largest groups (Suggested) come with the entry that would keep their
// biggest part: the path at the second level (/var/tmp for /var/tmp/a/b) or the
// file itself, as a NixOS option line and a config.json entry, validated as
// blankslate validates a configuration (a path that cannot be persisted, such
// as /tmp, says why instead).
//
// # JSON (--json), schema "blankslate.diff/1"
//
//	{
//	  "schema": "blankslate.diff/1",
//	  "version": "…",
//	  "dataset": "rpool/nixos/empty", "snapshot": "start", "mountedAt": "/",
//	  "totals": {"changes": N,          every change, recreated ones included
//	             "created": N, "modified": N, "removed": N, "renamed": N,
//	             "bytes": N,            these five: what the next boot erases
//	             "underEntry": N, "recreated": N},
//	  "groups": [                       largest first; recreated paths left out
//	    {"path": "/var", "bytes": N, "created": N, "modified": N,
//	     "removed": N, "renamed": N, "underEntry": N,
//	     "suggestion": {"path": "/var/tmp", "type": "directory" | "file",
//	                    "bytes": N,
//	                    "nix": "blankslate.directories = [ \"/var/tmp\" ];",
//	                    "entry": "{\"path\": \"/var/tmp\", …}",
//	                    "refused": "…"}}    instead of nix and entry
//	  ],
//	  "changes": [                      all of them, in zfs diff's order
//	    {"kind": "created" | "modified" | "removed" | "renamed",
//	     "type": "file" | "directory" | "symlink" | "fifo" | "socket" |
//	             "block device" | "character device" | "door" | "event port" | "unknown",
//	     "path": "/etc/junk",           the old path of a rename
//	     "newPath": "/etc/junk2",       renames only
//	     "linkDelta": 1,                link count changes only
//	     "bytes": N,                    size now; 0 for removed paths and non-files
//	     "class": "ephemeral" | "under-entry" | "recreated"}
//	  ]
//	}
//
// Exit status: 0 listed; 1 it could not be listed (not mounted, ZFS failed);
// 2 usage or configuration error.
package rootdiff
