// Package mounts applies a plan of entries beneath a new root, safely and
// idempotently, and reads back what is attached.
//
// In the initrd, after /sysroot and /sysroot/persist are mounted,
// `blankslate persist --root /sysroot` calls Apply("/sysroot",
// "/sysroot/persist", entries, log). For each entry the persistent copy is
// <persistRoot><Path> and the target is <newRoot><Path>; a bind entry is
// bind-mounted there, a symlink entry gets a symlink pointing at the copy
// as the system will see it after switch-root ("/persist/etc/ssh"). Status
// reads the same back and writes nothing; `blankslate check` uses it.
//
// # Safety
//
// /persist/var/lib holds every service's state, so everything beneath the
// persistent root is treated as writable by an attacker. The rules, each
// enforced in one place:
//
//   - Both roots are opened once (O_PATH|O_DIRECTORY|O_CLOEXEC, no symlink
//     on their paths); every later lookup is one component at a time
//     through internal/pathsafe: openat2 with RESOLVE_BENEATH|
//     RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, EAGAIN retried a bounded
//     number of times, ENOSYS failing closed. Holding an fd per step
//     means a rename after the step cannot redirect us.
//   - A symlink anywhere on the way to a persistent copy, or as the copy,
//     is refused. So is any component of the wrong type (a FIFO, a device,
//     a file where a directory is expected, and the other way round).
//   - Every component must pass pathsafe's one ownership rule (Rule, after
//     systemd's chase() with CHASE_SAFE): owned by root or by the entry's
//     own user, and writable by nobody else.
//   - Creation is relative to directory fds (a directory or a file under a
//     temporary name, O_CREAT|O_EXCL|O_NOFOLLOW for a file, renamed into
//     place with RENAME_NOREPLACE once owner and mode are set, symlinkat,
//     fchown/fchmod on the new fd); runc's symlink bug CVE-2026-41579 came
//     from creating by joined path.
//   - Mounting is by fd (open_tree + move_mount, or mount(2) through the
//     fds' /proc magic links on old kernels), as runc does since
//     CVE-2021-30465. Afterwards the new mount's own fd is checked to sit
//     inside the new root; if not, it is detached.
//   - A bind target that already holds data (a non-empty directory or
//     file) is refused: a mount would hide it (impermanence #169, #315).
//     So is a target that already is a mount of something else.
//   - A symlink never replaces anything; an existing symlink that points
//     elsewhere is refused.
//
// Each refusal is a *Refusal naming the entry, the reason, what was left
// untouched and what to do; the other entries still proceed, and the
// caller exits 1 when Result.Failed() > 0.
//
// # Idempotence
//
// "Already attached" is decided by identity, not by name: a bind target is
// attached when statx says it is a mount root (STATX_ATTR_MOUNT_ROOT, or
// its mount ID differs from its parent's) and its device and inode are the
// persistent copy's; a symlink is attached when it says the right thing and
// following it with RESOLVE_IN_ROOT leads to the copy. A second Apply
// therefore changes nothing. A run killed half-way is completed by the
// next: an existing copy or mount point is reused; a new directory or file
// is made under a temporary name (".blankslate-new.<name>", removed by the
// next run: a directory while it is empty) and renamed into place only when
// content, owner and mode are final, so no half-made copy is mistaken for a
// kept one. (Not an unnamed O_TMPFILE linked in: OpenZFS's intent log does
// not replay such a link after a power cut; docs/RELIABILITY.md.)
//
// # /etc/ssh (a symlink to a directory)
//
// The persistent directory is created before switch-root, so the link
// never dangles: sshd's key generation only runs for missing key files, and
// a dangling or empty target made it generate new host keys on every boot
// (impermanence #101; nixpkgs #98842, PR #141258). Keys are also needed
// before activation by sops-nix/agenix (impermanence #294, #301).
//
// # /etc/machine-id (a symlink to a file)
//
// Decision: keep the symlink, and when the persistent copy is missing,
// create it holding the single line "uninitialized" (owner and mode from
// the entry, 0444 root:root being systemd's own choice). This package does
// only that; the NixOS module must also point systemd-machine-id-commit at
// the persistent root and keep it out of the initrd:
//
//	systemd.services.systemd-machine-id-commit = {
//	  unitConfig.ConditionPathIsMountPoint = [ "" "/persist/etc/machine-id" ];
//	  serviceConfig.ExecStart = [ "" "systemd-machine-id-setup --commit --root /persist" ];
//	};
//	boot.initrd.systemd.suppressedUnits = [ "systemd-machine-id-commit.service" ];
//
// Why, boot by boot:
//
//   - First boot: PID 1 reads "uninitialized" through the link and sets
//     ConditionFirstBoot (systemd PR #16939; machine-id(5)). It generates an
//     ID and bind-mounts it, from /run, over the file the link reaches,
//     /persist/etc/machine-id (src/shared/machine-id-setup.c). The stock
//     commit unit would then do nothing: it asks whether /etc/machine-id
//     itself is a mount point without following the link, so the ID would
//     never be saved and every boot would be a first boot with a new ID
//     (impermanence PR #242; nixpkgs PR #529950). With --root /persist it
//     finds the transient mount on /persist/etc/machine-id, on tmpfs, and
//     writes the ID into the persistent file. A power cut before that just
//     makes the next boot the first boot again, as systemd intends.
//   - Every later boot: the file holds a valid ID, read through the link;
//     nothing is mounted, ConditionFirstBoot is false, and the commit unit
//     is skipped by its condition, so it can never fail the way it does on
//     a bind-mounted /etc/machine-id that is not on tmpfs
//     ("... is not on a temporary file system", impermanence #229).
//
// The copy must exist before switch-root: since systemd 258, PID 1 does
// not create /etc/machine-id through a dangling symlink ("Cannot create
// '/etc/machine-id': File exists", systemd #39717, preservation #22;
// upstream supports a symlink only to a file someone else manages). An
// empty file would not do either: it does not count as a first boot.
// The alternative, bind-mounting an "uninitialized" file on first boot as
// impermanence does (PR #242), needs ConditionFirstBoot=true on the commit
// unit and still fails the unit if it runs again later in that first boot;
// the symlink to a pre-created "uninitialized" file with a redirected
// commit is what nix-community/preservation documents and tests for
// systemd 258 and later (docs/src/examples.md, "Symlink approach", and
// tests/firstboot.nix; issues #6, #22, PR #23).
// An existing copy is never touched, whatever it holds.
package mounts
