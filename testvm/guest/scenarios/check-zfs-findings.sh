# blankslate check from the initrd's emergency shell (pool imported, nothing
# mounted): every finding about ZFS and the layout, each broken, reported with
# exit 1, repaired, and clean again. Also: no ZFS module, and a bad configuration.
before_modules() {
	in_initrd
	step "no ZFS module loaded yet"
	check_run
	expect_rc 1
	expect_finding error zfs.available "/dev/zfs is missing"
}

scenario() {
	step "the seed layout is clean; the root is not mounted, so the persistent paths are not checked (exit 3)"
	run blankslate check
	expect_rc 3
	expect_out "No problems found; 1 not checked"
	check_run
	expect_clean
	expect_finding not-checked persist.root "is not mounted"
	expect_finding ok snapshot.latest
	expect_finding ok layout.docker-zvol "a volume of 64.0 MiB"
	run blankslate --check
	expect_rc 3

	step "a bad configuration is exit 2, as at boot"
	echo '{"pool":"rpool","dataset":"rpool","snapshot":"s@x","entries":[{"path":"var/lib"}]}' >/tmp/bad.json
	check_run --config /tmp/bad.json
	expect_rc 2
	expect_finding error config.valid "is the pool's root dataset"
	expect_finding error config.valid "is not an absolute path"

	break_fix error pool.imported "is not imported" "zpool export rpool" "import_pool"
	break_fix error dataset.exists "does not exist" \
		"zfs rename rpool/nixos/empty rpool/nixos/gone" "zfs rename rpool/nixos/gone rpool/nixos/empty"
	break_fix error snapshot.exists "only @other" \
		"zfs rename $SNAP $ROOT_DS@other" "zfs rename $ROOT_DS@other $SNAP"
	break_fix warning snapshot.latest "1 newer snapshot(s) ($ROOT_DS@later)" \
		"zfs snapshot $ROOT_DS@later" "zfs destroy $ROOT_DS@later"
	break_fix error snapshot.latest "has clones (rpool/clone)" \
		"zfs snapshot $ROOT_DS@later && zfs clone $ROOT_DS@later rpool/clone" \
		"zfs destroy rpool/clone && zfs destroy $ROOT_DS@later"
	break_fix error dataset.children "rpool/nixos/empty/child" \
		"zfs create $ROOT_DS/child" "zfs destroy $ROOT_DS/child"
	break_fix warning dataset.mountpoint "mountpoint=none" \
		"zfs set mountpoint=none $ROOT_DS" "zfs set mountpoint=legacy $ROOT_DS"
	break_fix warning layout.compression "rpool/nixos/home" \
		"zfs set compression=off rpool/nixos/home" "zfs inherit compression rpool/nixos/home"
	break_fix warning layout.nix-atime "atime=on" \
		"zfs set atime=on rpool/nixos/nix" "zfs set atime=off rpool/nixos/nix"
	reserved=$(zfs get -Hp -o value refreservation rpool/reserved)
	break_fix warning layout.reservation "of the pool" \
		"zfs set refreservation=1M rpool/reserved" "zfs set refreservation=$reserved rpool/reserved"
	mkdir -p /etc/modprobe.d
	break_fix warning layout.arc-max "asks for 256.0 MiB" \
		"echo 'options zfs zfs_arc_max=268435456' >/etc/modprobe.d/zfs.conf" \
		"echo 268435456 >/sys/module/zfs/parameters/zfs_arc_max"
	expect_finding ok layout.arc-max "256.0 MiB"
	break_fix warning layout.arc-max "ZFS ignored it" \
		"echo 'options zfs zfs_arc_max=1000' >/etc/modprobe.d/zfs.conf && echo 1000 >/sys/module/zfs/parameters/zfs_arc_max" \
		"rm /etc/modprobe.d/zfs.conf && echo 268435456 >/sys/module/zfs/parameters/zfs_arc_max"
	degraded_pool
	wrong_root_dataset
}

# A mirror of two files: one offline makes the pool DEGRADED.
degraded_pool() {
	step "a degraded pool (a mirror on two files, one of them offline)"
	truncate -s 128M /tmp/a.img /tmp/b.img
	zpool create -O compression=lz4 -O mountpoint=none tpool mirror /tmp/a.img /tmp/b.img || fail "zpool create tpool"
	zfs create -p -o mountpoint=legacy tpool/nixos/empty && zfs snapshot tpool/nixos/empty@start || fail "tpool layout"
	echo '{"pool":"tpool","dataset":"tpool/nixos/empty","snapshot":"start","entries":[]}' >/tmp/tpool.json
	check_run --config /tmp/tpool.json
	expect_clean
	break_fix warning pool.health "DEGRADED, status offline-device" \
		"zpool offline tpool /tmp/b.img" "zpool online tpool /tmp/b.img && zpool wait -t resilver tpool" --config /tmp/tpool.json
	zpool destroy tpool
}

# The root mounted at /sysroot is another dataset than the configured one.
wrong_root_dataset() {
	step "the root is not the configured dataset"
	mount_sysroot
	run blankslate persist --root /sysroot
	check_run --root /sysroot
	expect_clean
	sed 's/"dataset":"tpool\/nixos\/empty"/"dataset":"rpool\/nixos\/home"/; s/tpool/rpool/' /tmp/tpool.json >/tmp/home.json
	check_run --root /sysroot --config /tmp/home.json
	expect_rc 1
	expect_finding error dataset.root "is rpool/nixos/empty, not rpool/nixos/home"
	umount /sysroot/etc/nixos /sysroot/var/log /sysroot/var/lib /sysroot/nix /sysroot/persist /sysroot/home /sysroot
}
