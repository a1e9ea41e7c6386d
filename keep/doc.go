// Package keep keeps the last N boots' roots recoverable, crash-safely.
//
// Before the rollback, when the root dataset D has data written since D@start:
//
//  1. rename D to <parent of D>/blankslate-prev/<UTC time> (the container is
//     created with canmount=off, mountpoint=none when missing); D's snapshots,
//     @start with them, move along;
//  2. clone <kept>@start back to D, with D's locally set properties;
//  3. promote D: D owns @start again and the kept root becomes a clone of
//     D@start; the kept root is made readonly=on, canmount=noauto;
//  4. prune: destroy the oldest kept roots beyond N (only clones of D@start,
//     beneath the container, one dataset at a time, never recursively).
//
// The rollback that follows is then a no-op: D is a fresh clone of @start, and a
// clone of @start itself does not block a rollback to @start (only clones of
// newer snapshots do).
//
// Each of those ZFS calls is one synced transaction, so a power cut leaves the
// pool in one of three states, and Repair, run at the start of every rollback
// (keep on or off), finishes the interrupted keep:
//
//   - D missing, a kept root owns @start (cut after step 1): steps 2 and 3;
//   - D is a clone of <kept>@start (cut after step 2): step 3;
//   - a kept root not yet readonly (cut after the promote): it is sealed.
//
// Persistent datasets are never touched: every name this package changes is D
// or beneath the container.
package keep
