# blankslate.root=<a name that does not exist> under both failure policies,
# in one boot (the kernel command line carries blankslate.root=nosuch).
# emergency: the rollback fails with the reason and the root is left as it
# was. continue: the boot goes on with a blank root, and a crit entry (an
# ERROR line without a journal) says the recovery was NOT done.
. /scenarios/keep-roots-retention.sh

policy_config() {
	keep_config 1
	sed -i "s/\"snapshot\":\"start\",/\"snapshot\":\"start\",\"onFailure\":\"$1\",/" /etc/blankslate/config.json
}

scenario() {
	in_initrd
	dirty_root
	step "onFailure=emergency"
	policy_config emergency
	run blankslate rollback
	expect_rc 1
	expect_out "nosuch"
	expect_root_dirty
	step "onFailure=continue"
	policy_config continue
	run blankslate rollback
	expect_rc 0
	echo "$OUT" | grep -F 'blankslate.root=nosuch was NOT booted' | grep -q 'ERROR: ' ||
		fail "no crit entry saying blankslate.root=nosuch was NOT booted"
	expect_root_blank
	expect_owner
}
