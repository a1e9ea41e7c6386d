# blankslate roots and restore on real ZFS, two boots of one disk
# (keep.roots 1). Boot 1 resets the root and writes a home directory with
# what a copy must keep: owner, mode, an xattr, an old mtime, two hard
# links, a sparse file, and a symlink to /etc/shadow. Boot 2 keeps that
# root, then restores the directory from it into the persistent root and a
# file into the running root: everything comes back as it was, the symlink
# as a symlink (nothing is read through it), a second restore is refused
# naming the files, and --force replaces them.
. /scenarios/keep-roots-retention.sh

H=home/alice

scenario() {
	in_initrd
	keep_config 1
	run blankslate rollback
	expect_rc 0
	if [ "$BOOT" = 1 ]; then
		write_home
		return
	fi
	mount_ds rpool/nixos/persist /persist
	run blankslate roots
	expect_rc 0
	expect_out "1 kept root(s)"
	short_of_space
	t0=$(now_ms)
	run blankslate restore /$H --to /persist
	echo "TIMING restore of /$H $(($(now_ms) - t0)) ms (guest clock)"
	expect_rc 0
	expect_out "/persist/$H/notes: restored (regular file"
	expect_out "/persist/$H/hard2: hard link to /persist/$H/hard1"
	expect_restored /persist/$H
	run blankslate restore /$H --to /persist
	expect_rc 1
	expect_out "/persist/$H/notes"
	expect_out "add --force to replace"
	echo changed >/persist/$H/notes
	run blankslate restore /$H/notes --to /persist --force
	expect_rc 0
	expect_out "replaced"
	[ "$(cat /persist/$H/notes)" = "alice's notes" ] || fail "--force did not replace the file"
	# The test initramfs's / is a rootfs of mode 1777, which restore
	# refuses (anybody could rename what it writes into); a real root is 0755.
	chmod 0755 /
	run blankslate restore /$H/notes
	expect_rc 0
	[ "$(owner_mode /$H/notes)" = "1000:100 640" ] || fail "/$H/notes on the running root is $(owner_mode /$H/notes)"
	run blankslate restore /nothing/here --to /persist
	expect_rc 1
	expect_out "not in the kept root"
	progress_on_a_terminal
	umount /persist
}

# short_of_space: with a quota leaving the persistent dataset 32 MiB, the
# 48 MiB of /home/alice are refused before anything is written, with both
# numbers.
short_of_space() {
	step "the persistent dataset short of space (a quota): refused, nothing written"
	used=$(zfs get -Hp -o value used rpool/nixos/persist)
	zfs set quota=$((used + 32 * 1024 * 1024)) rpool/nixos/persist || fail "zfs set quota"
	run blankslate restore /$H --to /persist
	expect_rc 1
	expect_out "the copy needs 48."
	expect_out "MiB free; nothing was copied"
	[ ! -e /persist/$H ] || fail "something was written: $(ls -la /persist/$H)"
	zfs set quota=none rpool/nixos/persist || fail "zfs set quota=none"
}

# progress_on_a_terminal: the console is a terminal: the copy's line is
# rewritten in place (the log shows each \r as a line of its own).
progress_on_a_terminal() {
	step "progress on a terminal"
	rm -rf /persist/$H
	echo "\$ blankslate restore /$H --to /persist  (on the console)"
	blankslate restore /$H --to /persist
	RC=$?
	echo "(exit $RC)"
	expect_rc 0
	expect_restored /persist/$H
}

write_home() {
	mount_ds $ROOT_DS $M/root
	d=$M/root/$H
	mkdir -p $d
	echo "alice's notes" >$d/notes
	setfattr -n user.tag -v kept $d/notes || fail "setfattr"
	touch -d '2020-01-02 03:04:05' $d/notes
	echo shared >$d/hard1
	ln $d/hard1 $d/hard2
	dd if=/dev/zero of=$d/sparse bs=1 count=1 seek=104857599 2>/dev/null
	dd if=/dev/urandom of=$d/big bs=1M count=48 2>/dev/null || fail "48 MiB file"
	ln -s /etc/shadow $d/shadow-link
	chown -R 1000:100 $d
	chown -h 1000:100 $d/shadow-link
	chmod 0640 $d/notes
	chmod 0700 $d
	sync
	umount $M/root
}

expect_restored() {
	d=$1
	[ "$(owner_mode $d)" = "1000:100 700" ] || fail "$d is $(owner_mode $d)"
	[ "$(owner_mode $d/notes)" = "1000:100 640" ] || fail "$d/notes is $(owner_mode $d/notes)"
	[ "$(cat $d/notes)" = "alice's notes" ] || fail "$d/notes holds $(cat $d/notes)"
	[ "$(getfattr --only-values -n user.tag $d/notes 2>/dev/null)" = kept ] || fail "$d/notes lost its xattr"
	[ "$(stat -c %Y $d/notes)" = "$(date -d '2020-01-02 03:04:05' +%s)" ] || fail "$d/notes has mtime $(stat -c %Y $d/notes)"
	[ "$(stat -c %i $d/hard1)" = "$(stat -c %i $d/hard2)" ] || fail "hard1 and hard2 are not one file"
	[ "$(stat -c %s $d/sparse)" = 104857600 ] || fail "sparse has size $(stat -c %s $d/sparse)"
	[ "$(stat -c %b $d/sparse)" -lt 1024 ] || fail "sparse takes $(stat -c %b $d/sparse) blocks: the holes were filled"
	[ -L $d/shadow-link ] && [ "$(readlink $d/shadow-link)" = /etc/shadow ] || fail "shadow-link is not a symlink to /etc/shadow"
	[ "$(stat -c %u:%g $d/shadow-link)" = "1000:100" ] || fail "shadow-link is owned by $(stat -c %u:%g $d/shadow-link)"
	[ ! -e /persist/etc/shadow ] || fail "something was written through the symlink"
	ls -ln $d | sed 's/^/    | /'
}
