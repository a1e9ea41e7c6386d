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
# start_snap: the root's blank snapshot: $SNAP, or, while the root is still a
# clone of the root the boot set aside (promoted by blankslate audit after
# boot), that root's @start.
start_snap() {
	o=$(zfs get -H -o value origin $ROOT_DS)
	case $o in
	*/blankslate-prev/*@start) echo "$o" ;;
	*) echo "$SNAP" ;;
	esac
}
written() { zfs get -Hp -o value written@$(start_snap) $ROOT_DS; }

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

# --- blankslate check and diff (check-*.sh, diff-*.sh) ---
# check_run ARGS…: blankslate check --json ARGS; keeps OUT and RC, prints only the
# command (expect_finding prints the finding it looked for).
check_run() {
	OUT=$(blankslate check --json "$@" 2>&1)
	RC=$?
	echo "\$ blankslate check --json $*  (exit $RC)"
}
show_out() { echo "$OUT" | sed 's/^/    | /'; }
# expect_finding SEVERITY CHECK [TEXT]: the last check reported that finding.
expect_finding() {
	line=$(echo "$OUT" | grep -F "\"check\":\"$2\",\"severity\":\"$1\"" | grep -F -- "${3:-}" | head -1 | sed 's/^ *//; s/,$//')
	if [ -n "$line" ]; then
		echo "    | $line"
	else
		fail "no $1 finding $2${3:+ with '$3'}"
		show_out
	fi
}
# expect_clean: the last check found no warning and no error, and exited 0,
# or 3 when it says what it did not check (a root not mounted in the initrd).
expect_clean() {
	bad=$(echo "$OUT" | grep -E '"severity":"(warning|error)"')
	unchecked=$(echo "$OUT" | grep -c '"severity":"not-checked"')
	[ "$RC" = 0 ] && [ -z "$bad" ] && [ "$unchecked" = 0 ] && { echo "    | clean"; return; }
	[ "$RC" = 3 ] && [ -z "$bad" ] && [ "$unchecked" != 0 ] && { echo "    | clean ($unchecked not checked, exit 3)"; return; }
	fail "check is not clean (exit $RC)"
	show_out
}
# break_fix SEVERITY CHECK TEXT BREAK FIX [ARGS…]: BREAK (a command line) must make
# `check ARGS` exit 1 with that finding; FIX must make it clean again.
break_fix() {
	bf_sev=$1 bf_check=$2 bf_text=$3 bf_break=$4 bf_fix=$5
	shift 5
	step "break: $bf_break"
	eval "$bf_break" || fail "could not break: $bf_break"
	check_run "$@"
	expect_rc 1
	expect_finding "$bf_sev" "$bf_check" "$bf_text"
	step "repair: $bf_fix"
	eval "$bf_fix" || fail "could not repair: $bf_fix"
	check_run "$@"
	expect_clean
}

# Transaction groups of rpool (/proc/spl/kstat/zfs/rpool/txgs: txg birth state
# ndirty nread nwritten …): an idle pool syncs empty txgs every few seconds, so
# "nothing written" means every txg synced in a window had no dirty data and
# wrote no bytes.
txgs=/proc/spl/kstat/zfs/rpool/txgs
txg_open() { awk 'NR > 2 && $3 == "O" { t = $1 } END { print t }' $txgs; }
txg_synced() { awk 'NR > 2 && $3 == "C" { t = $1 } END { print t + 0 }' $txgs; }
# wait_synced TXG: until TXG is on disk (at most 30 s).
wait_synced() {
	ws_i=0
	while [ "$(txg_synced)" -lt "$1" ]; do
		ws_i=$((ws_i + 1))
		[ $ws_i -gt 60 ] && { fail "txg $1 not synced after 30 s"; return 1; }
		sleep 0.5
	done
}
# txg_writes FROM TO: "DIRTY WRITTEN" bytes summed over txgs FROM..TO.
txg_writes() { awk -v a="$1" -v b="$2" 'NR > 2 && $1 >= a && $1 <= b { d += $4; w += $6 } END { print d + 0, w + 0 }' $txgs; }
# pool_state: every dataset's and snapshot's space and txg numbers, which any
# write would move (nothing in stage 2, which has no zfs command).
pool_state() { ! command -v zfs >/dev/null || zfs list -Hp -t all -r -o name,used,referenced,written,createtxg rpool; }
# quiet_window CMD…: runs CMD (a function or command) between synced txgs of
# rpool; fails if any txg open meanwhile had dirty data or wrote a byte, or if
# any dataset's or snapshot's space or txg numbers moved.
quiet_window() {
	wait_synced "$(txg_open)"
	qw_state=$(pool_state)
	txg_window "$@"
	[ "$TXG_W" = "0 0" ] || { fail "'$*' made the pool write: $TXG_W"; awk -v a="$TXG_A" 'NR == 2 || (NR > 2 && $1 >= a)' $txgs; }
	[ "$(pool_state)" = "$qw_state" ] || { fail "'$*' changed the space or snapshots of a dataset"; echo "$qw_state"; pool_state; }
}
# txg_window CMD…: runs CMD and waits until every txg open meanwhile is synced;
# TXG_W is then their "DIRTY WRITTEN" bytes.
txg_window() {
	wait_synced "$(txg_open)"
	TXG_A=$(txg_open)
	"$@"
	TXG_B=$(txg_open)
	wait_synced "$TXG_B"
	TXG_W=$(txg_writes "$TXG_A" "$TXG_B")
	echo "txgs $TXG_A..$TXG_B, open while '$*' ran, synced: dirty and written bytes: $TXG_W"
}
# expect_writes_seen CMD…: the control: a command that does write is seen.
expect_writes_seen() {
	txg_window "$@"
	[ "$TXG_W" != "0 0" ] || fail "'$*' wrote, but the txgs show no write: the measurement is blind"
}
# tree_sum DIR…: one checksum over names, types, sizes, owners, modes, mtimes and
# file contents beneath each DIR, not crossing into other file systems.
tree_sum() {
	find "$@" -xdev | sort | while read -r f; do
		stat -c '%n %F %s %u:%g %a %Y' "$f"
		[ -f "$f" ] && [ ! -L "$f" ] && sha256sum <"$f"
	done | sha256sum | cut -d' ' -f1
}
# install_in_root: blankslate and the host id into /sysroot before switch_to_root,
# so that stage 2 can run `blankslate` (see use_installed) and the pool does not
# look "last accessed by another system" (zpool status reads /etc/hostid).
install_in_root() {
	cp /bin/blankslate /sysroot$T/blankslate || fail "installing blankslate in the root"
	[ ! -f /etc/hostid ] || cp /etc/hostid /sysroot/etc/hostid || fail "copying /etc/hostid"
}
use_installed() { blankslate() { $T/blankslate "$@"; }; }

# --- the benchmark (bench-*.sh) ---
# bench_write DIR CASE: what the benchmark's case CASE writes beneath DIR, with the
# compiled helper bstool (bench/tools/bstool.c): none; NM, N MiB of incompressible
# data in one file; 1G, 1024 MiB; Nk, N thousand files of 100 bytes; sN, 50 MiB
# (the caller then takes N newer snapshots).
bench_write() {
	bw=${BSTOOL:-bstool}
	case $2 in
	none) ;;
	*M) $bw bytes "$1/big" "${2%M}" || fail "writing $2" ;;
	1G) $bw bytes "$1/big" 1024 || fail "writing 1 GiB" ;;
	*k) $bw files "$1/many" "${2%k}000" || fail "writing $2 files" ;;
	s*) $bw bytes "$1/big" 50 || fail "writing 50 MiB" ;;
	*) fail "unknown benchmark case $2" ;;
	esac
}
# bench_more R: whether run R starts: R <= bstest.runs, and run 1 always, later runs
# only while the uptime is below bstest.budget seconds (when given), so that a slow
# machine still finishes with whole runs of every case; a stop is printed.
bench_more() {
	[ "$1" -le "$runs" ] || return 1
	bm_budget=$(arg bstest.budget)
	[ "$1" = 1 ] || [ -z "$bm_budget" ] || [ "$(($(now_ms) / 1000))" -lt "$bm_budget" ] && return 0
	echo "BENCH-NOTE $SCENARIO: stopped before run $1 of $runs: the budget of $bm_budget s is spent"
	return 1
}
