# Lays the Debian userland onto a blank disk (make userland-test): pool rpool on
# partition 2, rpool/ROOT/debian (the root, legacy mountpoint) from the tar on
# partition 3, rpool/persist from the tar on partition 4 (the paths the configuration
# persists, moved out of the root by the host), then the blank rpool/ROOT/debian@start.
NO_IMPORT=1
scenario() {
	zpool create -f -o ashift=12 -o cachefile=none -O compression=lz4 -O mountpoint=none \
		-O acltype=posixacl -O xattr=sa rpool /dev/vda2 || { fail "zpool create"; return; }
	zfs create -o mountpoint=none rpool/ROOT || fail "create ROOT"
	zfs create -o mountpoint=legacy rpool/ROOT/debian || fail "create ROOT/debian"
	zfs create -o mountpoint=legacy rpool/persist || fail "create persist"
	mount_ds rpool/ROOT/debian $M/root
	mount_ds rpool/persist $M/persist
	tar -xf /dev/vda3 -C $M/root || fail "unpack the root"
	tar -xf /dev/vda4 -C $M/persist || fail "unpack the persistent root"
	[ -e $M/root/etc/machine-id ] && fail "@start would hold /etc/machine-id"
	ls $M/root/etc/ssh/ssh_host_* >/dev/null 2>&1 && fail "@start would hold ssh host keys"
	ls $M/persist/etc/ssh/ssh_host_* >/dev/null 2>&1 && fail "the persistent root already holds ssh host keys"
	[ -x $M/root/usr/bin/blankslate ] || fail "no /usr/bin/blankslate in the root"
	sync
	umount $M/root $M/persist
	zfs snapshot rpool/ROOT/debian@start || fail "snapshot @start"
	zfs list -o name,used,refer,compressratio -r rpool
}
