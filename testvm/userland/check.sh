#!/bin/sh
# Judges one boot of the Debian userland from inside it (blankslate-userland-test.service),
# prints what the host compares across boots (EVIDENCE lines: host key, machine-id), the
# initrd's part of the journal between JOURNAL-BEGIN and JOURNAL-END (the host checks the
# unit order), the verdict line, and powers off cleanly. Boot 1 then leaves junk on the
# root: files in /etc, /root and /var/tmp, and a package installed with dpkg -i.
FAILED=0
fail() { echo "ASSERT-FAIL: $*"; FAILED=1; }
evidence() { echo "EVIDENCE $*"; }
BOOT=$(sed -n 's/.*bstest\.boot=\([0-9]*\).*/\1/p' /proc/cmdline)
SCENARIO=debian-userland

# Everything this boot started must have settled (bounded: 5 minutes under emulation);
# only this unit's own job may remain.
i=0
while systemctl list-jobs --no-legend 2>/dev/null | grep -v blankslate-userland-test | grep -q .; do
	i=$((i + 1))
	[ $i -gt 300 ] && { fail "jobs still queued after 300 s: $(systemctl list-jobs --no-legend | tr '\n' ';')"; break; }
	sleep 1
done
evidence "boot $BOOT"
[ "$(systemctl is-active multi-user.target)" = active ] || fail "multi-user.target is not active"
failed=$(systemctl --failed --no-legend --plain | grep -v '^$')
[ -z "$failed" ] || fail "failed units: $failed"
[ "$(systemctl is-active ssh.service)" = active ] || fail "ssh.service is not active: $(systemctl status ssh.service --no-pager 2>&1 | tail -5)"
evidence "hostkey $(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub 2>&1)"
evidence "machine-id $(cat /etc/machine-id 2>&1)"
evidence "machine-id-link $(readlink /etc/machine-id)"
evidence "machine-id-commit $(systemctl show -p Result --value systemd-machine-id-commit.service)"
first=$(systemctl show -p ConditionResult --value blankslate-test-firstboot.service)
evidence "first-boot $first"
case "$BOOT:$first" in 1:yes | [23]:no) ;; *) fail "ConditionFirstBoot in boot $BOOT: $first" ;; esac
# One line per boot: index, 32 hex digits of boot ID, first and last entry.
boots=$(journalctl --list-boots --no-pager 2>&1 | grep -cE '^ *-?[0-9]+ [0-9a-f]{32} ')
evidence "journal-boots $boots"
[ "$boots" -ge "$BOOT" ] || fail "journalctl --list-boots lists $boots boots, want $BOOT: $(journalctl --list-boots --no-pager 2>&1)"

# The junk of boot 1 is gone.
if [ "$BOOT" -gt 1 ]; then
	for p in /etc/junk-userland /root/junk-userland /var/tmp/junk-userland /usr/share/blankslate-test-junk/marker; do
		[ ! -e "$p" ] || fail "$p survived the reboot"
	done
	dpkg -s blankslate-test-junk >/dev/null 2>&1 && fail "the package installed in boot 1 is still installed"
fi

# The rollback's audit record is listed after boot, by the unit, without holding up
# multi-user.target.
# What multi-user.target (which wants the unit, and so is ordered after it) waits for is
# the unit's start job; it completes when the unit becomes active. A oneshot becomes
# active only after its process exits (without RemainAfterExit never: inactive again),
# so the target waits for the whole listing; the unit must be active before it exits.
i=0
while [ "$(systemctl show -p ActiveState --value blankslate-audit.service)" != inactive ] && [ $i -lt 300 ]; do
	i=$((i + 1)); sleep 1
done
audit_active=$(systemctl show -p ActiveEnterTimestampMonotonic --value blankslate-audit.service)
audit_exit=$(systemctl show -p ExecMainExitTimestampMonotonic --value blankslate-audit.service)
evidence "audit $(systemctl show -p Result --value blankslate-audit.service) type $(systemctl show -p Type --value blankslate-audit.service) started-at-us $(systemctl show -p ExecMainStartTimestampMonotonic --value blankslate-audit.service) active-at-us $audit_active exited-at-us $audit_exit multi-user-at-us $(systemctl show -p ActiveEnterTimestampMonotonic --value multi-user.target)"
[ "${audit_exit:-0}" -gt 0 ] || fail "blankslate-audit.service did not run"
[ "${audit_active:-0}" -gt 0 ] && [ "$audit_active" -lt "${audit_exit:-0}" ] ||
	fail "blankslate-audit.service became active at ${audit_active:-never} us, not before its listing ended at $audit_exit us: multi-user.target waited for the listing"
if [ "$BOOT" = 2 ]; then
	journalctl -b -u blankslate-audit.service --no-pager -o cat | tail -20
	for name in etc/junk-userland root/junk-userland var/tmp/junk-userland blankslate-test-junk; do
		rec=$(grep -l "$name" /persist/var/log/blankslate/*.json 2>/dev/null | head -1)
		[ -n "$rec" ] || fail "no audit record in /persist/var/log/blankslate names $name"
		evidence "audit-record $name $rec"
	done
fi

blankslate check
rc=$?
evidence "check-exit $rc"
[ $rc = 0 ] || fail "blankslate check exited $rc"

echo JOURNAL-BEGIN
journalctl -b -o short-monotonic --no-pager | grep -e 'systemd\[1\]: ' -e blankslate
echo JOURNAL-END

if [ "$BOOT" = 1 ]; then
	echo junk >/etc/junk-userland
	echo junk >/root/junk-userland
	echo junk >/var/tmp/junk-userland
	dpkg -i /usr/share/blankslate-test/blankslate-test-junk.deb || fail "dpkg -i"
	sync
fi
if [ $FAILED = 0 ]; then
	echo "BLANKSLATE-RESULT $SCENARIO boot$BOOT PASS"
else
	echo "BLANKSLATE-RESULT $SCENARIO boot$BOOT FAIL"
fi
systemctl --no-block poweroff
