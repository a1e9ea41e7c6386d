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
		if [ $i -gt 300 ]; then
			fail "no /dev/vda2 or /dev/zfs after 30 s"
			ls /dev; dmesg | tail -20
			return 1
		fi
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

# --- booting into the ZFS root (stage 2) ---
# The switched-root checks run from files kept on the nix dataset, the way NixOS
# keeps its init in /nix/store; stage 1 refreshes them at every boot.
T=/nix/blankslate-test
STATE=/nix/blankslate-test-state

mount_sysroot() {
	mount_ds $ROOT_DS /sysroot
	for ds in nix persist home; do
		mkdir -p /sysroot/$ds
		mount_ds rpool/nixos/$ds /sysroot/$ds
	done
}

switch_to_root() {
	mkdir -p /sysroot$T /sysroot$STATE
	cp /bin/busybox /lib.sh /stage2 /sysroot$T/ && cp -r /scenarios /sysroot$T/ || fail "installing stage 2"
	[ "$FAILED" = 0 ] || finish
	echo "--- switch_root into $ROOT_DS"
	exec switch_root /sysroot $T/stage2 "$SCENARIO" "$BOOT"
}

# attached PATH: PATH is the root of a bind mount of the same path on the persist dataset.
expect_bind() {
	awk -v p="$1" '$5 == p && $4 == p { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 2); exit } }' \
		/proc/self/mountinfo | grep -qx rpool/nixos/persist || fail "$1 is not a bind mount of rpool/nixos/persist$1"
}
expect_link() { [ "$(readlink "$1")" = "$2" ] || fail "$1 links to '$(readlink "$1")', want $2"; }
owner_mode() { stat -c '%u:%g %a' "$1"; }

# now_ms: milliseconds since boot, for timings printed by scenarios.
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
STATE_REL=/blankslate-test-state
