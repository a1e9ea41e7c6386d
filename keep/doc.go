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
// With the default audit settings (SetAsideForMount) the boot stops after
// step 2, before the root is mounted; Finish does step 3 after switch-root
// (blankslate audit), and the prune of step 4 follows the listing. Until then
// D is a clone of <kept>@start: the state a cut after step 2 leaves, which
// Repair finishes when the next boot comes first.
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
// # Booting a kept root (blankslate.root=previous or =NAME)
//
// The root dataset D is what the initrd mounts, so a boot on a kept root K
// must run on a dataset named D that is a writable copy of K, while K stays
// as it is and @start survives for the next blank boot. The rollback step,
// after its repair, does (boot.Rollback):
//
//   - previous: D, as the last boot left it, is kept first (steps 1–3 above,
//     whatever keep.roots says, pruning nothing) and K is that kept root;
//   - the rollback makes D blank (it is already, after a keep);
//   - R1: snapshot K@blankslate-boot-<UTC time>: K's content is unchanged;
//   - R2: rename D (blank, owning @start) to <parent>/blankslate-blank, B;
//   - R3: clone K@blankslate-boot-<time> as D with D's local properties.
//
// The boot then mounts D, writable, holding K's files. The next boot without
// the parameter returns (Return, before the keep step):
//
//   - N1: rename D into the container as <UTC time>: what the recovery boot
//     wrote is a kept root like any other (a clone of K's boot snapshot);
//   - N2: rename B back to D: D owns @start again and is blank;
//   - N3: seal the new kept root (readonly=on, canmount=noauto).
//
// Each step is one ZFS transaction. After a power cut the next boot's
// RepairBoot and Repair see one of these states:
//
//   - cut after R1: an unused boot snapshot (no clone): destroyed;
//   - cut after R2, or after N1: D missing and B present: B is renamed back
//     to D (after R2 together with the unused snapshot: as if nothing
//     happened; after N1 the recovery boot's root is already kept);
//   - cut after R3: exactly the state of a finished recovery boot: the next
//     boot returns from it;
//   - cut after N2 or during N3: a kept root not yet sealed: sealed.
//
// A kept root booted from has a snapshot that a later kept root is a clone
// of; Prune destroys its unused boot snapshots with it, and leaves it until
// the root cloned from it is pruned. A boot with blankslate.root= prunes
// nothing, so the root it boots is never destroyed under it.
//
// # Order and hold
//
// Kept roots are ordered by blankslate:seq (SeqProp), which the seal writes
// with readonly and canmount in one call: 1 + the largest among the kept
// roots, read before the keep's first write. The time in a root's name is
// for people; a clock stepped back must not make the last boot's root the
// oldest. A root with blankslate:hold (HoldProp) is never pruned: a boot
// that was asked for something it did not understand keeps the root so, and
// writes the hold on D before the rename, so that a cut leaves it held.
//
// Persistent datasets are never touched: every name this package changes is
// D, B (<parent>/blankslate-blank), or beneath the container.
package keep
