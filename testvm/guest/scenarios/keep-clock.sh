# Kept roots are ordered by the order they were kept, not by the clock:
# four boots of one disk (keep.roots 2, listed at boot), the guest clock set
# before each rollback from bstest.clock= (date -s), stepped forward, back,
# then forward again but not past the first step:
#
#   boot 1  2031-06-01 00:00  resets, writes junk 1
#   boot 2  2031-06-01 12:00  keeps junk 1 as 20310601T12…, writes junk 2
#   boot 3  2027-01-01 00:00  keeps junk 2 as 20270101T…, writes junk 3
#   boot 4  2029-01-01 00:00  keeps junk 3 as 20290101T…, prunes the oldest
#
# After boot 4 the kept roots are junk 2's and junk 3's (junk 1's, kept
# first, is pruned though its name holds the latest time), `blankslate roots`
# lists junk 3's first, and `blankslate restore` (--from previous) copies
# from junk 3's.
. /scenarios/keep-roots-retention.sh

CLOCK=$(sed -n 's/.*bstest.clock=\([^ ]*\).*/\1/p' /proc/cmdline)

scenario() {
	in_initrd
	keep_config 2 false
	date -s "$(echo "$CLOCK" | tr T ' ')" >/dev/null || fail "date -s $CLOCK"
	echo "guest clock: $(date -u)"
	run blankslate rollback
	expect_rc 0
	expect_root_blank
	zfs list -H -o name,blankslate:seq -d 1 -r $KEEP_C 2>/dev/null | sed 's/^/    | /'
	[ "$BOOT" = 4 ] && ordered_by_keep
	write_junk "$BOOT"
}

# holding N: the kept root holding boot N's junk.
holding() {
	for k in $(kept_roots); do
		mount_ds "$k" $M/kept ro
		[ -f $M/kept/junk-boot$1 ] && echo "$k"
		umount $M/kept
	done
}

ordered_by_keep() {
	expect_out "keep: [pruned]"
	two=$(holding 2)
	three=$(holding 3)
	[ -n "$two" ] && [ -n "$three" ] || fail "junk 2 is in '$two', junk 3 in '$three': want both kept"
	[ -z "$(holding 1)" ] || fail "junk 1, kept first, is still kept: $(holding 1)"
	[ "$(kept_roots | grep -c .)" = 2 ] || fail "kept roots: $(kept_roots)"
	run blankslate roots
	expect_rc 0
	first=$(echo "$OUT" | awk '/^  NAME/ { getline; print $1; exit }')
	[ "$KEEP_C/$first" = "$three" ] || fail "blankslate roots lists $first first, want ${three##*/} (junk 3, kept last)"
	mount_ds rpool/nixos/persist /persist
	run blankslate restore /junk-boot3 --to /persist
	expect_rc 0
	[ "$(cat /persist/junk-boot3 2>/dev/null)" = "junk of boot 3" ] || fail "restore --from previous did not copy junk 3"
	rm -f /persist/junk-boot3
	umount /persist
}
