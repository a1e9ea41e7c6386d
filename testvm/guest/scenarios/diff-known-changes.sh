# blankslate diff on a known set of changes prints exactly those: on the blank
# root after persist (created files, a file under a declared entry, a name with
# a space), then against a snapshot that has files to modify, remove and rename,
# and last on the running system after switch-root.
scenario() {
	in_initrd
	run blankslate rollback
	expect_rc 0
	step "an unmounted root cannot be diffed"
	run blankslate diff
	expect_rc 1
	expect_out "rpool/nixos/empty is not mounted"
	mount_sysroot
	run blankslate persist --root /sysroot >/dev/null
	expect_rc 0
	step "known changes on the blank root"
	mkdir -p /sysroot/var/tmp /sysroot/opt/app /sysroot/root
	dd if=/dev/urandom of=/sysroot/var/tmp/big bs=64k count=16 2>/dev/null
	echo junk >/sysroot/etc/junk
	echo history >/sysroot/root/.bash_history
	echo app >/sysroot/opt/app/data
	ln -s /nowhere "/sysroot/opt/app/a link"
	umount /sysroot/var/log
	echo early >/sysroot/var/log/early.log
	mount --bind /sysroot/persist/var/log /sysroot/var/log
	sync
	run blankslate diff
	expect_rc 0
	expect_changes <<-'END'
	+ / /opt
	+ / /opt/app
	+ / /root
	+ / /var/tmp
	+ @ /opt/app/a\0040link
	+ F /etc/junk  5 B
	+ F /opt/app/data  4 B
	+ F /root/.bash_history  8 B
	+ F /var/log/early.log  6 B  ! under a declared entry
	+ F /var/tmp/big  1.0 MiB
	END
	expect_out "The next boot erases 10 changes, 1.0 MiB in files: 10 created, 0 modified, 0 removed, 0 renamed"
	expect_out "    + F /var/log/early.log  6 B  ! under a declared entry"
	expect_out '/var/tmp (1.0 MiB):  blankslate.directories = [ "/var/tmp" ];'
	no_diff_snapshot_left

	step "modified, removed and renamed, against a snapshot that has them"
	mkdir -p /sysroot/srv
	echo one >/sysroot/srv/change
	echo two >/sysroot/srv/gone
	echo three >/sysroot/srv/old
	sync
	zfs snapshot $ROOT_DS@base || fail "snapshot @base"
	echo more >>/sysroot/srv/change
	rm /sysroot/srv/gone
	mv /sysroot/srv/old /sysroot/srv/new
	echo four >/sysroot/srv/added
	sync
	sed 's/"snapshot":"start"/"snapshot":"base"/' >/tmp/base.json <<-'END'
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[
	 {"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
	 {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
	 {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}]}
	END
	run blankslate diff --config /tmp/base.json
	expect_rc 0
	expect_changes <<-'END'
	+ F /srv/added  5 B
	- F /srv/gone
	M / /srv
	M F /srv/change  9 B
	R F /srv/old -> /srv/new  6 B
	END
	run blankslate diff --json --config /tmp/base.json
	expect_rc 0
	expect_out '"newPath": "/srv/new"'
	expect_out '"schema": "blankslate.diff/1"'
	no_diff_snapshot_left

	install_in_root
	switch_to_root
}

stage2() {
	use_installed
	step "on the running system: what the next boot erases"
	run blankslate diff
	expect_rc 0
	expect_out "blankslate diff: rpool/nixos/empty since @start (mounted at /)"
	expect_out "  + F /var/tmp/big  1.0 MiB"
	expect_out "  + F /var/log/early.log  6 B  ! under a declared entry"
	expect_out "  + F /srv/new  6 B"
	echo "$OUT" | grep -q "^  [-+MR] .* /etc/ssh$" && fail "the /etc/ssh symlink, recreated at every boot, is listed"
}

# expect_changes: the change lines of the last diff, sorted, are exactly stdin's.
expect_changes() {
	sort >/tmp/want.changes
	echo "$OUT" | grep -E '^  [-+MR] ' | sed 's/^  //' | sort >/tmp/got.changes
	diff /tmp/want.changes /tmp/got.changes || fail "diff printed other changes than the ones made"
}

# zfs_show_diffs compares against a temporary snapshot that must be gone again.
no_diff_snapshot_left() {
	zfs list -H -t snapshot -o name -r $ROOT_DS | grep -q zfs-diff && fail "a zfs-diff snapshot was left behind"
}
