# A newer snapshot with a clone is refused (that is `zfs rollback -r`), nothing changes.
scenario() {
	in_initrd
	dirty_root
	zfs snapshot $ROOT_DS@later || fail "snapshot"
	zfs clone $ROOT_DS@later rpool/clone-of-later || fail "clone"
	snaps=$(snapshots)
	w=$(written)
	run blankslate rollback
	expect_rc 1
	expect_out "$ROOT_DS@later is newer than $SNAP and has clones (rpool/clone-of-later)"
	expect_out "nothing was changed"
	[ "$(snapshots)" = "$snaps" ] || fail "snapshots changed"
	zfs list rpool/clone-of-later >/dev/null || fail "clone destroyed"
	expect_root_dirty
}
