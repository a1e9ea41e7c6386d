# Builds the seed layout on a blank disk (partition 2 of a GPT made by the host):
# pool rpool (compression=lz4), rpool/nixos/{empty,nix,home,persist} (legacy
# mountpoints, atime=off on nix), a small rpool/docker zvol, 10 % of the pool
# reserved, some content on the persistent datasets, and the blank rpool/nixos/empty@start.
NO_IMPORT=1
scenario() {
	zpool create -f -o ashift=12 -o cachefile=none -O compression=lz4 -O mountpoint=none \
		-O acltype=posixacl -O xattr=sa rpool /dev/vda2 || { fail "zpool create"; return; }
	zfs create -o mountpoint=none rpool/nixos || fail "create nixos"
	for ds in empty nix home persist; do
		zfs create -o mountpoint=legacy rpool/nixos/$ds || fail "create $ds"
	done
	zfs set atime=off rpool/nixos/nix
	zfs create -V 64M rpool/docker || fail "create docker zvol"
	size=$(zpool get -Hp -o value size rpool)
	zfs create -o mountpoint=none -o refreservation=$((size / 10)) rpool/reserved || fail "reservation"
	zfs snapshot $SNAP || fail "snapshot @start"
	for ds in nix home persist; do
		mount_ds rpool/nixos/$ds $M/$ds
		mkdir -p $M/$ds/data/sub
		echo "content of $ds" >$M/$ds/data/file
		dd if=/dev/urandom of=$M/$ds/data/sub/blob bs=64k count=16 2>/dev/null
		umount $M/$ds
	done
	# The stage-2 init and its scenarios, for boots through a real systemd initrd
	# (dracut) that switch-root into /nix/blankslate-test/stage2.
	mount_ds rpool/nixos/nix $M/nix
	mkdir -p $M/nix/blankslate-test $M/nix/blankslate-test-state
	cp /bin/busybox /lib.sh /stage2 $M/nix/blankslate-test/ && cp -r /scenarios $M/nix/blankslate-test/ || fail "install stage 2"
	# blankslate itself, for what the running system runs after switch-root
	# (blankslate-audit.service's `blankslate audit`).
	cp /bin/blankslate $M/nix/blankslate-test/blankslate || fail "install blankslate for stage 2"
	umount $M/nix
	zfs list -o name,used,compression,atime,mountpoint -r rpool
}
