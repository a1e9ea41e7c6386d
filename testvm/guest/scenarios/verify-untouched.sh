# After a boot that must not have touched the root: the junk is still there and
# the snapshots are those the preparation boot recorded.
scenario() {
	expect_root_dirty
	mount_ds rpool/nixos/nix $M/nix ro
	want=$(cat $M/nix$STATE_REL/snaps)
	umount $M/nix
	[ "$(snapshots)" = "$want" ] || fail "snapshots changed: '$(snapshots)', want '$want'"
	echo "root untouched: junk present, snapshots $(snapshots)"
}
