# Stage 2 of the recovery boots through the dracut systemd initrd, after a
# preparation boot left junk in the root (prep-dirty). With
# blankslate.rollback=skip or blankslate.root=previous on the kernel command
# line the junk is still there and the root is writable; without either,
# the root is blank again.
stage2() {
	if grep -q 'blankslate.rollback=skip\|blankslate.root=previous' /proc/cmdline; then
		[ -f /etc/junk ] || fail "the junk is gone: the root was reset"
		echo written >/etc/written-on-recovery || fail "the root is not writable"
		awk '$5 == "/" { for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 2) }' /proc/self/mountinfo | grep -qx rpool/nixos/empty ||
			fail "/ is not rpool/nixos/empty"
		echo "reached the root with the junk in it, writable"
	else
		[ ! -e /etc/junk ] && [ ! -e /etc/written-on-recovery ] || fail "the root is not blank after the recovery boot"
		echo "reached a blank root"
	fi
}
