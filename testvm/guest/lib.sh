# Helpers for the guest scenarios (busybox ash). An assertion that fails prints
# ASSERT-FAIL and marks the scenario failed; the scenario still runs to its end so
# that the console shows every failure, not just the first.
FAILED=0
ROOT_DS=rpool/nixos/empty
SNAP=$ROOT_DS@start
M=/mnt

fail() { echo "ASSERT-FAIL: $*"; FAILED=1; }
step() { echo "--- $*"; }

load_modules() {
	while read -r ko; do
		insmod "/modules/$ko" || { fail "insmod $ko"; return 1; }
	done </modules/order
	i=0
	while [ ! -b /dev/vda2 ] || [ ! -c /dev/zfs ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && { fail "no /dev/vda2 or /dev/zfs after 30 s"; return 1; }
		sleep 0.1
	done
}

import_pool() {
	zpool import -N -d /dev rpool || zpool import -N -f -d /dev rpool || { fail "zpool import rpool"; return 1; }
}

# run CMD...: runs blankslate or any command, shows its output indented, keeps the
# exit status in RC and the output in OUT.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
	echo "\$ $*  (exit $RC)"
	echo "$OUT" | sed 's/^/    | /'
}
expect_rc() { [ "$RC" = "$1" ] || fail "exit status $RC, want $1"; }
expect_out() { echo "$OUT" | grep -qF -- "$1" || fail "output lacks '$1'"; }

in_initrd() { mkdir -p /etc && echo 'NAME=blankslate-test-initrd' >/etc/initrd-release; }

mount_ds() { # dataset dir [ro]
	mkdir -p "$2"
	mount -t zfs ${3:+-o $3} "$1" "$2" || fail "mount $1 on $2"
}

dirty_root() {
	mount_ds $ROOT_DS $M/root
	mkdir -p $M/root/etc/junkdir/deep $M/root/var/tmp
	echo junk >$M/root/etc/junk
	echo junk >$M/root/etc/junkdir/deep/file
	setfattr -n user.blankslate -v dirty $M/root/etc/junk || fail "setfattr"
	dd if=/dev/urandom of=$M/root/var/tmp/big bs=1M count=50 2>/dev/null || fail "50 MB file"
	echo doomed >$M/root/deleted
	sync
	rm $M/root/deleted
	umount $M/root
}

root_listing() {
	mount_ds $ROOT_DS $M/root ro
	(cd $M/root && find . | sort)
	umount $M/root
}

expect_root_blank() {
	l=$(root_listing)
	[ "$l" = "." ] || fail "root is not blank: $(echo $l | head -c 300)"
}

expect_root_dirty() {
	l=$(root_listing)
	echo "$l" | grep -qx './etc/junk' || fail "root lost its junk: $(echo $l | head -c 300)"
}

# persistent_sum: one checksum over every file of nix, home and persist, mounted
# read-only so that reading does not change them.
persistent_sum() {
	for ds in nix home persist; do
		mount_ds rpool/nixos/$ds $M/$ds ro
		(cd $M/$ds && find . -type f | sort | xargs -r sha256sum)
		umount $M/$ds
	done | sha256sum | cut -d' ' -f1
}

snapshots() { zfs list -H -t snapshot,bookmark -o name -r rpool | sort | tr '\n' ' '; }
written() { zfs get -Hp -o value written@start $ROOT_DS; }
