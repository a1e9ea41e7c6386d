# Benchmark: persist in the systemd initrd against entries (make bench,
# testvm/bench_units_test.go). Boot 1, in the busybox initramfs, makes the
# persistent side of the paths /srv/e00000 … (bstest.entries of them) on
# rpool/nixos/persist. The measured boots go through dracut systemd initrds (the
# contenders) whose journal the harness reads; their stage 2 only powers off.
scenario() {
	mount_ds rpool/nixos/persist $M/persist
	awk -v n="$(arg bstest.entries)" -v d=$M/persist \
		'BEGIN { for (i = 0; i < n; i++) printf "%s/srv/e%05d\n", d, i }' | xargs mkdir -p || fail "mkdir"
	echo "made $(ls $M/persist/srv | wc -l) persistent directories"
	umount $M/persist
}

# Stage 2 counts the persistent paths attached (bstest.want), so that a boot
# that measured something else (an initrd without its appended files) fails.
stage2() {
	got=$(awk '$5 ~ "^/srv/e"' /proc/self/mountinfo | wc -l)
	[ "$got" = "$(arg bstest.want)" ] || fail "$got persistent paths attached, want $(arg bstest.want)"
}
