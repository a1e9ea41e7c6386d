# Refusals with nothing changed: outside an initrd (unless --force), a mounted
# dataset, a dataset with children, a pool that is not imported.
scenario() {
	dirty_root
	run blankslate rollback
	expect_rc 1
	expect_out "not running in an initrd"
	expect_root_dirty

	in_initrd
	mount_ds $ROOT_DS $M/root ro
	run blankslate rollback
	expect_rc 1
	expect_out "$ROOT_DS is mounted at $M/root"
	umount $M/root
	expect_root_dirty

	zfs create $ROOT_DS/child || fail "create child"
	run blankslate rollback
	expect_rc 1
	expect_out "has child datasets ($ROOT_DS/child)"
	zfs destroy $ROOT_DS/child
	expect_root_dirty

	zpool export rpool || fail "export"
	run blankslate rollback
	expect_rc 1
	expect_out "pool rpool is not imported"
	import_pool
	expect_root_dirty

	rm /etc/initrd-release
	run blankslate rollback --force
	expect_rc 0
	expect_root_blank
}
