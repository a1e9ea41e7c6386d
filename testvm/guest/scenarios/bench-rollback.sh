# Benchmark: the rollback matrix (make bench). In the initrd, pool imported, root
# not mounted, five contenders roll the same dirty root back, interleaved round
# robin (the order rotates every run), each on a root dirtied afresh:
#   blankslate        `blankslate rollback` with the built-in default configuration
#   blankslate-keep3  `blankslate rollback` with "keep": {"roots": 3}
#   blankslate-noaudit `blankslate rollback` with "audit": {"enable": false}
#   zfs               `zfs rollback -r rpool/nixos/empty@start`
#   floor             bench/tools/floor.c: lzc_destroy_snaps of the newer snapshots
#                     (their names given) and lzc_rollback_to, nothing else
# After each run, untimed, after_boot does what blankslate-audit.service would
# for that contender's configuration, so that each run finds the pool its own
# configuration leaves (the keep.roots 3 contender's roots wait outside the
# container between its runs: stash_keep3).
# Cases (bstest.cases, comma-separated): none, 50M, 1G (MiB of incompressible data
# in one file), 20k, 100k (small files of 100 bytes), s10, s100 (50 MiB, then that
# many newer snapshots, one `zfs snapshot` each). bstest.runs runs of every case (fewer
# when bstest.budget is spent, see bench_more); a case given as CASE:MAX runs MAX
# times after those, whatever the budget. Each measurement is one line
#   BENCH rollback case=C tool=T run=R wall_us=U rss_kb=K written=BYTES setup_ms=MS
# (setup_ms: the time the dirtying took, for planning runs; not a result).
# wall and peak RSS from `bstool time` (CLOCK_MONOTONIC, wait4's ru_maxrss).
# Then, bstest.runs times, what starting a process costs each contender that is a
# program of its own, without touching the pool (`blankslate version`, `zfs
# version`), and what opening libzfs costs alone (bench/tools/zinit.c:
# libzfs_init and libzfs_fini, linked as blankslate links libzfs): the part of
# every rollback that no ZFS work explains.
#   BENCH start case=version tool=T run=R wall_us=U rss_kb=K
scenario() {
	in_initrd
	runs=$(arg bstest.runs)
	: "${runs:=5}"
	cases=$(arg bstest.cases | tr ',' ' ')
	: "${cases:=none 50M 1G 20k 100k s10 s100}"
	echo '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","keep":{"roots":3}}' >/tmp/keep3.json
	echo '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","audit":{"enable":false}}' >/tmp/noaudit.json
	tools="blankslate blankslate-keep3 blankslate-noaudit zfs floor"
	KEEP_C=rpool/nixos/blankslate-prev
	STASH=rpool/nixos/bench-keep3 # the keep.roots 3 contender's roots between its runs
	# The container exists on every machine past its first dirty boot; made
	# here, untimed, so that no contender's first run pays for creating it.
	zfs list $KEEP_C >/dev/null 2>&1 || zfs create -o canmount=off -o mountpoint=none $KEEP_C || fail "creating $KEEP_C"
	# The runs of the cases without a cap, as many as bench_more allows; then the
	# capped ones (CASE:MAX), MAX runs each.
	r=1
	while bench_more "$r"; do
		for spec in $cases; do
			[ "${spec%%:*}" = "$spec" ] && bench_case "$spec" "$r"
		done
		r=$((r + 1))
	done
	for spec in $cases; do
		[ "${spec%%:*}" = "$spec" ] && continue
		r=1
		while [ "$r" -le "${spec#*:}" ]; do
			bench_case "${spec%%:*}" "$r"
			r=$((r + 1))
		done
	done
	r=1
	while [ "$r" -le "$runs" ]; do
		for t in blankslate zfs zinit; do
			bstool time /tmp/t $t version >/tmp/out 2>&1 || { fail "$t version"; cat /tmp/out; }
			read -r us kb rc </tmp/t
			echo "BENCH start case=version tool=$t run=$r wall_us=$us rss_kb=$kb"
		done
		r=$((r + 1))
	done
	zfs list -o name,used,refer -r rpool/nixos
	expect_root_blank
}

# bench_case CASE RUN: one run of CASE, the contenders in an order rotated
# by the run number, each on a root dirtied afresh.
bench_case() {
	order=$(echo $tools $tools | awk -v r="$2" '{ n = NF / 2; for (i = 0; i < n; i++) printf "%s ", $(((r - 1) % n) + 1 + i) }')
	for t in $order; do
		t0=$(now_ms)
		if [ "$t" = blankslate-keep3 ]; then stash_keep3 $STASH $KEEP_C; fi
		bench_dirty "$1" || return
		# What the previous contender discarded is freed in the background
		# (async destroy) and would slow whoever runs next: wait for it.
		zpool wait -t free rpool || fail "zpool wait -t free"
		setup=$(($(now_ms) - t0))
		w=$(written)
		bench_rollback "$t" || return
		read -r us kb rc </tmp/t
		after_boot "$t"
		[ "$(written)" = 0 ] || fail "$t left $(written) bytes written on the root"
		echo "BENCH rollback case=$1 tool=$t run=$2 wall_us=$us rss_kb=$kb written=$w setup_ms=$setup"
	done
}

# after_boot TOOL: untimed, what blankslate-audit.service does after the boot
# (docs/audit.md): the root promoted, the roots blankslate set aside sealed,
# listed and let go — destroyed with keep.roots 0; with keep.roots 3 marked
# listed, and the oldest beyond three destroyed (keep.Prune) — so that every
# run starts from the pool a boot of its configuration finds, not from roots
# nobody listed or pruned (which the next rollback would read, or destroy
# unlisted, on the clock). Its loop variable has a name of its own: sh
# functions share their caller's variables.
after_boot() {
	# The boot leaves the root a clone of the root it set aside; the listing
	# promotes it and seals that root first (keep.Finish).
	ab_origin=$(zfs get -H -o value origin $ROOT_DS)
	if [ "$ab_origin" != - ]; then
		zfs promote $ROOT_DS || fail "promoting $ROOT_DS"
		zfs set readonly=on canmount=noauto blankslate:audit=pending "${ab_origin%@*}" || fail "sealing ${ab_origin%@*}"
	fi
	for ab_root in $(kept_in $KEEP_C); do
		[ "$(zfs get -H -o value blankslate:audit "$ab_root")" = pending ] || continue
		case $1 in
		blankslate) zfs destroy "$ab_root" || fail "destroying $ab_root" ;;
		blankslate-keep3) zfs set blankslate:audit=listed "$ab_root" || fail "marking $ab_root listed" ;;
		esac
	done
	[ "$1" = blankslate-keep3 ] || return 0
	# Names are UTC times: the oldest first. Then the three kept roots leave the
	# container until the next run of this contender (stash_keep3), so that
	# the default's runs find the container of a machine with keep.roots 0:
	# empty once the listing has run.
	ab_n=$(kept_in $KEEP_C | grep -c .)
	for ab_root in $(kept_in $KEEP_C | head -n $((ab_n > 3 ? ab_n - 3 : 0))); do
		zfs destroy "$ab_root" || fail "pruning $ab_root"
	done
	stash_keep3 $KEEP_C $STASH
}

# stash_keep3 FROM TO: the kept roots beneath FROM renamed beneath TO (made
# if missing), untimed; run back (TO FROM) before the keep.roots 3 contender.
stash_keep3() {
	zfs list $2 >/dev/null 2>&1 || zfs create -o canmount=off -o mountpoint=none $2 || fail "creating $2"
	for ab_root in $(kept_in $1); do
		zfs rename "$ab_root" "$2/${ab_root##*/}" || fail "moving $ab_root to $2"
	done
}

kept_in() { zfs list -H -o name -s name -d 1 "$1" 2>/dev/null | grep "^$1/"; }

# bench_dirty CASE: the root gets what CASE writes; NEWER holds the names of the
# newer snapshots made.
bench_dirty() {
	NEWER=
	mount_ds $ROOT_DS $M/root
	bench_write $M/root "$1"
	case $1 in
	s*)
		i=1
		while [ "$i" -le "${1#s}" ]; do
			NEWER="$NEWER b$i"
			i=$((i + 1))
		done
		;;
	esac
	umount $M/root || { fail "umount root"; return 1; }
	if [ -n "$NEWER" ]; then
		# One at a time: `zfs snapshot` refuses several snapshots of one dataset at once.
		for n in $NEWER; do
			zfs snapshot $ROOT_DS@$n || { fail "snapshot @$n"; return 1; }
		done
	fi
	[ "$FAILED" = 0 ]
}

bench_rollback() {
	case $1 in
	blankslate) set -- blankslate rollback ;;
	blankslate-keep3) set -- blankslate rollback --config /tmp/keep3.json ;;
	blankslate-noaudit) set -- blankslate rollback --config /tmp/noaudit.json ;;
	zfs) set -- zfs rollback -r $SNAP ;;
	floor) set -- floor $ROOT_DS start $NEWER ;;
	esac
	bstool time /tmp/t "$@" >/tmp/out 2>&1 || { fail "$*"; cat /tmp/out; return 1; }
}
