# Power cuts at random moments, two boots of one disk (TestPowerCutsConverge).
# Boot 1 prepares the pool for the kind of cut (bstest.cut=rollback, keep,
# persist, aside, listing or finish), prints CUT-ARMED and runs that step; the cut comes either from the
# host, which kills qemu at a random delay after CUT-ARMED (bstest.cutstep=
# absent), or from the fault-injection build, which powers the machine off
# without a sync right after the named boot step (bstest.cutstep=STEP).
# Boot 2 runs rollback and persist as every boot does and checks that the boot
# converged: exit 0, the root blank, no snapshot newer than @start, every entry
# attached with its owner and mode, the persistent data byte-identical to
# before the cut, and nothing half-made (no .blankslate-new.* name, no
# temporary audit record) beneath the persistent root, and `blankslate check`
# clean.
# keep_config, kept_roots, write_junk, expect_kept_junk; scenario() is ours.
. /scenarios/keep-roots-retention.sh

CUT=$(arg bstest.cut)
CUTSTEP=$(arg bstest.cutstep)

# cut_config: the seed's five entries and 24 more with owners and modes of
# their own (set-id and sticky bits included), so that persist has work to be
# cut in; "keep" keeps one previous root.
cut_config() {
	mkdir -p /etc/blankslate
	{
		printf '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start",'
		[ "$CUT" = keep ] && printf '"keep":{"roots":1},'
		printf '"entries":[{"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},'
		printf '{"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},'
		printf '{"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}'
		cut_entries | while read -r p how type user group mode; do
			printf ',{"path":"%s","how":"%s","type":"%s","user":"%s","group":"%s","mode":"%s"}' "$p" "$how" "$type" "$user" "$group" "$mode"
		done
		printf ']}\n'
	} >/etc/blankslate/config.json
}

# cut_entries: path how type user group mode, one entry a line.
cut_entries() {
	i=0
	for mode in 0700 0750 0755 2770 1777 0711; do
		for how in bind symlink; do
			i=$((i + 1))
			echo "/srv/svc$i $how directory $((1000 + i)) $((100 + i)) $mode"
		done
	done
	for mode in 0600 0640 0644 0400 0660 0604; do
		for how in bind symlink; do
			i=$((i + 1))
			echo "/opt/cfg$i $how file $((1000 + i)) 100 $mode"
		done
	done
}

# data_sum: what must never change: every file of nix and home, and the files
# of persist beneath data/ (the rest of persist is the entries' copies and the
# audit records, which persist itself writes).
data_sum() {
	for ds in nix home persist; do
		mount_ds rpool/nixos/$ds $M/$ds ro
		case $ds in
		persist) (cd $M/$ds && find data -type f | sort | xargs -r sha256sum) ;;
		*) (cd $M/$ds && find . -type f | sort | xargs -r sha256sum) ;;
		esac
		umount $M/$ds
	done | sha256sum | cut -d' ' -f1
}

# save_sum: the checksum of data_sum, kept in a user property of rpool/nixos
# (which no step touches), taken before anything is mounted.
save_sum() { zfs set user:bstest-sum="$(data_sum)" rpool/nixos || fail "saving the checksum"; }

# arm STEP-COMMAND…: the cut. With CUTSTEP the fault-injection build powers
# the machine off after that step; without, the host kills qemu at a random
# moment after CUT-ARMED, and the guest waits for it.
arm() {
	[ "$FAILED" = 0 ] || return
	if [ -n "$CUTSTEP" ]; then
		echo "CUT-ARMED step $CUTSTEP: $*"
		BLANKSLATE_FAULT_POWER_CUT=$CUTSTEP blankslate-faultinject "$@"
		fail "blankslate $1 returned (exit $?) instead of cutting the power after $CUTSTEP"
		return
	fi
	echo "CUT-ARMED: $*"
	t0=$(now_ms)
	blankslate "$@"
	echo "CUT-COMMAND-DONE exit $? after $(($(now_ms) - t0)) ms"
	sleep 600
}

scenario() {
	in_initrd
	cut_config
	if [ "$BOOT" = 1 ]; then
		prepare_$CUT
	else
		converged
	fi
}

prepare_rollback() {
	dirty_root
	zfs snapshot $ROOT_DS@newer1 || fail "snapshot newer1"
	zfs bookmark $ROOT_DS@newer1 $ROOT_DS#newer1 || fail "bookmark newer1"
	mount_ds $ROOT_DS $M/root
	echo more >$M/root/etc/more
	umount $M/root
	zfs snapshot $ROOT_DS@newer2 || fail "snapshot newer2"
	[ "$(written)" != 0 ] || fail "nothing written since @start: the rollback would have nothing to do"
	save_sum
	arm rollback
}

prepare_keep() {
	write_junk 0
	run blankslate rollback
	expect_rc 0
	expect_out "keep: [finished] kept rpool/nixos/blankslate-prev/"
	list_after_boot
	write_junk 1
	save_sum
	arm rollback
}

# aside: the default audit settings, a dirty root without newer snapshots: the
# rollback sets it aside (rename, clone; blankslate audit promotes and seals)
# for the listing after boot.
prepare_aside() {
	dirty_root
	save_sum
	arm rollback
}

# listing: the root set aside and its pending record saved, then the listing
# after boot (what blankslate-audit.service runs) is cut.
prepare_listing() {
	dirty_root
	run blankslate rollback
	expect_rc 0
	expect_out "audit: [set aside]"
	save_sum
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	arm audit --root /sysroot
}

# finish: as listing; the cuts land before the listing's promotion of the
# root, between it and the seal, or after the listing: the running system
# between the boot's clone and the promotion.
prepare_finish() { prepare_listing; }

# expect_listed_once: the listing after boot, run again, ends with no root
# waiting, and each root set aside (the one that held the junk, and this
# boot's own when the cut boot left the root dirty) named by exactly one
# record, listed, not pending.
expect_listed_once() {
	run blankslate audit --root /sysroot
	expect_rc 0
	[ -z "$(kept_roots)" ] || fail "roots left after the listing (keep.roots 0): $(kept_roots)"
	dir=/sysroot/persist/var/log/blankslate
	grep -l '"pending": true' $dir/*.json && fail "records still say their listing is pending"
	names=$(sed -n 's/.*"setAside": "\(.*\)".*/\1/p' $dir/*.json | sort)
	[ -n "$names" ] || fail "no record names a root set aside"
	dups=$(echo "$names" | uniq -d)
	[ -z "$dups" ] || fail "more than one record names $dups"
	grep -l '"path": "/etc/junkdir/deep/file"' $dir/*.json | xargs -r grep -l '"setAside"' | grep -q . ||
		fail "no record of a root set aside lists the junk it held"
}

prepare_persist() {
	run blankslate rollback
	expect_rc 0
	save_sum
	mount_sysroot
	arm persist --root /sysroot
}

converged() {
	zfs list -r -t all -o name,origin,readonly rpool/nixos | sed 's/^/    | /'
	run blankslate rollback
	expect_rc 0
	expect_root_blank
	expect_start_owner
	want=$(zfs get -H -o value user:bstest-sum rpool/nixos)
	[ "$want" = "$(data_sum)" ] || fail "the persistent data changed"
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	{
		printf '%s\n' "/etc/nixos bind directory 0 0 0755" "/var/lib bind directory 0 0 0755" \
			"/var/log bind directory 0 0 0755" "/etc/ssh symlink directory 0 0 0755" "/etc/machine-id symlink file 0 0 0444"
		cut_entries
	} >/tmp/entries
	while read -r p how type user group mode; do
		case $how in
		bind) expect_sysroot_bind "$p" ;;
		symlink) [ "$(readlink /sysroot$p)" = "/persist$p" ] || fail "/sysroot$p links to '$(readlink /sysroot$p)'" ;;
		esac
		got=$(stat -c '%u %g %a' /sysroot/persist$p 2>&1)
		[ "$got" = "$user $group ${mode#0}" ] || fail "/persist$p: owner and mode '$got', want $user $group $mode"
	done </tmp/entries
	echo "$(grep -c . /tmp/entries) entries attached with their owners and modes"
	case $CUT in
	aside | listing | finish) expect_listed_once && expect_start_owner promoted ;;
	keep) expect_one_kept && expect_start_owner promoted ;;
	esac
	half=$(find /sysroot/persist -name '.blankslate-new.*' -o -path '/sysroot/persist/var/log/blankslate/.*.tmp')
	[ -z "$half" ] || fail "half-made names left: $half"
	check_run --root /sysroot
	expect_clean
}

# expect_start_owner [promoted]: the root owns @start with nothing newer and is
# no clone; or, until blankslate audit promotes it (promoted: it has run), a
# clone of the @start of the root this boot set aside, with no snapshot of its own.
expect_start_owner() {
	s=$(zfs list -H -t snapshot,bookmark -o name -d 1 $ROOT_DS | tr '\n' ' ')
	o=$(zfs get -H -o value origin $ROOT_DS)
	case $o in
	-) [ "$s" = "$SNAP " ] || fail "snapshots or bookmarks of the root besides @start: $s" ;;
	$KEEP_C/*@start)
		[ -z "$s" ] || fail "snapshots or bookmarks of the root not yet promoted: $s"
		[ -z "$1" ] || fail "$ROOT_DS is still a clone of $o after blankslate audit"
		;;
	*) fail "$ROOT_DS is a clone of $o" ;;
	esac
}

# expect_one_kept: keep.roots 1 once the listing after boot has run (it
# promotes, lists this boot's root and prunes the older one): one kept root,
# holding boot 1's junk.
expect_one_kept() {
	run blankslate audit --root /sysroot
	expect_rc 0
	n=$(kept_roots | grep -c .)
	[ "$n" = 1 ] || fail "$n kept roots, want 1 (keep.roots 1)"
	expect_kept_junk "$(kept_roots | tail -1)" 1
}

# expect_sysroot_bind PATH: /sysroot/PATH is a bind mount from the persist dataset.
expect_sysroot_bind() {
	awk -v p="/sysroot$1" '$5 == p { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 2); exit } }' \
		/proc/self/mountinfo | grep -qx rpool/nixos/persist || fail "/sysroot$1 is not a bind mount of rpool/nixos/persist"
}
