# libzfs's listings against signals (testvm/signals_vm_test.go). OpenZFS ends
# a listing ioctl with EINTR when a signal is pending on the calling thread,
# and Go's runtime sends SIGURG to its threads to preempt them.
# 1. The binding's own test binary (built with -tags zfsguest, present in this
#    scenario's initramfs only) runs each listing the binding makes (children,
#    snapshots, bookmarks, the pool's datasets, diff) while it sends SIGURG to
#    every one of its threads: no run may fail or see fewer items.
# 2. Twelve kept roots (clones of @start beneath blankslate-prev, as the keep
#    step leaves them) and `blankslate roots` run ROOTS_RUNS times (1,000, or
#    bstest.roots_runs=N): every run must succeed and list all twelve.
# 3. The same binary's TestRenameOnRealZFS: the binding's rename (one
#    ZFS_IOC_RENAME) takes the snapshots along, and the kernel's refusals
#    (name taken, parent missing, into itself) come back in words.
# Each prints "SIGNALS …" lines with the runs and the failures.
. /scenarios/keep-roots-retention.sh

ROOTS=12
ROOTS_RUNS=$(arg bstest.roots_runs)
: "${ROOTS_RUNS:=1000}"
GUEST_RUNS=60
FS=rpool/sigtest
DIFF_FS=rpool/sigdiff

make_kept_roots() {
	zfs create -o canmount=off -o mountpoint=none $KEEP_C || fail "creating $KEEP_C"
	i=1
	while [ $i -le $ROOTS ]; do
		name=$KEEP_C/$(printf '202601%02dT000000Z' $i)
		zfs clone -o readonly=on -o canmount=noauto $SNAP "$name" || fail "cloning $name"
		i=$((i + 1))
	done
}

# make_listed: FS with ROOTS children, snapshots and bookmarks, and DIFF_FS
# with files changed since its snapshot for the diff to find.
make_listed() {
	zfs create -o mountpoint=$M/sigtest $FS || fail "creating $FS"
	i=1
	while [ $i -le $ROOTS ]; do
		zfs create -o canmount=off $FS/child$i || fail "creating $FS/child$i"
		echo "file $i" >$M/sigtest/file$i
		zfs snapshot $FS@s$i || fail "snapshotting $FS@s$i"
		zfs bookmark $FS@s$i $FS#b$i || fail "bookmarking $FS#b$i"
		i=$((i + 1))
	done
	# The diff's own filesystem: its just-in-time snapshot stays out of FS's listing.
	zfs create -o mountpoint=$M/sigdiff $DIFF_FS || fail "creating $DIFF_FS"
	echo before >$M/sigdiff/kept
	zfs snapshot $DIFF_FS@s1 || fail "snapshotting $DIFF_FS@s1"
	for f in a b c d e f; do echo "$f" >$M/sigdiff/new-$f; done
	echo after >$M/sigdiff/kept
	rm $M/sigdiff/kept
}

# roots_loop: `blankslate roots` ROOTS_RUNS times; a run fails if it exits
# non-zero or does not list every kept root.
roots_loop() {
	fails=0
	i=0
	t0=$(now_ms)
	while [ $i -lt $ROOTS_RUNS ]; do
		i=$((i + 1))
		out=$(blankslate roots 2>/tmp/roots.err)
		rc=$?
		case "$rc $out" in
		"0 $ROOTS kept root(s) in $KEEP_C"*) ;;
		*)
			fails=$((fails + 1))
			[ $fails -le 3 ] && { cat /tmp/roots.err; echo "$out"; } | head -3 | sed "s/^/    | run $i (exit $rc): /"
			;;
		esac
	done
	echo "SIGNALS roots runs=$ROOTS_RUNS failures=$fails kept=$ROOTS in $(($(now_ms) - t0)) ms"
	[ $fails = 0 ] || fail "$fails of $ROOTS_RUNS runs of blankslate roots failed"
}

guest_binary() {
	t0=$(now_ms)
	BSGUEST_POOL=rpool BSGUEST_FS=$FS BSGUEST_DIFF_FS=$DIFF_FS BSGUEST_SNAP=s1 BSGUEST_RUNS=$GUEST_RUNS \
		/bin/libzfs-guest.test -test.run '^(TestIterationsSurviveSignals|TestRenameOnRealZFS)$' -test.v -test.count=1 >/tmp/guest.out 2>&1
	rc=$?
	sed 's/^/    | /' /tmp/guest.out
	echo "SIGNALS guest-binary exit=$rc in $(($(now_ms) - t0)) ms"
	[ $rc = 0 ] || fail "the binding's iterations or its rename failed (exit $rc)"
	for t in TestIterationsSurviveSignals TestRenameOnRealZFS; do
		grep -q "^--- PASS: $t " /tmp/guest.out || fail "$t did not pass (or did not run)"
	done
}

scenario() {
	in_initrd
	keep_config 2
	[ -x /bin/libzfs-guest.test ] || { fail "no /bin/libzfs-guest.test in this initramfs"; return; }
	make_kept_roots
	make_listed
	run blankslate roots
	expect_rc 0
	expect_out "$ROOTS kept root(s) in $KEEP_C"
	guest_binary
	roots_loop
}
