# One boot of the soak (TestSoakBootsConverge): many consecutive boots of one
# disk through the dracut systemd initrd, switch-rooting into this stage 2.
# Each boot prints what the test compares with its model: the root's own names
# (find -xdev: nothing a previous boot wrote may be left) and every file and
# directory beneath the persisted paths with owner, mode and checksum; then it
# applies the changes the host wrote for this boot at the start of partition 1
# (random junk on the root, random changes beneath the persisted paths).
stage2() {
	expect_bind /etc/nixos
	expect_bind /var/lib
	expect_bind /var/log
	expect_link /etc/ssh /persist/etc/ssh
	expect_link /etc/machine-id /persist/etc/machine-id
	echo SOAK-ROOT-BEGIN
	find / -xdev | sort
	echo SOAK-ROOT-END
	echo SOAK-STATE-BEGIN
	soak_manifest
	echo SOAK-STATE-END
	audit_after_boot
	dd if=/dev/vda1 bs=65536 count=1 2>/dev/null | tr -d '\000' |
		sed -n '/^SOAK-OPS-BEGIN$/,/^SOAK-OPS-END$/p' | sed '1d;$d' >/run/soak.ops
	echo "applying $(grep -c . /run/soak.ops) changes"
	. /run/soak.ops
	sync
	echo SOAK-OPS-APPLIED
}

# audit_after_boot: what blankslate-audit.service runs in the running system:
# the root the rollback set aside (the last boot's junk) is listed, its record
# saved, the root destroyed (keep.roots 0). The first boot's root was blank.
audit_after_boot() {
	run $T/blankslate audit
	expect_rc 0
	if [ "$BOOT" = 1 ]; then
		expect_out "no root is waiting for its listing"
	else
		expect_out "audit: [listed] rpool/nixos/blankslate-prev/"
		newest=/persist/var/log/blankslate/$(ls /persist/var/log/blankslate | grep '\.json$' | sort | tail -1)
		grep -q '"pending": true' "$newest" && fail "$newest still says its listing is pending"
	fi
}

# soak_manifest: "path type uid:gid mode sha256" beneath the persisted paths,
# without the audit records persist saves at every boot.
soak_manifest() {
	for d in /etc/nixos /etc/ssh/ /var/log /var/lib; do
		find "$d" -mindepth 1 -path /var/log/blankslate -prune -o -print
	done | sed 's#//*#/#g' | sort | while read -r f; do
		if [ -d "$f" ]; then
			echo "$f d $(stat -c '%u:%g %a' "$f") -"
		else
			echo "$f f $(stat -c '%u:%g %a' "$f") $(sha256sum <"$f" | cut -d' ' -f1)"
		fi
	done
}

# op CMD…: one change; a failed change fails the boot.
op() { "$@" || fail "soak change failed: $*"; }
