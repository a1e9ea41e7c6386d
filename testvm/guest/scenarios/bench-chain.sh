# Benchmark: the initrd critical path (make bench, testvm/bench_chain_test.go).
# Before each measured boot whose root must be dirty, a boot of the busybox
# initramfs writes the case (bstest.dirty) to the root; the first one also puts
# bstool on the nix dataset. The measured boots go through a dracut systemd
# initrd (blankslate's units or the shell units), whose journal the harness
# reads; their stage 2 does nothing but power off. (Writing in stage 2 instead
# took 80 s for 50 MiB in the VM, against seconds from the initramfs.) Stage 2
# still runs systemd in the switched root, which writes its journal and state
# (88 KiB): a measured boot of the case "none" finds that, as a real machine's
# boot finds what the last boot wrote; only the first boot of the disk finds a
# blank root.
scenario() {
	mount_ds rpool/nixos/nix $M/nix
	cp /bin/bstool $M/nix/blankslate-test/bstool || fail "installing bstool"
	umount $M/nix
	mount_ds $ROOT_DS $M/root
	bench_write $M/root "$(arg bstest.dirty)"
	umount $M/root
}

stage2() {
	:
}
