# Two boots of the same disk. Each: rollback, persist, switch_root into the ZFS
# root. Boot 1 writes under the persisted paths and junk elsewhere; boot 2 checks
# from inside the switched root that the junk is gone and the rest is there, with
# owners and modes, the same machine-id and host key, every entry attached.
scenario() {
	in_initrd
	run blankslate rollback
	expect_rc 0
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	expect_out "5 entries attached"
	if [ "$BOOT" = 2 ]; then
		run blankslate persist --root /sysroot
		expect_rc 0
		expect_out "already"
	fi
	switch_to_root
}

persisted_files="/etc/nixos/configuration.nix /var/lib/app /var/lib/app/state /var/log/app.log /etc/ssh/ssh_host_ed25519_key"

stage2() {
	expect_bind /etc/nixos
	expect_bind /var/lib
	expect_bind /var/log
	expect_link /etc/ssh /persist/etc/ssh
	expect_link /etc/machine-id /persist/etc/machine-id
	[ -d /etc/ssh ] || fail "/etc/ssh does not lead to a directory"
	if [ "$BOOT" = 1 ]; then boot1; else boot2; fi
}

boot1() {
	[ "$(cat /etc/machine-id)" = uninitialized ] || fail "first boot: machine-id is '$(cat /etc/machine-id)', want 'uninitialized' (first boot)"
	# What systemd does on the first boot: generate an ID and commit it.
	tr -d '-' </proc/sys/kernel/random/uuid >/etc/machine-id || fail "commit machine-id"
	cp /etc/machine-id $STATE/machine-id
	echo '{ ... }: { }' >/etc/nixos/configuration.nix
	chown 1000:100 /etc/nixos/configuration.nix
	chmod 0640 /etc/nixos/configuration.nix
	mkdir -p /var/lib/app
	echo state >/var/lib/app/state
	chown 1000:1000 /var/lib/app
	chmod 0700 /var/lib/app
	echo "boot 1 was here" >/var/log/app.log
	head -c 64 /dev/urandom >/etc/ssh/ssh_host_ed25519_key
	chmod 0600 /etc/ssh/ssh_host_ed25519_key
	sha256sum </etc/ssh/ssh_host_ed25519_key >$STATE/hostkey
	for f in $persisted_files; do echo "$f $(owner_mode $f)"; done >$STATE/owners
	echo junk >/junk
	mkdir -p /etc/junkdir /root
	echo junk >/etc/junkdir/file
	echo junk >/root/.bash_history
}

boot2() {
	for j in /junk /etc/junkdir /root/.bash_history; do
		[ -e $j ] && fail "junk $j survived the reboot"
	done
	for f in $persisted_files; do echo "$f $(owner_mode $f)"; done >/tmp.owners
	diff $STATE/owners /tmp.owners || fail "persisted owners or modes differ"
	[ "$(cat /var/lib/app/state)" = state ] || fail "/var/lib/app/state lost"
	[ "$(cat /var/log/app.log)" = "boot 1 was here" ] || fail "/var/log/app.log lost"
	[ "$(cat /etc/machine-id)" = "$(cat $STATE/machine-id)" ] || fail "machine-id changed: $(cat /etc/machine-id)"
	[ "$(sha256sum </etc/ssh/ssh_host_ed25519_key)" = "$(cat $STATE/hostkey)" ] || fail "ssh host key changed"
	echo "machine-id $(cat /etc/machine-id) and host key kept across the reboot"
}
