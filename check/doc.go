// Package check is `blankslate check`: a read-only examination of everything
// the boot depends on, for a person in a rescue shell at 3 a.m. Each finding
// has a severity, the object it is about, what was found and, for a problem,
// the command that fixes it.
//
// # Writes nothing
//
// The checks read ZFS through the ZFS interface, which has no method that
// changes anything; the rest is stat, openat2 with O_PATH, readlink and
// mountinfo. What a bind mount hides is read through a detached,
// non-recursive clone of the mount below it (open_tree), released on close,
// with O_NOATIME so that not even an access time changes. The VM scenario
// check-changes-nothing proves it on real ZFS: no transaction group that was
// open while checks ran had dirty data or wrote a byte, and the trees and the
// datasets' space are unchanged.
//
// # Where it runs
//
//   - In the initrd's emergency shell (/etc/initrd-release exists): the root is
//     /sysroot; while it is not mounted, the persistent paths are not checked.
//   - From a rescue system: / is not ZFS, so the persistent paths are not
//     checked; mount the installed system at /mnt and give --root /mnt. The
//     configuration is then that system's (LoadConfigUnder: its current
//     NixOS profile's, else its /etc's), and the report names the file;
//     what is not mounted beneath /mnt is reported as not checked, and the
//     entries, which only a running system has attached, as one line of
//     information.
//   - On the running system: the root is /, and every entry must be attached.
//
// # Checks
//
//	config.valid        the configuration validates as at boot (else exit 2)
//	zfs.available       /dev/zfs and libzfs can be opened
//	pool.imported       the pool is imported
//	boot.root           this boot's root is not the blank root: not reset
//	                    (blankslate.rollback=skip) or a writable copy of a kept
//	                    root (blankslate.root=), from the rollback step's note in
//	                    /run/blankslate (running system only; warning)
//	pool.health         its health property and zpool status's verdict
//	dataset.exists      the root dataset exists and is a filesystem
//	dataset.children    it has no child datasets (the rollback refuses them)
//	dataset.mountpoint  mountpoint=legacy, as the layout mounts it by name
//	dataset.root        what is mounted at the root is that dataset
//	snapshot.exists     the blank snapshot exists
//	snapshot.latest     it is the latest snapshot; else how many are newer and
//	                    whether one has a clone (then the rollback refuses)
//	snapshot.written    bytes written since the snapshot (info)
//	keep.roots          the kept roots of earlier boots (keep.roots), oldest first,
//	                    with the command that mounts one read-only (info)
//	keep.repair         a keep was cut short (the root dataset is missing or still
//	                    a clone of a kept root); the next rollback repairs it
//	layout.datasets     the pool's datasets could be listed
//	layout.compression  compression=lz4 on every filesystem and volume; off is a
//	                    warning, another algorithm (zstd …) information
//	layout.nix-atime    atime=off on the nix dataset (the one mounted at /nix,
//	                    else mountpoint=/nix, else <pool>/nixos/nix)
//	layout.reservation  reservations of filesystems ≥ 10 % of the pool's size
//	                    when there is one (the seed's <pool>/reserved); none is info
//	layout.docker-zvol  a zvol the root's /etc/fstab mounts must exist and be a
//	                    volume; <pool>/docker is reported with its size
//	layout.arc-max      zfs_arc_max as the boot asks (zfs.zfs_arc_max= on the
//	                    kernel command line, or modprobe.d), and taken by the ARC
//	persist.root        the root is mounted and is ZFS (info when not; on a
//	                    system that is not the one booted, the copies are then
//	                    checked on the persistent dataset, mounted read-only
//	                    in a private mount namespace: rescue.go)
//	persist.mounted     the persistent root is a mount point
//	persist.owner       each entry's user and group resolve, as at boot
//	persist.copy        each persistent copy exists, is of the declared type,
//	                    owner and mode, and persist would accept it and the
//	                    way to it (no symlink, nobody else can change them)
//	persist.attached    each entry is attached: a mount root of its copy, or
//	                    the symlink to it; an entry persist would refuse is an
//	                    error with persist's reason, and the fix given is never
//	                    an action persist refuses (the same pathsafe walk and
//	                    rules, through mounts.Status)
//	persist.covered     no bind entry persist attached is covered by a file
//	                    system mounted over a parent afterwards (home.mount
//	                    over /home/alice's bind): from mountinfo, the bind of
//	                    the persistent file system and a later mount above it
//	persist.hidden      nothing on the root dataset is hidden under a bind mount
//	persist.adopted     no path `blankslate adopt` attached is left undeclared
//	                    (the next boot would not attach it)
//	system.mounts       the mount table could be read
//
// # Exit status
//
// 0 when no finding is a warning, an error or not-checked; 1 when one is a
// warning or an error; 3 when none is, but one is not-checked (a part that
// could not be looked at: not known to be healthy); 2 on a usage error or a
// configuration that does not validate. The text lists problems first, then
// what was not checked, then information; ok findings are counted (--all
// lists them), and lines are wrapped to a terminal's width.
//
// # JSON (--json), schema "blankslate.check/1"
//
// One object; each finding on a line of its own. Fields are added, never
// removed or changed in meaning, without a new schema name.
//
//	{
//	  "schema": "blankslate.check/1",
//	  "version": "…",                      blankslate's version
//	  "result": "clean" | "problems" | "not-checked" | "config-invalid",
//	  "exitStatus": 0 | 1 | 3 | 2,
//	  "config": "built-in default" | "/etc/blankslate/config.json" | …,
//	  "root": "/",                         "" when the configuration is invalid
//	  "snapshot": "rpool/nixos/empty@start",  "" likewise
//	  "counts": {"ok": 27, "info": 2, "not-checked": 0, "warning": 0, "error": 0},
//	  "findings": [
//	    {"check": "snapshot.latest",       one of the checks above
//	     "severity": "ok" | "info" | "not-checked" | "warning" | "error",
//	     "object": "rpool/nixos/empty@start",
//	     "message": "…",
//	     "fix": "…",                       only when there is something to do
//	     "data": {…}}                      only for the checks below
//	  ]
//	}
//
// data, by check (numbers are bytes unless said otherwise):
//
//	boot.root           from (the kept root) for a copy of a kept root
//	pool.health         health (string), status (string: "ok", "offline-device" …)
//	snapshot.latest     newer (count); clones (list of names) when any
//	snapshot.written    bytes
//	keep.roots          roots (list of {name, time, referenced, used})
//	layout.reservation  reserved, size
//	layout.docker-zvol  volsize
//	layout.arc-max      asked (when asked), param (the module parameter), c_max
//	persist.covered     covering (the mount point over the entry)
//	persist.hidden      hidden (count of names) or bytes (a hidden file)
package check
