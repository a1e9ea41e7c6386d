# Preparation boot for the failure-policy tests: junk in the root; with
# bstest.prep=no-snapshot also @start destroyed. Records the snapshot list so a
# later boot can prove nothing was touched.
scenario() {
	dirty_root
	if grep -q 'bstest.prep=no-snapshot' /proc/cmdline; then
		zfs destroy $SNAP || fail "destroy @start"
	fi
	mount_ds rpool/nixos/nix $M/nix
	mkdir -p $M/nix$STATE_REL
	snapshots >$M/nix$STATE_REL/snaps
	umount $M/nix
	echo "prepared: junk in the root; snapshots: $(snapshots)"
}
