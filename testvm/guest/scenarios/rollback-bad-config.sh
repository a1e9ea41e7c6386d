# An invalid configuration exits 2 before any ZFS call; nothing changes.
scenario() {
	in_initrd
	dirty_root
	snaps=$(snapshots)
	mkdir -p /etc/blankslate
	echo '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","persistRot":"/persist"}' >/etc/blankslate/config.json
	run blankslate rollback
	expect_rc 2
	expect_out 'unknown field "persistRot"'
	echo '{"pool":"rpool","dataset":"rpool","snapshot":"start"}' >/tmp/pool-root.json
	run blankslate rollback --config /tmp/pool-root.json
	expect_rc 2
	expect_out "pool's root dataset"
	run blankslate rollback --config /tmp/no-such-file.json
	expect_rc 2
	run blankslate rollback --no-such-flag
	expect_rc 2
	[ "$(snapshots)" = "$snaps" ] || fail "snapshots changed"
	expect_root_dirty
}
