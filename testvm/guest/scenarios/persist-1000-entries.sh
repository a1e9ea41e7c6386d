# 1,000 bind entries on real ZFS: all attached, a second run changes nothing; the
# times are printed for the benchmark record.
scenario() {
	in_initrd
	run blankslate rollback
	mount_sysroot
	{
		printf '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","entries":['
		i=0
		while [ $i -lt 1000 ]; do
			[ $i -gt 0 ] && printf ','
			printf '{"path":"/srv/e%04d","how":"bind","type":"directory"}' $i
			i=$((i + 1))
		done
		printf ']}'
	} >/tmp/many.json
	t0=$(now_ms)
	run blankslate persist --root /sysroot --config /tmp/many.json
	t1=$(now_ms)
	expect_rc 0
	expect_out "1000 entries attached"
	n=$(awk '$5 ~ "^/sysroot/srv/e"' /proc/self/mountinfo | wc -l)
	[ "$n" = 1000 ] || fail "$n bind mounts under /sysroot/srv, want 1000"
	t2=$(now_ms)
	run blankslate persist --root /sysroot --config /tmp/many.json
	t3=$(now_ms)
	expect_rc 0
	n=$(awk '$5 ~ "^/sysroot/srv/e"' /proc/self/mountinfo | wc -l)
	[ "$n" = 1000 ] || fail "second run: $n bind mounts, want 1000"
	echo "BENCH persist-1000 first_ms=$((t1 - t0)) second_ms=$((t3 - t2))"
	umount -R /sysroot 2>/dev/null
}
