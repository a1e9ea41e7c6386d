# Modes under a default POSIX ACL across an unclean power-off (the pool has
# acltype=posixacl, xattr=sa), two boots of one disk. Boot 1 gives
# /persist/acl and /persist/srv the default ACL u::rwx,g::r-x,o::--- and
# syncs it in a transaction group. Then, with the pool frozen (no further
# transaction group reaches the disk; the intent log still works), it
# creates under /persist/acl a file and a directory with the shell (requested
# 0666 and 0777; the ACL makes them 0640 and 0750) and a control file outside
# it (umask 022: 0644), and runs persist, which creates the copies of a
# directory and a file entry beneath /persist/srv and commits the intent log (its syncfs, the
# only sync after the shell's writes: an application's fsync would do the
# same for the shell's files); it powers off without a sync, so what the next boot finds of all this comes
# from the replay of the intent log alone. Boot 2 prints every mode after
# the replay, and requires that the replay happened (the shell's files are
# there, a file written after the last commit is not) and that blankslate's
# copies are there with exactly their declared owners and modes.
# u::rwx g::r-x o::---: version 2, then per entry tag, permissions, id (none).
ACL_DEFAULT=0x0200000001000700ffffffff04000500ffffffff20000000ffffffff

acl_config() {
	mkdir -p /etc/blankslate
	cat >/etc/blankslate/config.json <<-END
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[
	 {"path":"/srv/aclsvc","how":"bind","type":"directory","user":"1000","group":"100","mode":"0700"},
	 {"path":"/srv/aclfile","how":"symlink","type":"file","user":"1000","group":"100","mode":"0600"}]}
	END
}

modes() { for f in "$@"; do echo "MODE $f $(stat -c '%u:%g %a' "$f" 2>&1)"; done; }

scenario() {
	in_initrd
	acl_config
	if [ "$BOOT" = 1 ]; then
		mount_ds rpool/nixos/persist $M/persist
		mkdir -p $M/persist/acl $M/persist/srv
		for d in acl srv; do
			setfattr -n system.posix_acl_default -v $ACL_DEFAULT $M/persist/$d || fail "default ACL on $d"
		done
		getfattr -d -m - -e hex $M/persist/acl
		umount $M/persist
		run blankslate rollback
		expect_rc 0
		mount_sysroot
		# From here on nothing may reach the disk in a transaction group, so that
		# what the next boot finds comes from the intent log alone: the pool is
		# frozen, as OpenZFS's own replay tests do (zpool freeze, a hidden
		# command); the intent log still works.
		echo primer >/sysroot/persist/.primer && echo primer >/sysroot/.primer && sync
		rm /sysroot/persist/.primer /sysroot/.primer
		zpool sync rpool
		zpool freeze rpool || { fail "zpool freeze rpool"; return; }
		umask 022
		echo x >/sysroot/persist/acl/file
		mkdir /sysroot/persist/acl/dir
		echo y >/sysroot/persist/plain
		run blankslate persist --root /sysroot
		expect_rc 0
		modes /sysroot/persist/acl/file /sysroot/persist/acl/dir /sysroot/persist/plain \
			/sysroot/persist/srv/aclsvc /sysroot/persist/srv/aclfile
		# The control: written after the last intent-log commit, so lost.
		echo z >/sysroot/persist/uncommitted
		[ "$FAILED" = 0 ] || return
		echo "ACL-CUT: powering off without a sync, the pool frozen"
		poweroff -f -n
		sleep 60
	fi
	mount_ds rpool/nixos/persist $M/persist ro
	echo "after the intent log's replay:"
	modes $M/persist/acl/file $M/persist/acl/dir $M/persist/plain $M/persist/srv/aclsvc $M/persist/srv/aclfile
	[ ! -e $M/persist/uncommitted ] || fail "a file never committed survived: the pool was not frozen, nothing shows the replay"
	[ -e $M/persist/acl/file ] || fail "the intent log was not replayed: acl/file is missing"
	# The shell's files are printed, not judged: docs/RELIABILITY.md says what
	# OpenZFS's replay makes of their modes.
	[ "$(stat -c '%u:%g %a' $M/persist/srv/aclsvc)" = "1000:100 700" ] || fail "blankslate's directory lost its owner or mode"
	[ "$(stat -c '%u:%g %a' $M/persist/srv/aclfile 2>&1)" = "1000:100 600" ] || fail "blankslate's file lost its owner or mode: $(stat -c '%u:%g %a' $M/persist/srv/aclfile 2>&1)"
	umount $M/persist
}
