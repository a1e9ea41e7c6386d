# blankslate check in the initrd after persist and on the running system (after
# switch-root): every finding about the persistent paths and the Docker zvol,
# each broken, reported with exit 1, repaired, and clean again.
scenario() {
	in_initrd
	run blankslate rollback
	expect_rc 0
	mount_sysroot
	run blankslate persist --root /sysroot
	expect_rc 0
	step "in the initrd after persist: the root is /sysroot"
	check_run
	expect_clean
	expect_finding ok dataset.root "is rpool/nixos/empty"
	expect_finding ok layout.nix-atime rpool/nixos/nix
	echo '/dev/zvol/rpool/docker /var/lib/docker ext4 defaults 0 2' >/sysroot/etc/fstab
	break_fix error layout.docker-zvol "does not exist, but /etc/fstab mounts /dev/zvol/rpool/docker at /var/lib/docker" \
		"zfs rename rpool/docker rpool/docker-away" "zfs rename rpool/docker-away rpool/docker"
	expect_finding ok layout.docker-zvol "for /var/lib/docker (in /etc/fstab)"
	break_fix error persist.attached "blankslate persist --root /sysroot" \
		"umount /sysroot/var/log" "blankslate persist --root /sysroot >/dev/null"
	rm /sysroot/etc/fstab
	install_in_root
	switch_to_root
}

stage2() {
	use_installed
	step "the running system"
	run blankslate check
	expect_rc 0
	expect_out "No problems"
	check_run
	expect_clean
	expect_finding ok dataset.root "/"
	expect_finding ok persist.attached "bind-mounted from /persist/var/log"
	expect_finding ok persist.attached "a symlink to /persist/etc/ssh"
	expect_finding ok persist.hidden "the mount hides nothing"
	step "two things broken at once, as a person sees it"
	chmod 0700 /persist/var/log
	rm /etc/ssh
	run blankslate check
	expect_rc 1
	expect_out "2 problems: 1 error, 1 warning"
	chmod 0755 /persist/var/log
	ln -s /persist/etc/ssh /etc/ssh
	check_run
	expect_clean
	break_fix warning persist.copy "mode 0700, declared 0755" \
		"chmod 0700 /persist/var/log" "chmod 0755 /persist/var/log"
	break_fix error persist.copy "persist refuses it: /persist/etc/nixos is owned by uid 1000, not root" \
		"chown 1000:100 /persist/etc/nixos" "chown 0:0 /persist/etc/nixos"
	break_fix error persist.attached "is not attached: /var/log is not a mount point" \
		"umount /var/log" "mount --bind /persist/var/log /var/log"
	break_fix error persist.attached "is not attached: /etc/ssh does not exist" \
		"rm /etc/ssh" "ln -s /persist/etc/ssh /etc/ssh"
	break_fix warning persist.hidden "hides 1 entries on the root dataset (stray)" \
		"umount /var/lib && echo x >/var/lib/stray && mount --bind /persist/var/lib /var/lib" \
		"umount /var/lib && rm /var/lib/stray && mount --bind /persist/var/lib /var/lib"
	break_fix error persist.copy "does not exist" \
		"mv /persist/etc/machine-id /persist/machine-id.saved" "mv /persist/machine-id.saved /persist/etc/machine-id"
	step "a file system mounted over /var after boot covers the /var/log and /var/lib binds"
	mount -t tmpfs -o mode=0755 cover /var || fail "mount a tmpfs on /var"
	mkdir -p /var/log /var/lib
	run blankslate check
	expect_rc 1
	expect_out "ERROR    persist.covered"
	check_run
	expect_rc 1
	expect_finding error persist.covered "was bind-mounted from /persist/var/log at boot, but /var (cover, tmpfs) was mounted over /var afterwards"
	expect_finding error persist.covered "neededForBoot = true"
	umount /var || fail "could not remove the cover"
	check_run
	expect_clean
	break_fix error persist.mounted "is not a mount point" \
		"umount /etc/nixos /var/log /var/lib && umount /persist" \
		"mount -t zfs rpool/nixos/persist /persist && for d in /etc/nixos /var/log /var/lib; do mount --bind /persist\$d \$d; done"
}
