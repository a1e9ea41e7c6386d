# Previous roots over four boots of one disk with "keep": {"roots": 2}. Each
# boot runs `blankslate rollback` (which keeps the root the boot before left, set
# aside for the listing after boot, which never runs here: at boot 4 the oldest
# is pruned unlisted),
# checks the kept roots, then writes junk of its own on the root. After each
# rollback: the root is blank and owns @start, the kept roots hold the previous
# boots' junk (mounted read-only), at most two are kept and the oldest is
# pruned, the persistent datasets are unchanged, `blankslate check` is clean
# and lists them.
KEEP_C=rpool/nixos/blankslate-prev

keep_config() { # roots [listAfterBoot]
	mkdir -p /etc/blankslate
	cat >/etc/blankslate/config.json <<-END
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","keep":{"roots":$1},"audit":{"listAfterBoot":${2:-true}},"entries":[
	 {"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
	 {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
	 {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}]}
	END
}

# kept_roots: the kept roots, oldest first (by createtxg, as blankslate orders them).
kept_roots() { zfs list -H -o name -s createtxg -d 1 -r $KEEP_C 2>/dev/null | grep -vx $KEEP_C; }

# write_junk N: junk that only boot N writes, on the root.
write_junk() {
	mount_ds $ROOT_DS $M/root
	echo "junk of boot $1" >$M/root/junk-boot$1
	mkdir -p $M/root/var/tmp
	dd if=/dev/urandom of=$M/root/var/tmp/big$1 bs=64k count=8 2>/dev/null || fail "junk file"
	sync
	umount $M/root
}

# expect_kept_junk ROOT N: the kept root ROOT, mounted read-only, holds boot N's junk and no other's.
expect_kept_junk() {
	mount_ds "$1" $M/kept ro
	[ "$(cat $M/kept/junk-boot$2 2>/dev/null)" = "junk of boot $2" ] || fail "$1 lacks boot $2's junk: $(ls $M/kept)"
	[ "$(ls $M/kept | grep -c '^junk-boot')" = 1 ] || fail "$1 holds other boots' junk: $(ls $M/kept)"
	touch $M/kept/x 2>/dev/null && fail "$1 is writable"
	umount $M/kept
}

# expect_owner: D owns @start and is no clone, or, when this boot set its root
# aside and left the promotion for after switch-root, D is a clone of the
# newest kept root's @start, which owns it; every other kept root is a sealed
# clone of that @start.
expect_owner() {
	owner=$ROOT_DS
	o=$(zfs get -H -o value origin $ROOT_DS)
	if [ "$o" != - ]; then
		owner=$(kept_roots | tail -1)
		[ "$o" = "$owner@start" ] || fail "$ROOT_DS is a clone of $o, not of the newest kept root's @start"
	fi
	zfs list -H -t snapshot $owner@start >/dev/null || fail "$owner does not own @start"
	for k in $(kept_roots); do
		[ "$k" = "$owner" ] && continue
		[ "$(zfs get -H -o value origin,readonly,canmount "$k" | tr '\n' ' ')" = "$owner@start on noauto " ] ||
			fail "$k: origin, readonly, canmount are $(zfs get -H -o value origin,readonly,canmount "$k" | tr '\n' ' ')"
	done
}

# list_after_boot: what blankslate-audit.service does after switch-root, here
# with the root and the persistent root mounted beneath /sysroot: the newest
# kept root (set aside by the rollback) is listed and marked listed, so that a
# later keep prunes it as keep.roots says (keep-power-cut, power-cut).
list_after_boot() {
	mount_sysroot
	run blankslate audit --root /sysroot
	expect_rc 0
	expect_out "audit: [listed] $KEEP_C/"
	[ "$(zfs get -H -o value blankslate:audit "$(kept_roots | tail -1)")" = listed ] || fail "the kept root is not marked listed"
	for d in nix persist home; do umount /sysroot/$d || fail "unmounting /sysroot/$d"; done
	umount /sysroot || fail "unmounting /sysroot"
}

scenario() {
	in_initrd
	keep_config 2
	sum=$(persistent_sum)
	run blankslate rollback
	expect_rc 0
	[ "$BOOT" = 1 ] || expect_out "keep: [finished] kept $KEEP_C/"
	expect_root_blank
	expect_owner
	kept=$(kept_roots)
	n=$(echo "$kept" | grep -c .)
	want=$((BOOT - 1)); [ $want -gt 2 ] && want=2
	[ "$n" = "$want" ] || fail "$n kept roots after boot $BOOT, want $want: $kept"
	echo "--- kept roots after the rollback of boot $BOOT:"
	zfs list -o name,used,refer,origin,readonly,canmount -s createtxg -r $KEEP_C 2>&1 | sed 's/^/    | /'
	i=$((BOOT - n))
	for k in $kept; do
		expect_kept_junk "$k" $i
		i=$((i + 1))
	done
	[ "$BOOT" = 4 ] && expect_out "keep: [pruned]"
	[ "$(persistent_sum)" = "$sum" ] || fail "the persistent datasets changed"
	run blankslate check
	[ "$BOOT" = 1 ] || expect_out "mount -t zfs -o ro"
	check_run
	expect_clean
	[ "$BOOT" = 1 ] && expect_finding info keep.roots "none kept yet"
	[ "$BOOT" = 1 ] || expect_finding info keep.roots "$n kept root(s)"
	[ "$BOOT" = 4 ] && clone_of_start_does_not_block
	write_junk "$BOOT"
}

# With keep off, a real rollback (lzc_rollback_to) of a dirty root whose @start
# has the kept roots as clones: a clone of @start itself does not block it,
# and keep off neither keeps nor prunes. (The listing runs at boot here: with
# the default the root would be set aside, and no rollback ioctl would run.)
clone_of_start_does_not_block() {
	step "keep off: a rollback to @start while @start has clones"
	keep_config 0 false
	write_junk 9
	before=$(kept_roots)
	zfs get -H -o value clones $SNAP | sed 's/^/    | clones of @start: /'
	run blankslate rollback
	expect_rc 0
	expect_out "rollback: [finished] rolled back to $SNAP"
	expect_root_blank
	[ "$(kept_roots)" = "$before" ] || fail "keep off changed the kept roots: $(kept_roots)"
	keep_config 2
}
