# Two runs in a row succeed; the second, with nothing written since, is a no-op.
scenario() {
	in_initrd
	dirty_root
	run blankslate rollback
	expect_rc 0
	run blankslate rollback
	expect_rc 0
	expect_out "nothing was written since the snapshot"
	expect_root_blank
}
