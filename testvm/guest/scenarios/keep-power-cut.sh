# A power cut at each step of keeping a root (rename, clone, promote, prune),
# three boots of one disk, with the default audit settings: the root kept is the
# one set aside for the listing after boot. The boot renames and clones; the
# promotion and the prune are cut in `blankslate audit`, which does them after
# switch-root. Boot 1 keeps a root with junk-boot0,
# lists it as the running system would (`blankslate audit`), and writes
# junk-boot1. Boot 2 runs the fault-injection build of the rollback with
# BLANKSLATE_FAULT_POWER_CUT=STEP (the host passes bstest.cut=STEP; the
# release binary has no such hook): keeping junk-boot1 and pruning the
# junk-boot0 root (keep.roots 1), it powers the machine off right after STEP,
# without a sync. Boot 3 runs `blankslate rollback` as usual: exit 0, the root
# blank and owning @start with its properties, junk-boot1 in the one kept root,
# nothing left that blocks a second rollback, persistent datasets unchanged.
. /scenarios/keep-roots-retention.sh

CUT=$(sed -n 's/.*bstest.cut=\([^ ]*\).*/\1/p' /proc/cmdline)

# persistent_sum: as lib.sh's, without the audit records, which the listing
# cut in this scenario (promote, prune) saves beneath the persistent root
# before it prunes.
persistent_sum() {
	for ds in nix home persist; do
		mount_ds rpool/nixos/$ds $M/$ds ro
		(cd $M/$ds && find . -type f ! -path './var/log/blankslate/*' | sort | xargs -r sha256sum)
		umount $M/$ds
	done | sha256sum | cut -d' ' -f1
}

scenario() {
	in_initrd
	keep_config 1
	if [ -n "$CUT" ]; then
		cut_boot
		return
	fi
	after_cut
}

# cut_boot: the rollback that powers off after $CUT. Only the console line
# shows it got there; the harness stops on it. The persistent datasets' sum is
# kept in a user property of the root, which a keep carries along.
cut_boot() {
	sum=$(persistent_sum)
	zfs set user:bstest-sum="$sum" $ROOT_DS || fail "saving the sum"
	case $CUT in
	promote | prune)
		# The boot only renames and clones; the running system's
		# `blankslate audit` promotes, seals, lists and prunes.
		# The persistent root is mounted beneath a root of its own, the root
		# read-only elsewhere (zfs diff needs it mounted): mounting the root
		# read-write with the others beneath it would write on it.
		run blankslate rollback
		expect_rc 0
		mkdir -p /run/sr/persist /run/root
		mount_ds rpool/nixos/persist /run/sr/persist
		mount_ds $ROOT_DS /run/root ro
		echo "--- audit with BLANKSLATE_FAULT_POWER_CUT=$CUT"
		BLANKSLATE_FAULT_POWER_CUT=$CUT blankslate-faultinject audit --root /run/sr
		fail "blankslate audit returned (exit $?) instead of cutting the power after $CUT"
		;;
	*)
		echo "--- rollback with BLANKSLATE_FAULT_POWER_CUT=$CUT"
		BLANKSLATE_FAULT_POWER_CUT=$CUT blankslate-faultinject rollback
		fail "blankslate rollback returned (exit $?) instead of cutting the power after $CUT"
		;;
	esac
}

after_cut() {
	if [ "$BOOT" = 1 ]; then
		sum=$(persistent_sum)
		write_junk 0
	else
		zfs list -r -t all -o name,origin,readonly,canmount rpool/nixos | sed 's/^/    | /'
		run blankslate check
	fi
	run blankslate rollback
	expect_rc 0
	[ "$BOOT" = 1 ] || sum=$(zfs get -H -o value user:bstest-sum $ROOT_DS)
	expect_root_blank
	expect_owner
	[ "$(zfs get -H -o value,source mountpoint $ROOT_DS | tr '\t' ' ')" = "legacy local" ] ||
		fail "$ROOT_DS lost its mountpoint: $(zfs get -H -o value,source mountpoint $ROOT_DS)"
	n=$(kept_roots | grep -c .)
	[ "$n" = 1 ] || fail "$n kept roots, want 1 (keep.roots 1)"
	expect_kept_junk "$(kept_roots | tail -1)" $((BOOT / 2))
	[ "$sum" = "$(persistent_sum)" ] || fail "the persistent datasets changed"
	check_run
	expect_clean
	run blankslate rollback
	expect_rc 0
	expect_out "nothing was written since the snapshot"
	[ "$BOOT" = 1 ] && list_after_boot
	[ "$BOOT" = 1 ] && write_junk 1
}
