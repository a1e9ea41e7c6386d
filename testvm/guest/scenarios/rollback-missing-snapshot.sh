# A missing snapshot is refused with exit 1, the message names it, nothing changes.
scenario() {
	in_initrd
	dirty_root
	zfs destroy $SNAP || fail "destroy @start"
	zfs snapshot $ROOT_DS@other || fail "snapshot other"
	snaps=$(snapshots)
	run blankslate rollback
	expect_rc 1
	expect_out "snapshot $SNAP does not exist"
	expect_out "nothing was changed"
	[ "$(snapshots)" = "$snaps" ] || fail "snapshots changed"
	expect_root_dirty
}
