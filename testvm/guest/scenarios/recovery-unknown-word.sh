# A blankslate.* word blankslate does not know keeps the last boot's root,
# held, whatever keep.roots says (the defaults here: keep.roots 0, the
# listing after boot on). Two boots of one disk:
#
# Boot 1 (blankslate.roots=previous on the kernel command line): the root
# is dirty; the rollback exits 0, a crit entry names the word and the words
# known, the root is blank, and a kept root holds the junk, held
# (blankslate:hold), not waiting for a listing.
# Boot 2 (no such word): a dirty root is set aside, listed after boot by
# `blankslate audit` and destroyed as keep.roots 0 says; the held root stays.
# After each boot, `blankslate roots` names the held root, why, and how to
# release it.
. /scenarios/keep-roots-retention.sh

scenario() {
	in_initrd
	keep_config 0
	dirty_root
	run blankslate rollback
	expect_rc 0
	expect_root_blank
	case $BOOT in
	1)
		echo "$OUT" | grep -F 'blankslate does not know blankslate.roots=previous' | grep -F 'blankslate.rollback=skip' |
			grep -q 'ERROR: ' || fail "no crit entry naming the word and the words known"
		expect_out "KEPT, held"
		;;
	2)
		expect_out "set aside as $KEEP_C/"
		mount_sysroot
		run blankslate audit --root /sysroot
		expect_rc 0
		expect_out "audit: [listed] $KEEP_C/"
		for d in nix persist home; do umount /sysroot/$d; done
		umount /sysroot
		;;
	esac
	zfs list -H -o name,blankslate:hold,blankslate:audit -d 1 -r $KEEP_C | sed 's/^/    | /'
	held=$(zfs list -H -o name,blankslate:hold -d 1 -r $KEEP_C | awk -F'\t' '$2 != "-" { print $1 }')
	[ "$(echo "$held" | grep -c .)" = 1 ] || fail "held roots: '$held', want one"
	[ "$(kept_roots | grep -c .)" = 1 ] || fail "kept roots: $(kept_roots), want the held one alone"
	mount_ds "$held" $M/kept ro
	[ -f $M/kept/etc/junk ] || fail "the held root $held lacks the junk"
	umount $M/kept
	[ "$(zfs get -H -o value blankslate:audit "$held")" = "-" ] || fail "the held root waits for a listing"
	# The listing a person reads says which root is held, why, and how to release it.
	run blankslate roots
	expect_rc 0
	expect_out "HELD: unknown kernel command line word(s) blankslate.roots=previous"
	expect_out "zfs inherit blankslate:hold $held"
}
