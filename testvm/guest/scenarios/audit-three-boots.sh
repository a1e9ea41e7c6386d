# The audit trail over three boots of one disk. Each boot: rollback (which first
# records what it erases), persist (which saves the record beneath /persist,
# keeping the last two), then junk written on the root. Boot 2's record lists
# boot 1's junk; boot 3 lists at most two paths and removes the oldest record. A
# record that cannot be written never blocks the rollback.
AUDIT_DIR=/sysroot/persist/var/log/blankslate

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
	expect_out "audit: [finished] "
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	expect_out "audit: [finished] saved $AUDIT_DIR/"
	records=$(ls $AUDIT_DIR | grep -c '\.json$')
	newest=$AUDIT_DIR/$(ls $AUDIT_DIR | grep '\.json$' | sort | tail -1)
	echo "--- $newest"
	sed 's/^/    | /' "$newest" | head -60
	grep -q '"outcome": "erased"' "$newest" || fail "the record does not say the rollback happened"
	"boot$BOOT"
	sync
	for d in etc/nixos var/log var/lib nix persist home; do umount /sysroot/$d; done
	umount /sysroot
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
	mkdir -p /sysroot/etc/junkdir /sysroot/var/tmp
	echo junk >/sysroot/junk
	echo junk >/sysroot/etc/junkdir/file
	dd if=/dev/urandom of=/sysroot/var/tmp/big bs=64k count=16 2>/dev/null
}

boot2() {
	[ "$records" = 2 ] || fail "$records records after boot 2, want 2"
	for p in /junk /etc/junkdir/file /var/tmp/big; do
		grep -q "\"path\": \"$p\"" "$newest" || fail "boot 2's record does not list boot 1's $p"
	done
	for n in etc junk var; do
		grep -q "\"name\": \"$n\"" "$newest" || fail "boot 2's record lacks the top-level $n"
	done
	grep -q '"complete": true' "$newest" || fail "boot 2's list is not complete"
	bytes=$(sed -n 's/.*"bytes": \([0-9]*\).*/\1/p' "$newest")
	[ "$bytes" -gt 1048576 ] || fail "boot 2's record says $bytes bytes, want more than the 1 MiB file"
	for i in 1 2 3 4 5; do echo junk >/sysroot/junk$i; done
}

boot3() {
	[ "$records" = 2 ] || fail "$records records after boot 3, want 2 (keep 2)"
	grep -q '"bytes": 0,' "$AUDIT_DIR/$(ls $AUDIT_DIR | sort | head -1)" && fail "the oldest record (boot 1's) was kept"
	[ "$(grep -c '"path":' "$newest")" = 2 ] || fail "boot 3's record lists $(grep -c '"path":' "$newest") paths, want 2 (maxFiles 2)"
	grep -q '"limited": "stopped at maxFiles 2"' "$newest" || fail "boot 3's record does not say why the list stops"
	grep -q '"complete": false' "$newest" || fail "boot 3's list claims to be complete"
}
