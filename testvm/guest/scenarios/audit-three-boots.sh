# The audit trail over three boots of one disk, as it runs by default. Each boot:
# the rollback sets the dirty root aside (no listing in the initrd), persist saves
# the boot's pending record beneath /persist, the system switches root, and there
# `blankslate audit` (what blankslate-audit.service runs) lists the root set aside,
# replaces the pending record with the listing, and destroys the root (keep.roots 0);
# then junk is written for the next boot. Boot 2's record lists boot 1's junk; boot 3
# lists at most two paths and removes the oldest record. A record that cannot be
# written never blocks the rollback.
AUDIT_DIR=/persist/var/log/blankslate

write_config() { # maxFiles
	mkdir -p /etc/blankslate
	cat >/etc/blankslate/config.json <<-END
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","audit":{"keep":2,"maxFiles":$1,"maxSeconds":20},"entries":[
	 {"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
	 {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
	 {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}]}
	END
}

scenario() {
	in_initrd
	write_config "$([ "$BOOT" = 3 ] && echo 2 || echo 100)"
	[ "$BOOT" = 1 ] && unwritable_record
	run blankslate rollback
	expect_rc 0
	if [ "$BOOT" = 1 ]; then
		expect_out "audit: [finished] "
	else
		expect_out "audit: [set aside] "
		expect_out "rollback: [finished] rolled back to $SNAP"
		# The boot stops the set-aside at the clone; blankslate audit promotes the
		# root and seals (marks pending) the root set aside (docs/performance.md).
		aside=$(kept_roots | tail -1)
		[ -n "$aside" ] || fail "no root was set aside"
		origin=$(zfs get -H -o value origin $ROOT_DS)
		[ "$origin" = "$aside@start" ] || fail "$ROOT_DS is a clone of '$origin', not of the root set aside ($aside@start)"
	fi
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	expect_out "audit: [finished] saved /sysroot$AUDIT_DIR/"
	install_in_root
	mkdir -p /sysroot/etc/blankslate && cp /etc/blankslate/config.json /sysroot/etc/blankslate/
	switch_to_root
}

kept_roots() { zfs list -H -o name -r -d 1 rpool/nixos/blankslate-prev 2>/dev/null | grep /blankslate-prev/; }

stage2() {
	use_installed
	mkdir -p /run && mount -t tmpfs run /run
	run blankslate audit
	show_out
	expect_rc 0
	if [ "$BOOT" = 1 ]; then
		expect_out "audit: [finished] no root is waiting for its listing"
	else
		expect_out "audit: [listed] rpool/nixos/blankslate-prev/"
	fi
	[ -z "$(kept_roots)" ] || fail "roots left after the listing (keep.roots 0): $(kept_roots)"
	records=$(ls $AUDIT_DIR | grep -c '\.json$')
	newest=$AUDIT_DIR/$(ls $AUDIT_DIR | grep '\.json$' | sort | tail -1)
	echo "--- $newest"
	sed 's/^/    | /' "$newest" | head -60
	grep -q '"outcome": "erased"' "$newest" || fail "the record does not say the rollback happened"
	grep -q '"pending": true' "$newest" && fail "the newest record still says its listing is pending"
	"boot$BOOT"
	umount /run
}

# A record that cannot be written (/run/blankslate is a file) is logged, and the
# rollback still runs.
unwritable_record() {
	step "the record cannot be written: the rollback goes on"
	echo x >/run/blankslate
	run blankslate rollback
	expect_rc 0
	expect_out "audit: [failed]"
	expect_out "rollback: [finished]"
	rm /run/blankslate
}

boot1() {
	[ "$records" = 1 ] || fail "$records records after boot 1, want 1"
	grep -q '"bytes": 0' "$newest" || fail "boot 1's root was blank, the record says otherwise"
	mkdir -p /etc/junkdir /var/tmp
	echo junk >/junk
	echo junk >/etc/junkdir/file
	dd if=/dev/urandom of=/var/tmp/big bs=64k count=16 2>/dev/null
}

boot2() {
	[ "$records" = 2 ] || fail "$records records after boot 2, want 2 (one a boot, the pending one replaced)"
	for p in /junk /etc/junkdir/file /var/tmp/big; do
		grep -q "\"path\": \"$p\"" "$newest" || fail "boot 2's record does not list boot 1's $p"
	done
	for n in etc junk var; do
		grep -q "\"name\": \"$n\"" "$newest" || fail "boot 2's record lacks the top-level $n"
	done
	grep -q '"complete": true' "$newest" || fail "boot 2's list is not complete"
	grep -q '"setAside": "rpool/nixos/blankslate-prev/' "$newest" || fail "boot 2's record does not name the root it was listed from"
	bytes=$(sed -n 's/.*"bytes": \([0-9]*\).*/\1/p' "$newest")
	[ "$bytes" -gt 1048576 ] || fail "boot 2's record says $bytes bytes, want more than the 1 MiB file"
	for i in 1 2 3 4 5; do echo junk >/junk$i; done
}

boot3() {
	[ "$records" = 2 ] || fail "$records records after boot 3, want 2 (keep 2)"
	grep -q '"bytes": 0,' "$AUDIT_DIR/$(ls $AUDIT_DIR | sort | head -1)" && fail "the oldest record (boot 1's) was kept"
	[ "$(grep -c '"path":' "$newest")" = 2 ] || fail "boot 3's record lists $(grep -c '"path":' "$newest") paths, want 2 (maxFiles 2)"
	grep -q '"limited": "stopped at maxFiles 2"' "$newest" || fail "boot 3's record does not say why the list stops"
	grep -q '"complete": false' "$newest" || fail "boot 3's list claims to be complete"
}
