# blankslate check writes nothing: around every check, from a rescue system and
# on the running system, no txg of rpool has dirty data or writes a byte, and
# the datasets' space, the snapshots and the trees' contents are unchanged.
checks() {
	blankslate check >/dev/null
	blankslate check --json >/dev/null
	blankslate --check --root /sysroot >/dev/null
}

scenario() {
	step "from a rescue system: pool imported, nothing mounted"
	sums=$(persistent_sum)
	quiet_window checks
	[ "$(persistent_sum)" = "$sums" ] || fail "persistent trees changed"
	step "control: a property change in the same window is seen"
	expect_writes_seen zfs set user:blankslate:probe=1 rpool/nixos/home
	in_initrd
	run blankslate rollback
	expect_rc 0
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	step "in the initrd after persist"
	sums=$(tree_sum /sysroot /sysroot/persist /sysroot/nix)
	quiet_window checks
	[ "$(tree_sum /sysroot /sysroot/persist /sysroot/nix)" = "$sums" ] || fail "trees changed"
	install_in_root
	switch_to_root
}

running_checks() {
	blankslate check >/dev/null
	blankslate check --json >/dev/null
}

stage2() {
	use_installed
	step "on the running system, every entry attached: the first checks since boot"
	sums=$(tree_sum / /persist /nix /home)
	quiet_window running_checks
	[ "$(tree_sum / /persist /nix /home)" = "$sums" ] || fail "trees changed"
	run blankslate check
	expect_rc 0
	step "control: one small file written on the running root is seen"
	expect_writes_seen write_one
}

write_one() {
	echo x >/control
	sync
}
