# temporary probe: does an idle pool advance its txg?
scenario() {
	t() { awk 'NR>2 && $3=="C" {l=$1} END {print l}' /proc/spl/kstat/zfs/rpool/txgs; }
	head -3 /proc/spl/kstat/zfs/rpool/txgs
	tail -3 /proc/spl/kstat/zfs/rpool/txgs
	echo "synced txg: $(t)"
	sleep 12
	echo "after 12 s idle: $(t)"
	tail -3 /proc/spl/kstat/zfs/rpool/txgs
	zfs list >/dev/null; zpool status >/dev/null; zfs get all >/dev/null; zpool get all >/dev/null
	sleep 6
	echo "after zfs list/get: $(t)"
	mount_ds rpool/nixos/persist $M/p ro
	find $M/p >/dev/null; cat $M/p/data/file; umount $M/p
	sleep 6
	echo "after ro mount: $(t)"
	ls /proc/spl/kstat/zfs/rpool/
	cat /sys/module/zfs/parameters/zfs_arc_max
	grep -E '^c_max|^c_min' /proc/spl/kstat/zfs/arcstats
	cat /proc/spl/kstat/zfs/rpool/state 2>/dev/null
}
