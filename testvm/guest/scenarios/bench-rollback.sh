# Benchmark: blankslate rollback next to `zfs rollback -r` on the same dirty root
# (the same 50 MB and small files each round), three rounds each, and the default
# persist entries. Prints BENCH lines that `make bench` collects.
scenario() {
	in_initrd
	for round in 1 2 3; do
		dirty_root
		w=$(written)
		/usr/bin/time -f '%e %M' -o /tmp/t blankslate rollback >/tmp/out 2>&1 || fail "blankslate rollback"
		took=$(sed -n 's/.*rolled back to .*(\([0-9.]*[mµ]*s\)).*/\1/p' /tmp/out | head -1)
		read -r secs kb </tmp/t
		echo "BENCH rollback tool=blankslate round=$round written=$w wall_s=$secs maxrss_kb=$kb self_reported=$took"
		dirty_root
		w=$(written)
		/usr/bin/time -f '%e %M' -o /tmp/t zfs rollback -r $SNAP || fail "zfs rollback -r"
		read -r secs kb </tmp/t
		echo "BENCH rollback tool=zfs round=$round written=$w wall_s=$secs maxrss_kb=$kb"
	done
	# The same without the audit trail (its read-only listing runs before the rollback).
	echo '{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","audit":{"enable":false}}' >/tmp/noaudit.json
	for round in 1 2 3; do
		dirty_root
		w=$(written)
		/usr/bin/time -f '%e %M' -o /tmp/t blankslate rollback --config /tmp/noaudit.json >/tmp/out 2>&1 || fail "blankslate rollback without audit"
		took=$(sed -n 's/.*rolled back to .*(\([0-9.]*[mµ]*s\)).*/\1/p' /tmp/out | head -1)
		read -r secs kb </tmp/t
		echo "BENCH rollback tool=blankslate-no-audit round=$round written=$w wall_s=$secs maxrss_kb=$kb self_reported=$took"
	done
	expect_root_blank
	mount_sysroot
	/usr/bin/time -f '%e %M' -o /tmp/t blankslate persist --root /sysroot >/tmp/out 2>&1 || fail "persist"
	read -r secs kb </tmp/t
	took=$(sed -n 's/.*entries attached.*(\([0-9.]*[mµ]*s\)).*/\1/p' /tmp/out | head -1)
	echo "BENCH persist entries=5 wall_s=$secs maxrss_kb=$kb self_reported=$took"
	umount -R /sysroot
}
