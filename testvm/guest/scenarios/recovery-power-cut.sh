# A power cut after each step of booting a kept root and of returning from
# one, each repaired by the next boot (keep.roots 1). The host passes
# bstest.cut=STEP on the boot that runs the fault-injection build with
# BLANKSLATE_FAULT_POWER_CUT=STEP (the release binary has no such hook),
# and blankslate.root=previous where the scenario boots a kept root.
#
# Booting (bstest.cutphase=boot, three boots): 1 resets and writes junk;
# 2 boots the previous root and is cut after STEP; 3 is a normal boot.
# Returning (cutphase=return, four boots): 1 resets and writes junk; 2 boots
# the previous root and writes on it; 3 is a normal boot cut after STEP;
# 4 is a normal boot. The last boot must find, after the repair: exit 0, the
# root blank and owning @start, no root set aside, no unused boot snapshot,
# every kept root sealed, and what the cut boot's predecessor wrote kept.
# Holding (cutphase=hold, three boots): as booting, but boot 2 carries the
# unknown word blankslate.roots=previous instead: boot 1's junk must be in a
# kept root that is held (blankslate:hold).
. /scenarios/recovery-previous.sh

CUT=$(sed -n 's/.*bstest.cut=\([^ ]*\).*/\1/p' /proc/cmdline)
PHASE=$(sed -n 's/.*bstest.cutphase=\([^ ]*\).*/\1/p' /proc/cmdline)

scenario() {
	in_initrd
	keep_config 1
	if [ -n "$CUT" ]; then
		echo "--- rollback with BLANKSLATE_FAULT_POWER_CUT=$CUT"
		BLANKSLATE_FAULT_POWER_CUT=$CUT blankslate-faultinject rollback
		fail "blankslate rollback returned (exit $?) instead of cutting the power after $CUT"
		return
	fi
	[ "$BOOT" = 1 ] || zfs list -r -t all -o name,origin,readonly,canmount rpool/nixos | sed 's/^/    | /'
	run blankslate rollback
	expect_rc 0
	case "$BOOT" in
	1) write_junk 1 ;;
	2)
		expect_out "[recovered]"
		write_junk_on_recovery
		;;
	*) repaired ;;
	esac
}

write_junk_on_recovery() {
	mount_ds $ROOT_DS $M/root
	echo "junk of boot 2" >$M/root/junk-boot2
	sync
	umount $M/root
}

repaired() {
	expect_root_blank
	expect_sealed
	[ -z "$(zfs list -H -o name rpool/nixos/blankslate-blank 2>/dev/null)" ] || fail "the blank root is still set aside"
	for s in $(zfs list -H -t snapshot -o name -r $KEEP_C | grep '@blankslate-boot-'); do
		[ "$(zfs get -H -o value clones "$s")" != "" ] || fail "$s is a boot snapshot nothing is cloned from"
	done
	want=1
	[ "$PHASE" = return ] && want=2
	found=$(kept_roots | while read -r k; do
		mount_ds "$k" $M/kept ro
		[ -f $M/kept/junk-boot$want ] && echo "$k"
		umount $M/kept
	done)
	[ -n "$found" ] || fail "boot $want's junk is in no kept root"
	echo "boot $want's junk is kept in $found"
	if [ "$PHASE" = hold ]; then
		[ "$(zfs get -H -o value blankslate:hold "$found")" != "-" ] || fail "$found is not held"
	fi
	run blankslate rollback
	expect_rc 0
	expect_out "nothing was written since the snapshot"
}
