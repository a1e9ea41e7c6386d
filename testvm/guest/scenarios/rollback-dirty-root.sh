# A dirty root (files, directories, an xattr, a 50 MB file, a deleted file) is blank
# after `blankslate rollback`; nix, home and persist are byte-identical.
scenario() {
	in_initrd
	dirty_root
	before=$(persistent_sum)
	snaps=$(snapshots)
	step "written since @start: $(written) bytes"
	run blankslate rollback
	expect_rc 0
	expect_out "rolled back to $SNAP"
	expect_out "discarding 50."
	expect_root_blank
	[ "$(written)" = 0 ] || fail "written@start is $(written) after rollback"
	[ "$(persistent_sum)" = "$before" ] || fail "nix/home/persist changed"
	# @start lives on the root set aside until blankslate audit promotes the root.
	[ "$(snapshots | tr ' ' '\n' | sed "s#^$(start_snap)\$#$SNAP#" | grep . | sort | tr '\n' ' ')" = "$snaps" ] ||
		fail "snapshots changed: $(snapshots)"
}
