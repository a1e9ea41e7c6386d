# Benchmark: persist against entries (make bench). On a blank root with /sysroot
# and /sysroot/persist mounted, for each entry count (bstest.entries) the same
# entries /srv/eNNNNN (bind, directory) are attached by two contenders,
# interleaved (the order alternates every run; runs as in bench_more):
#   blankslate  `blankslate persist --root /sysroot --config` with those entries
#   shell       a busybox sh loop: `mkdir -p` both sides, `mount --bind`, per entry
# after one run of blankslate per count that creates the directories (persist-first),
# and with every mount beneath /sysroot/srv removed between runs. Then the peak RSS of
# `blankslate check --root /sysroot` (built-in default configuration).
#   BENCH persist case=N tool=T run=R wall_us=U rss_kb=K
# bench_lists N: /tmp/listN (the paths) and /tmp/cfgN.json (the configuration).
bench_lists() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "/srv/e%05d\n", i }' >/tmp/list$1
	awk 'BEGIN { printf "{\"pool\":\"rpool\",\"dataset\":\"rpool/nixos/empty\",\"snapshot\":\"start\",\"entries\":[" }
		NR > 1 { printf "," } { printf "{\"path\":\"%s\",\"how\":\"bind\",\"type\":\"directory\"}", $0 }
		END { printf "]}\n" }' /tmp/list$1 >/tmp/cfg$1.json
}

scenario() {
	in_initrd
	runs=$(arg bstest.runs)
	: "${runs:=5}"
	entries=$(arg bstest.entries | tr ',' ' ')
	: "${entries:=5 100 1000 10000}"
	run blankslate rollback
	expect_rc 0
	mount_sysroot
	cat >/tmp/loop.sh <<'LOOP'
while read -r p; do
	mkdir -p /sysroot/persist$p /sysroot$p
	mount --bind /sysroot/persist$p /sysroot$p
done <"$1"
LOOP
	# The first run of each count creates its directories on both sides, untimed
	# for the comparison (printed as persist-first).
	for n in $entries; do
		bench_lists "$n"
		bstool umount-under /sysroot/srv
		bstool time /tmp/t blankslate persist --root /sysroot --config /tmp/cfg$n.json >/tmp/out 2>&1 || { fail "persist $n (first)"; tail /tmp/out; return; }
		read -r us kb rc </tmp/t
		echo "BENCH persist-first case=$n tool=blankslate run=1 wall_us=$us rss_kb=$kb"
		bstool umount-under /sysroot/srv || fail "umount"
	done
	r=1
	while bench_more "$r"; do
		for n in $entries; do
			order="blankslate shell"
			[ $((r % 2)) = 0 ] && order="shell blankslate"
			for t in $order; do
				if [ "$t" = blankslate ]; then
					bstool time /tmp/t blankslate persist --root /sysroot --config /tmp/cfg$n.json >/tmp/out 2>&1
				else
					bstool time /tmp/t sh /tmp/loop.sh /tmp/list$n >/tmp/out 2>&1
				fi || { fail "$t $n"; tail /tmp/out; return; }
				read -r us kb rc </tmp/t
				got=$(awk '$5 ~ "^/sysroot/srv/e"' /proc/self/mountinfo | wc -l)
				[ "$got" = "$n" ] || fail "$t attached $got of $n"
				echo "BENCH persist case=$n tool=$t run=$r wall_us=$us rss_kb=$kb"
				bstool umount-under /sysroot/srv || fail "umount"
			done
		done
		r=$((r + 1))
	done
	r=1
	while [ "$r" -le "$runs" ]; do
		bstool time /tmp/t blankslate check --root /sysroot >/tmp/out 2>&1
		read -r us kb rc </tmp/t
		[ "$rc" -le 1 ] || { fail "check exit $rc"; cat /tmp/out; }
		echo "BENCH check case=default tool=blankslate run=$r wall_us=$us rss_kb=$kb exit=$rc"
		r=$((r + 1))
	done
	umount -R /sysroot 2>/dev/null
}
