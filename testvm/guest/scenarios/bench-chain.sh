# Benchmark: the initrd critical path (make bench, testvm/bench_chain_test.go).
# Before each measured boot whose root must be dirty, a boot of the busybox
# initramfs writes the case (bstest.dirty) to the root; the first one also puts
# bstool on the nix dataset. The measured boots go through a dracut systemd
# initrd (blankslate's units or the shell units), whose journal the harness
# reads. (Writing in stage 2 instead took 80 s for 50 MiB in the VM, against
# seconds from the initramfs.) Stage 2 still runs systemd in the switched root,
# which writes its journal and state (88 KiB): a measured boot of the case
# "none" finds that, as a real machine's boot finds what the last boot wrote;
# only the first boot of the disk finds a blank root.
# Stage 2 then does what blankslate-audit.service does on a real machine once
# the boot is done: `blankslate audit` lists the root the initrd set aside and
# lets it go (after the measured window, so untimed). Without it every root set
# aside would wait, and every blankslate boot would prune an unlisted one on
# the critical path, which no machine whose listing runs does.
scenario() {
	mount_ds rpool/nixos/nix $M/nix
	cp /bin/bstool $M/nix/blankslate-test/bstool || fail "installing bstool"
	umount $M/nix
	mount_ds $ROOT_DS $M/root
	bench_write $M/root "$(arg bstest.dirty)"
	umount $M/root
}

# Under emulation, zfs diff of the 20k-file root takes 1.5 min to report its
# first path, near the listing's 2-minute start bound (boot.AfterBootStart); a
# listing cut there leaves the root waiting, as it should, and the audit exits
# 1. A real machine lists it one boot later; here the next try lists it at
# once, so that the next measured boot finds what a listed machine's boot finds
# (the measured window is over by then: the tries cost the result nothing).
stage2() {
	use_installed
	grep -q ' /run ' /proc/self/mounts || mount -t tmpfs run /run
	for try in 1 2 3; do
		run blankslate audit
		[ "$RC" = 0 ] && return
		echo "bench-chain: audit try $try of 3 exited $RC"
	done
	expect_rc 0
}
