# With the persist dataset not mounted, /sysroot/persist is a plain directory of
# the ephemeral root: persist refuses and attaches nothing.
scenario() {
	in_initrd
	run blankslate rollback
	mount_ds $ROOT_DS /sysroot
	mkdir -p /sysroot/persist
	run blankslate persist --root /sysroot
	expect_rc 1
	expect_out "is not a mount point"
	[ -z "$(ls -A /sysroot/persist)" ] || fail "something was created in the unmounted persist directory"
	grep -q ' /sysroot/etc' /proc/self/mountinfo && fail "something was mounted"
	umount /sysroot
}
