# blankslate.root=previous when the last boot's root cannot be kept exactly
# as it was (a snapshot newer than @start), under both failure policies, in
# one boot (the kernel command line carries blankslate.root=previous).
# Nothing is rolled back: the junk and the newer snapshot stay, the message
# gives the real reason. emergency: exit 1. continue: exit 0 and a crit
# entry (an ERROR line without a journal) says the root was NOT reset.
. /scenarios/recovery-bad-name.sh

scenario() {
	in_initrd
	dirty_root
	zfs snapshot $ROOT_DS@later || fail "snapshot later"
	for policy in emergency continue; do
		step "onFailure=$policy"
		policy_config $policy
		run blankslate rollback
		case $policy in
		emergency) expect_rc 1 ;;
		continue)
			expect_rc 0
			echo "$OUT" | grep -F 'the root was NOT reset, and the boot CONTINUES' | grep -q 'ERROR: ' ||
				fail "no crit entry saying the root was NOT reset"
			;;
		esac
		expect_out "NOT rolled back"
		expect_out "newer than @start"
		echo "$OUT" | grep -qF "<nil>" && fail "the message carries no reason: <nil>"
		expect_root_dirty
		zfs list -H -t snapshot $ROOT_DS@later >/dev/null || fail "the newer snapshot is gone"
		[ -z "$(zfs list -H -t snapshot -o name -r $KEEP_C 2>/dev/null | grep blankslate-boot)" ] || fail "a boot snapshot was taken"
	done
}
