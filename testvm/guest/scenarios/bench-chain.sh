# Benchmark: the initrd critical path (make bench, testvm/bench_chain_test.go).
# Boot 1 (busybox initramfs) puts bstool on the nix dataset, beside stage 2, and
# writes the first case (bstest.dirty) to the root. Every later boot goes through
# a dracut systemd initrd (blankslate's units or the shell units), whose journal
# the harness reads; its stage 2, in the switched-into root, writes the case the
# next boot erases.
scenario() {
	mount_ds rpool/nixos/nix $M/nix
	cp /bin/bstool $M/nix/blankslate-test/bstool || fail "installing bstool"
	umount $M/nix
	mount_ds $ROOT_DS $M/root
	bench_write $M/root "$(arg bstest.dirty)"
	umount $M/root
}

stage2() {
	t0=$(now_ms)
	BSTOOL=$T/bstool bench_write "" "$(arg bstest.dirty)"
	sync
	echo "bench-chain: wrote $(arg bstest.dirty) for the next boot in $(($(now_ms) - t0)) ms"
}
