# blankslate check --root /mnt from a rescue system, on a layout that is not
# the default: pool tank, root tank/sys/root@blank, persistent dataset
# tank/sys/keep at /state, zstd compression everywhere, and the
# configuration where a NixOS system keeps it: its current system profile's
# etc, reached through absolute links into its own /nix/store. The rescue
# system's own /etc/blankslate/config.json and /nix/store hold a decoy (the
# default rpool layout): check must read the rescued system's file, name it,
# and follow its links beneath /mnt only.
STORE=$M/nix/store
PROFILE_CONFIG=$M/nix/var/nix/profiles/system/etc/blankslate/config.json

scenario() {
	rescued_layout
	step "the persistent dataset not mounted: the copies are not checked, exit 3"
	stty cols 80 2>/dev/null || fail "stty cols 80"
	echo "\$ blankslate check --root $M  (on the console, a terminal of 80 columns)"
	blankslate check --root $M
	RC=$?
	echo "(exit $RC)"
	expect_rc 3
	run blankslate check --root $M
	expect_rc 3
	expect_out "configuration: $PROFILE_CONFIG ($STORE/aaaa-etc/etc/blankslate/config.json)"
	expect_out "blankslate check: tank/sys/root@blank, root $M"
	expect_out "NOT CHECKED  persist.mounted"
	expect_out "No problems found; 1 not checked, so not known to be healthy"
	echo "$OUT" | grep -q rpool && fail "the report mentions rpool: the decoy configuration was read"
	check_run --root $M
	expect_finding not-checked persist.mounted "$M/state"
	expect_finding info layout.compression "compression=zstd on all 5 datasets (the layout has lz4; a choice, nothing to fix)"
	expect_finding ok dataset.root "is tank/sys/root"
	echo "$OUT" | grep -q '"result": "not-checked"' || fail "JSON result is not not-checked"

	step "the persistent dataset mounted, the copies as declared: clean, exit 0"
	mount_ds tank/sys/keep $M/state
	mkdir -p $M/state/etc/nixos $M/state/var/log
	echo 0123456789abcdef0123456789abcdef >$M/state/etc/machine-id
	chmod 0444 $M/state/etc/machine-id
	run blankslate check --root $M
	expect_rc 0
	expect_out "No problems found"
	expect_out "3 of 3 entries are not attached beneath $M"
	check_run --root $M --all
	expect_finding ok persist.copy "/state/var/log"
	expect_finding ok persist.mounted "$M/state"

	step "--config overrides the rescued system's"
	run blankslate check --root $M --config /etc/blankslate/config.json
	expect_out "configuration: /etc/blankslate/config.json"
	expect_out "rpool/nixos/empty@start"
	umount $M/state $M/nix $M
	zpool destroy tank
}

# rescued_layout: the pool in a file, the root dataset blank but for its
# mount points, the nix dataset holding a profile that links into its
# store, and the decoys on the rescue system.
rescued_layout() {
	dd if=/dev/zero of=/tmp/tank.img bs=1M count=0 seek=256 2>/dev/null
	zpool create -O mountpoint=none -O compression=zstd -O atime=off tank /tmp/tank.img || fail "zpool create tank"
	zfs create -o mountpoint=none tank/sys
	for ds in root nix keep; do zfs create -o mountpoint=legacy tank/sys/$ds || fail "zfs create tank/sys/$ds"; done
	mount_ds tank/sys/root $M
	mkdir -p $M/nix $M/state
	zfs snapshot tank/sys/root@blank
	mount_ds tank/sys/nix $M/nix
	mkdir -p $STORE/aaaa-etc/etc/blankslate $STORE/bbbb-nixos-system $M/nix/var/nix/profiles
	cat >$STORE/aaaa-etc/etc/blankslate/config.json <<'EOF'
{"pool": "tank", "dataset": "tank/sys/root", "snapshot": "blank", "persistRoot": "/state",
 "entries": [
  {"path": "/etc/nixos", "how": "bind", "type": "directory"},
  {"path": "/var/log", "how": "bind", "type": "directory"},
  {"path": "/etc/machine-id", "how": "symlink", "type": "file", "mode": "0444"}]}
EOF
	ln -s /nix/store/aaaa-etc/etc $STORE/bbbb-nixos-system/etc
	ln -s /nix/store/bbbb-nixos-system $M/nix/var/nix/profiles/system-7-link
	ln -s system-7-link $M/nix/var/nix/profiles/system
	mkdir -p /nix/store/aaaa-etc/etc/blankslate /etc/blankslate
	decoy='{"pool": "rpool", "dataset": "rpool/nixos/empty", "snapshot": "start", "entries": []}'
	echo "$decoy" >/nix/store/aaaa-etc/etc/blankslate/config.json
	echo "$decoy" >/etc/blankslate/config.json
}
