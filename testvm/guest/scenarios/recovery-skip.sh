# blankslate.rollback=skip over three boots of one disk. Boot 1 resets the
# root and writes junk. Boot 2 has blankslate.rollback=skip on its kernel
# command line: the rollback exits 0, the junk is still there, the outcome is
# logged at priority crit (an ERROR line without a journal), and check says
# this boot's root was not reset. Boot 3, without it, is a blank boot again.
. /scenarios/keep-roots-retention.sh

scenario() {
	in_initrd
	keep_config 0
	t0=$(now_ms)
	run blankslate rollback
	echo "TIMING boot$BOOT rollback $(($(now_ms) - t0)) ms (guest clock)"
	echo "$OUT" | grep -F '[timing]' | sed 's/^/TIMING-BLANKSLATE /'
	expect_rc 0
	case $BOOT in
	2)
		expect_out "[skipped] blankslate.rollback=skip is on the kernel command line"
		echo "$OUT" | grep -F '[skipped]' | grep -q 'ERROR: ' || fail "the skip is not logged at priority crit (error level on stderr)"
		mount_ds $ROOT_DS $M/root ro
		[ "$(cat $M/root/junk-boot1 2>/dev/null)" = "junk of boot 1" ] || fail "the junk of boot 1 is gone: the root was reset"
		umount $M/root
		check_run --root /
		expect_finding warning boot.root "this boot's root was NOT reset"
		;;
	*)
		expect_root_blank
		expect_owner
		;;
	esac
	[ "$BOOT" = 1 ] && write_junk 1
	true
}
