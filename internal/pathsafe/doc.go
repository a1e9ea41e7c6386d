// Package pathsafe opens, reads and creates files beneath a directory that
// someone else may write, such as the persistent root, where every service
// keeps its state. It imports nothing of the project; mounts, check and
// audit use it, so that they all judge a path by the same rules:
//
//   - Resolution: openat2 with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
//     RESOLVE_NO_MAGICLINKS, relative to a directory descriptor. Where
//     ownership matters the walk goes one component at a time and holds a
//     descriptor for each, so a rename after a step cannot redirect it.
//     EAGAIN (a concurrent rename) is retried up to maxRetries times, then
//     the path is refused; ENOSYS (no openat2, before Linux 5.6) fails
//     closed: nothing is ever resolved some weaker way (openat2.go).
//   - Trust: the rule in trust.go, after systemd's chase() with CHASE_SAFE.
//   - Types: only directories and regular files are ever opened for I/O, and
//     always with O_NONBLOCK; a FIFO, a device or a socket is reported, not
//     opened (Reopen, ReadBeneath).
//   - /proc: an O_PATH descriptor is turned into a real one, or checked for
//     where it really is, through /proc/self/fd only after /proc has been
//     proved to be procfs (statfs magic), so a file system mounted over
//     /proc cannot answer in its place (proc.go).
//   - Creation is complete or invisible: a directory or a file is made
//     under a temporary name, filled, given its owner and mode, then
//     renamed into place with RENAME_NOREPLACE. A run killed half-way never
//     leaves something that looks finished (create.go).
//
// Errors that mean "this is unsafe, so nothing was done" are *Unsafe,
// matched by errors.Is(err, ErrUnsafe); each says what to do.
package pathsafe
