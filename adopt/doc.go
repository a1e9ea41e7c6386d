// Package adopt makes a path of the running root persistent, for "I should
// have persisted this": it copies the path into the persistent root under
// a temporary name, syncs, proves the copy faithful (restore.Compare:
// types, sizes, modes, owners, the content of every file, read by its
// allocated data only), renames it into
// place, sets the original aside on the root (which the next boot erases
// anyway), and attaches the copy now with mounts.Apply, as persist does at
// boot. The next boot attaches it only when the configuration declares it:
// a note beneath the persistent root (internal/adopted) lets check warn
// until then. The note is written only once the copy is attached, and
// removed when attaching fails; a run cut short between the two is
// finished by the next adoption of the path, which writes the note.
//
// It refuses, changing nothing: a path under /nix, /proc, /sys, /dev,
// /run or the persistent root, one that is or holds a declared entry, or
// lies beneath one; a mount point; a path on any file system but the root
// dataset the next boot resets (a separate /home dataset, the ESP), or
// with another file system mounted inside it (adopt never copies across a
// mount); a file a process holds open for writing (unless Force: what it
// writes next would go to the original set aside); a symlink, FIFO,
// device or socket; and
// a persistent copy that already exists and differs (the differences are
// in the error). An existing copy that is identical is used as it is.
//
// Each step leaves a state the next run understands: a copy is complete
// before it is renamed into place (RENAME_NOREPLACE), the next adoption of
// the same path removes a temporary copy a killed one left (never
// following a symlink or crossing a mount in it) and says so, and when
// attaching fails the original is renamed back.
package adopt
