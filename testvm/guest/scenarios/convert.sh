# Converting an installed, non-ephemeral root to blankslate, as docs/convert.md says,
# over three boots of one disk. The commands marked "docs/convert.md step N" are the
# guide's, in its order: keep the two in sync (a change to one is a change to the
# other). Boot 1 first lays the disk out as a non-ephemeral install (that part is not
# the guide's), then runs steps 1 and 3 in the initrd, where this harness has its zfs
# command (on a real machine they run on the running system; the ZFS calls are the
# same). Boot 2 is the guide's step 4, blankslate.rollback=skip: the copy of the old
# root is booted, and stage 2 runs steps 5 (diff) and 6 (adopt). Boot 3 is step 7, a
# normal boot: the root is reset, and every declared or adopted path must have the
# checksum it had on the old root, and the junk must be gone.
OLD=rpool/nixos/root  # the guide finds it with findmnt -no SOURCE /
POOL=${OLD%%/*}
# Kept on the nix dataset: at $STATE in stage 2, at $M/nix$STATE_REL in the initrd.
SUMS=convert-sums
ENTRIES=convert-entries
# What the guide keeps: the default entries it seeds (step 3) and what boot 2 adopts.
# /var/log/messages rather than /var/log: persist saves its audit records beneath /var/log.
KEPT="/etc/nixos /etc/ssh /etc/machine-id /var/lib/nixos /var/log/messages /root/important.txt /srv/data"
JUNK="/etc/junk-old.conf /var/cache/old /tmp/leftover /root/junk-boot2"

scenario() {
	in_initrd
	case $BOOT in
	1) make_install && guide_steps_1_3 && record_sums ;;
	2) boot_skip ;;
	*) boot_normal ;;
	esac
}

# make_install: the disk as an installed NixOS without blankslate leaves it: one root
# dataset holding everything (no blank root, no persistent dataset), /nix and /home on
# datasets of their own.
make_install() {
	step "a non-ephemeral install: $OLD holds the whole root"
	zfs destroy -r $ROOT_DS && zfs destroy -r rpool/nixos/persist || { fail "clearing the seed layout"; return 1; }
	zfs create -o mountpoint=legacy $OLD || { fail "create $OLD"; return 1; }
	mount_ds $OLD $M/install
	cd $M/install || return 1
	mkdir -p etc/nixos etc/ssh var/lib/nixos var/lib/other var/log var/cache/old root srv/data/sub tmp
	echo '{ ... }: { networking.hostName = "converted"; }' >etc/nixos/configuration.nix
	dd if=/dev/urandom of=etc/ssh/ssh_host_ed25519_key bs=399 count=1 2>/dev/null
	chmod 0600 etc/ssh/ssh_host_ed25519_key
	echo "ssh-ed25519 AAAAC3Nza-test root@converted" >etc/ssh/ssh_host_ed25519_key.pub
	ln -s /etc/static/ssh/sshd_config etc/ssh/sshd_config
	echo 0123456789abcdef0123456789abcdef >etc/machine-id && chmod 0444 etc/machine-id
	printf '{"alice":1000,"postgres":71}\n' >var/lib/nixos/uid-map
	printf '{"users":100,"postgres":71}\n' >var/lib/nixos/gid-map
	echo state >var/lib/other/state
	echo "boot log" >var/log/messages
	dd if=/dev/urandom of=root/important.txt bs=1k count=3 2>/dev/null && chmod 0600 root/important.txt
	chmod 0700 root
	echo precious >srv/data/file
	dd if=/dev/urandom of=srv/data/sub/blob bs=64k count=4 2>/dev/null
	chown -R 1000:100 srv/data && chmod 0750 srv/data
	echo junk >etc/junk-old.conf
	dd if=/dev/urandom of=var/cache/old/blob bs=64k count=2 2>/dev/null
	echo leftover >tmp/leftover
	cd / && umount $M/install
}

guide_steps_1_3() {
	step "docs/convert.md step 1: the blank root, its @start, the persistent dataset"
	zfs list $POOL/nixos >/dev/null 2>&1 || zfs create -o mountpoint=none -o canmount=off $POOL/nixos
	zfs create -o mountpoint=legacy $POOL/nixos/empty || fail "create $POOL/nixos/empty"
	zfs snapshot $POOL/nixos/empty@start || fail "snapshot @start"
	zfs create -o mountpoint=legacy $POOL/nixos/persist || fail "create $POOL/nixos/persist"

	step "docs/convert.md step 3: copy the old root from a snapshot, move the declared paths to /persist"
	zfs snapshot $OLD@convert || fail "snapshot $OLD@convert"
	mkdir -p /mnt/old /mnt/new /mnt/persist
	mount -t zfs -o ro $OLD@convert /mnt/old || fail "mount $OLD@convert"
	mount -t zfs $POOL/nixos/empty /mnt/new || fail "mount the new root"
	mount -t zfs $POOL/nixos/persist /mnt/persist || fail "mount the persistent dataset"
	cp -a /mnt/old/. /mnt/new/ || fail "copy the old root"
	cd /mnt/new
	for p in etc/nixos etc/ssh etc/machine-id var/log var/lib; do
		mkdir -p "/mnt/persist/$(dirname "$p")"
		mv "$p" "/mnt/persist/$p" || fail "move $p"
	done
	cd /
	umount /mnt/persist /mnt/new /mnt/old || fail "unmount"
	zfs list -o name,used,refer,mountpoint -t all -r $POOL/nixos
}

# path_sum DIR PATH: one checksum of PATH beneath DIR (a directory's whole tree, or a
# file's size, owner, mode, mtime and content), following a symlink at PATH itself.
path_sum() {
	if [ -d "$1$2" ]; then
		(cd "$1$2" && find . -xdev | sort | while read -r f; do entry_line "$f"; done) | sha256sum | cut -d' ' -f1
	else
		{ stat -L -c '%s %u:%g %a %Y' "$1$2" && sha256sum <"$1$2"; } | sha256sum | cut -d' ' -f1
	fi
}

# entry_line F: F's name, type, size, owner, mode, mtime and content (a symlink's
# target text instead of its mtime: the copy in step 3 is made here by busybox's cp
# and mv, which set a copied symlink's time to now; GNU cp -a keeps it).
entry_line() {
	if [ -L "$1" ]; then
		stat -c '%n %F %s %u:%g %a' "$1" && readlink "$1"
	else
		stat -c '%n %F %s %u:%g %a %Y' "$1"
		[ ! -f "$1" ] || sha256sum <"$1"
	fi
}

# tree_list DIR PATH: what path_sum sums, for the console when the sums differ.
tree_list() {
	(cd "$1$2" 2>/dev/null && find . -xdev | sort | while read -r f; do entry_line "$f" | sed "s|^|    $2: |"; done) ||
		stat -L -c "    $2: %s %u:%g %a %Y" "$1$2"
}

# record_sums: each kept path's checksum on the old root's @convert snapshot, kept
# on the nix dataset for boot 3.
record_sums() {
	mount_ds $OLD@convert $M/old ro
	mount_ds rpool/nixos/nix $M/nix
	mkdir -p $M/nix$STATE_REL
	: >$M/nix$STATE_REL/$ENTRIES
	for p in $KEPT; do
		echo "$p $(path_sum $M/old $p)"
	done >$M/nix$STATE_REL/$SUMS
	sed 's/^/CONVERT-BEFORE /' $M/nix$STATE_REL/$SUMS
	for p in $KEPT; do tree_list $M/old $p; done
	umount $M/nix $M/old
}

# convert_config FILE [ENTRIES]: the module's default entries, the previous root kept
# (blankslate.keepRoots = 1), and the entries adopt printed, if any.
convert_config() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<-END
	{"pool":"rpool","dataset":"rpool/nixos/empty","snapshot":"start","keep":{"roots":1},"entries":[
	 {"path":"/etc/nixos","how":"bind","type":"directory"},{"path":"/etc/ssh","how":"symlink","type":"directory"},
	 {"path":"/var/log","how":"bind","type":"directory"},{"path":"/var/lib","how":"bind","type":"directory"},
	 {"path":"/etc/machine-id","how":"symlink","type":"file","mode":"0444"}${2:+,$2}]}
	END
}

boot_skip() {
	step "docs/convert.md step 4: the first boot, with blankslate.rollback=skip"
	convert_config /etc/blankslate/config.json
	run blankslate rollback
	expect_rc 0
	expect_out "[skipped] blankslate.rollback=skip is on the kernel command line"
	into_root ""
}

boot_normal() {
	step "docs/convert.md step 7: a normal boot, with the adopted paths declared"
	mount_ds rpool/nixos/nix $M/nix ro
	extra=$(tr '\n' , <$M/nix$STATE_REL/$ENTRIES | sed 's/,$//')
	umount $M/nix
	[ -n "$extra" ] || fail "boot 2 left no entries from adopt"
	echo "CONVERT-DECLARED $extra"
	convert_config /etc/blankslate/config.json "$extra"
	run blankslate rollback
	expect_rc 0
	expect_root_blank
	into_root "$extra"
}

into_root() { # extra entries
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	convert_config /sysroot/etc/blankslate/config.json "$1"
	install_in_root
	switch_to_root
}

stage2() {
	use_installed
	# adopt takes the run lock in /run, a tmpfs on a real system; stage 2 has none.
	mkdir -p /run && mount -t tmpfs run /run || fail "mount /run"
	expect_bind /etc/nixos
	expect_link /etc/ssh /persist/etc/ssh
	expect_link /etc/machine-id /persist/etc/machine-id
	expect_bind /var/lib
	case $BOOT in
	2) guide_steps_5_6 ;;
	*) after_conversion ;;
	esac
}

guide_steps_5_6() {
	compare_sums "/etc/nixos /etc/ssh /etc/machine-id /var/lib/nixos /var/log/messages"
	[ -f /etc/junk-old.conf ] || fail "the skipped boot lacks the old root's files"
	echo "junk of boot 2" >/root/junk-boot2
	step "docs/convert.md step 5: what a reset would erase"
	run blankslate diff
	expect_rc 0
	expect_out "F /root/important.txt"
	expect_out "F /srv/data/file"
	echo "$OUT" | grep -E '^  (\+ F /root/important.txt|\+ F /srv/data/|\+ / /srv)' | sed 's/^ */CONVERT-DIFF /'
	step "docs/convert.md step 6: adopt each forgotten path"
	for p in /root/important.txt /srv/data; do
		run blankslate adopt $p
		expect_rc 0
		expect_out "Adopted $p"
		echo "$OUT" | head -1 | sed 's/^/CONVERT-ADOPT /'
		echo "$OUT" | grep '^  {"path":' | sed 's/^ *//' >>$STATE/$ENTRIES
	done
	[ "$(wc -l <$STATE/$ENTRIES)" = 2 ] || fail "adopt printed $(wc -l <$STATE/$ENTRIES) config.json entries, want 2"
	check_run
	expect_finding warning persist.adopted "the next boot will not attach it"
}

compare_sums() { # paths
	for p in $1; do
		want=$(awk -v p="$p" '$1 == p { print $2 }' $STATE/$SUMS)
		got=$(path_sum "" "$p")
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			echo "CONVERT-KEPT boot$BOOT $p $got (as on the old root)"
		else
			fail "$p: checksum $got, on the old root $want"
			tree_list "" "$p"
		fi
	done
}

after_conversion() {
	compare_sums "$KEPT"
	expect_bind /srv/data
	expect_link /root/important.txt /persist/root/important.txt
	for p in $JUNK /root/.blankslate-adopted.important.txt /srv/.blankslate-adopted.data; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			fail "$p survived the reset"
		else
			echo "CONVERT-GONE $p"
		fi
	done
	run blankslate roots
	expect_rc 0
	expect_out "1 kept root(s)"
	echo "$OUT" | grep -F 'kept root(s)' | sed 's/^/CONVERT-ROOTS /'
	check_run
	echo "$OUT" | grep -q '"check":"persist.adopted"' && fail "check still warns of an adopted path"
	echo "CONVERT-CHECK exit $RC; no persist.adopted finding"
}
