# blankslate adopt on a running system, then reboots, three boots of one
# disk, each switching into the ZFS root (stage 2). Boot 1 makes /srv/data
# on the root and adopts it: copied into /persist, bind-mounted now, and
# check warns that the next boot will not attach it. Boot 2 does not
# declare it: /srv/data is gone from the root, the copy is in /persist and
# check still warns. Boot 3 declares it: it is attached and check is quiet
# about it.
DECLARE=$(sed -n 's/.*bstest.declare=\([^ ]*\).*/\1/p' /proc/cmdline)

adopt_config() { # file
	mkdir -p "$(dirname "$1")"
	extra=
	[ "$DECLARE" = 1 ] && extra=',{"path":"/srv/data","how":"bind","type":"directory","user":"1000","group":"100","mode":"0750"}'
	cat >"$1" <<-END
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":[
	 {"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
	 {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
	 {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}$extra]}
	END
}

scenario() {
	in_initrd
	adopt_config /etc/blankslate/config.json
	run blankslate rollback
	expect_rc 0
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	adopt_config /sysroot/etc/blankslate/config.json
	install_in_root
	switch_to_root
}

stage2() {
	use_installed
	# adopt takes the run lock in /run, a tmpfs on a real system; the test's
	# stage 2 has none.
	mkdir -p /run && mount -t tmpfs run /run || fail "mount /run"
	case "$BOOT" in
	1) adopt_now ;;
	*) after_reboot ;;
	esac
}

adopt_now() {
	mkdir -p /srv/data/sub
	echo "precious" >/srv/data/file
	echo "deep" >/srv/data/sub/file
	chown -R 1000:100 /srv/data
	chmod 0750 /srv/data
	t0=$(now_ms)
	run blankslate adopt /srv/data
	echo "TIMING adopt of /srv/data $(($(now_ms) - t0)) ms (guest clock)"
	expect_rc 0
	expect_out 'blankslate.directories = [ { directory = "/srv/data"; how = "bind"; user = "1000"; group = "100"; mode = "0750"; } ];'
	expect_bind /srv/data
	[ "$(cat /persist/srv/data/sub/file)" = deep ] || fail "the copy lacks sub/file"
	check_run
	expect_finding warning persist.adopted "the next boot will not attach it"
	step "refusals"
	run blankslate adopt /srv/data
	expect_rc 1
	expect_out "is a mount point"
	run blankslate adopt /nix/store
	expect_rc 1
	expect_out "beneath /nix"
	run blankslate adopt /var/lib/foo
	expect_rc 1
	expect_out "declared already"
	mkdir -p /srv/other && echo new >/srv/other/f
	mkdir -p /persist/srv/other && echo old >/persist/srv/other/f
	run blankslate adopt /srv/other
	expect_rc 1
	expect_out "differs from /srv/other"
	expect_out "nothing was changed"
	[ "$(cat /persist/srv/other/f)" = old ] || fail "the differing copy was changed"
	rm -r /persist/srv/other
	mkdir -p /home/alice/docs && echo letter >/home/alice/docs/f
	run blankslate adopt /home/alice/docs
	expect_rc 1
	expect_out "is on rpool/nixos/home (zfs), mounted at /home, not on the root dataset rpool/nixos/empty"
	[ -f /home/alice/docs/f ] && [ ! -e /persist/home/alice ] || fail "a path on /home was moved"
	mkdir -p /srv/fused/mnt && mount -t tmpfs alice-fuse /srv/fused/mnt || fail "mount inside /srv/fused"
	run blankslate adopt /srv/fused
	expect_rc 1
	expect_out "has alice-fuse (tmpfs) mounted inside it at /srv/fused/mnt"
	umount /srv/fused/mnt
	[ ! -e /persist/srv/fused ] || fail "a copy of /srv/fused appeared"
}

after_reboot() {
	[ "$(cat /persist/srv/data/file 2>/dev/null)" = precious ] || fail "the persistent copy is gone"
	check_run
	if [ "$DECLARE" = 1 ]; then
		expect_bind /srv/data
		[ "$(cat /srv/data/file 2>/dev/null)" = precious ] || fail "/srv/data did not survive the reboot"
		echo "$OUT" | grep -q '"check":"persist.adopted"' && fail "check still warns of a declared path"
		echo "declared: /srv/data survived the reboot"
	else
		[ ! -e /srv/data ] || fail "/srv/data is on the root although it is not declared"
		expect_finding warning persist.adopted "the next boot will not attach it"
	fi
}
