# blankslate.root=previous over three boots of one disk (keep.roots 2).
# Boot 1 resets the root and writes its junk. Boot 2 has
# blankslate.root=previous: the root is a writable copy of the root boot 1
# left (kept first), with boot 1's junk in it; boot 2 writes more. The kept
# root itself is unchanged (its tree checksum before and after). Boot 3,
# normal: the root is blank and owns @start, the kept root of boot 1 is
# unchanged, and what boot 2 wrote is itself a kept root.
. /scenarios/keep-roots-retention.sh

scenario() {
	in_initrd
	keep_config 2
	t0=$(now_ms)
	run blankslate rollback
	echo "TIMING boot$BOOT rollback $(($(now_ms) - t0)) ms (guest clock)"
	echo "$OUT" | grep -F '[timing]' | sed 's/^/TIMING-BLANKSLATE /'
	expect_rc 0
	case $BOOT in
	1) write_junk 1 ;;
	2) recovery_boot ;;
	3) after_recovery ;;
	esac
}

recovery_boot() {
	expect_out "[recovered] blankslate.root=previous"
	kept=$(kept_roots | tail -1)
	[ -n "$kept" ] || { fail "no kept root"; return; }
	zfs get -H -o value origin $ROOT_DS | grep -q "^$kept@blankslate-boot-" || fail "$ROOT_DS is not a clone of $kept's boot snapshot"
	mount_ds $ROOT_DS $M/root
	[ "$(cat $M/root/junk-boot1 2>/dev/null)" = "junk of boot 1" ] || fail "boot 1's junk is not on the root"
	echo "written on the recovery boot" >$M/root/recovery-boot2 || fail "the root is not writable"
	sync
	umount $M/root
	mount_ds "$kept" $M/kept ro
	sum=$(tree_sum $M/kept)
	umount $M/kept
	save_state "$kept $sum"
	zfs list -o name,origin,readonly,canmount -r rpool/nixos | sed 's/^/    | /'
}

after_recovery() {
	expect_out "keep: [returned]"
	expect_root_blank
	expect_sealed
	set -- $(load_state)
	mount_ds "$1" $M/kept ro
	[ "$(tree_sum $M/kept)" = "$2" ] || fail "the kept root $1 changed"
	umount $M/kept
	back=$(kept_roots | while read -r k; do
		mount_ds "$k" $M/kept ro
		[ -f $M/kept/recovery-boot2 ] && echo "$k"
		umount $M/kept
	done)
	[ -n "$back" ] || fail "what the recovery boot wrote is in no kept root"
	echo "the recovery boot's root is kept as $back"
	[ -z "$(zfs list -H -o name rpool/nixos/blankslate-blank 2>/dev/null)" ] || fail "the blank root is still set aside"
	run blankslate roots
	expect_out "a boot on a copy of"
}

# save_state / load_state: a line kept on the nix dataset between boots.
save_state() {
	mount_ds rpool/nixos/nix $M/nix
	mkdir -p $M/nix$STATE_REL
	echo "$*" >$M/nix$STATE_REL/recovery
	umount $M/nix
}
load_state() {
	mount_ds rpool/nixos/nix $M/nix ro
	cat $M/nix$STATE_REL/recovery
	umount $M/nix
}

# expect_sealed: D owns @start and is no clone; each kept root is sealed
# (read-only, canmount=noauto), a clone of D@start or, for a recovery
# boot's root, of a kept root's boot snapshot.
expect_sealed() {
	[ "$(zfs get -H -o value origin $ROOT_DS)" = "-" ] || fail "$ROOT_DS is a clone of $(zfs get -H -o value origin $ROOT_DS)"
	zfs list -H -t snapshot $SNAP >/dev/null || fail "$ROOT_DS does not own @start"
	for k in $(kept_roots); do
		o=$(zfs get -H -o value origin "$k")
		case "$o" in "$SNAP" | "$KEEP_C"/*@blankslate-boot-*) ;; *) fail "$k is a clone of $o" ;; esac
		[ "$(zfs get -H -o value readonly,canmount "$k" | tr '\n' ' ')" = "on noauto " ] ||
			fail "$k: readonly, canmount are $(zfs get -H -o value readonly,canmount "$k" | tr '\n' ' ')"
	done
}
