# Without the ZFS module (/dev/zfs missing) the rollback exits 1 with a clear
# message; once the module is loaded the same disk rolls back.
before_modules() {
	in_initrd
	run blankslate rollback
	expect_rc 1
	expect_out "/dev/zfs is missing"
}
scenario() {
	dirty_root
	run blankslate rollback
	expect_rc 0
	expect_root_blank
}
