// Package restore copies paths out of a kept root (package keep) into a
// live tree: the running root, or the persistent root.
//
// Both sides are attacker-writable: a kept root holds whatever the boot it
// was kept from wrote, the target holds every service's state. So:
//
//   - Nothing is ever resolved through a symlink. Every lookup is one
//     component at a time with openat2 beneath a held directory
//     (internal/pathsafe); a symlink in the kept root is copied as a symlink
//     with the same target text, never followed, whether it points inside
//     the kept root or at /etc/shadow.
//   - Every existing directory of the target that a copy goes into must pass
//     pathsafe's ownership rule for the owner of what is copied there, so
//     that nobody else can rename it elsewhere mid-copy.
//   - Only directories and regular files are opened for reading, without
//     blocking; a FIFO, a device or a socket is reported and skipped. A file
//     is read up to the size it had when opened, an xattr list and each
//     value up to the kernel's own maximum.
//   - A file appears complete or not at all: it is written unnamed
//     (O_TMPFILE), given content, owner, mode, xattrs (POSIX ACLs are the
//     xattrs system.posix_acl_*) and times, then linked in. Without --force
//     the link refuses an existing name (linkat never replaces); with it the
//     new file is renamed over the old one in one step.
//   - Nothing is given an owner, mode or times by name in a directory
//     someone else can write: a file by its descriptor; a directory or a
//     symlink is made in a staging directory only root can write
//     (pathsafe.Staging), finished there, then renamed into place. By name
//     in the user's directory, the user could rename another file over the
//     new name first, and root would chown that file to them.
//
// A directory missing from the target is copied whole into a staging
// directory and renamed into place once complete; a copy that fails
// half-way is removed, so nothing half-made appears under its name. Into
// a directory that was there, what was copied before a failure stays, and
// the items returned list it.
//
// Copy plans first: it walks the whole set and refuses, changing nothing,
// when a file exists in the target without Force, or when a file and a
// directory meet (never replaced, even with Force). What it copies keeps
// owner, group, mode, access and modification times, xattrs, hard links
// within the set, and holes (SEEK_DATA/SEEK_HOLE).
package restore
