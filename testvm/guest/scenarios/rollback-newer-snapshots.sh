# Newer snapshots (destroyed in one batch) and newer bookmarks are destroyed, then
# the rollback; older snapshots stay.
scenario() {
	in_initrd
	dirty_root
	zfs snapshot $ROOT_DS@a || fail "snapshot a"
	mount_ds $ROOT_DS $M/root; echo more >$M/root/more; umount $M/root
	zfs snapshot $ROOT_DS@b || fail "snapshot b"
	zfs bookmark $ROOT_DS@b $ROOT_DS#bm || fail "bookmark"
	zfs bookmark $SNAP $ROOT_DS#at-start || fail "bookmark at start"
	run blankslate rollback
	expect_rc 0
	expect_out "destroyed 2 newer snapshot(s)"
	expect_out "$ROOT_DS@a"
	expect_out "$ROOT_DS#bm"
	s=$(snapshots)
	case "$s" in *"@a "* | *"@b "* | *"#bm "*) fail "newer snapshots left: $s" ;; esac
	case "$s" in *"$SNAP "*) ;; *) fail "@start gone: $s" ;; esac
	case "$s" in *"#at-start "*) ;; *) fail "bookmark of @start itself gone: $s" ;; esac
	expect_root_blank
}
