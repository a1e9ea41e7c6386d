#!/bin/bash
# dracut module: blankslate in a systemd initrd. It installs the blankslate binary, its
# configuration and the two initrd units, and enables the units, so that the rollback
# runs after the pool is imported and before /sysroot is mounted, and persist runs after
# /sysroot and /sysroot/persist are mounted and before initrd-fs.target.
#
# Installed by `make install` into /usr/lib/dracut/modules.d/90blankslate, which is where
# dracut looks on Debian and Fedora. It is never part of an image unless asked for
# (`dracut --add blankslate`, or add_dracutmodules+=" blankslate " in a file in
# /etc/dracut.conf.d/): a module that rolls the root back must not start doing so because
# a package was installed. docs/dracut.md, "Install", says how.
#
# Where the files come from (each can be set in a dracut.conf.d file, which dracut
# sources before it runs modules; `make install` writes the defaults for its prefix):
#   blankslate_binary   the static binary                (default /usr/bin/blankslate)
#   blankslate_unitdir  blankslate-rollback.service and blankslate-persist.service
#                       (default dracut's $systemdsystemunitdir, /usr/lib/systemd/system)
#   blankslate_config   the configuration                 (default /etc/blankslate/config.json;
#                       left out when absent: the binary then uses its defaults)
# shellcheck disable=SC2154 # initdir, systemdsystemunitdir, mount_needs: set by dracut

# The two lines below are rewritten by `make install` (Makefile, install target).
blankslate_default_binary=/usr/bin/blankslate
blankslate_default_unitdir=

blankslate_units="blankslate-rollback.service blankslate-persist.service"

# blankslate_paths sets the three paths, from dracut.conf.d or the defaults.
blankslate_paths() {
	: "${blankslate_binary:=$blankslate_default_binary}"
	: "${blankslate_unitdir:=${blankslate_default_unitdir:-$systemdsystemunitdir}}"
	: "${blankslate_config:=/etc/blankslate/config.json}"
}

# check: the gate is that of OpenZFS's 90zfs (the tools the image needs must be on the
# host, else return 1) and of ZFSBootMenu's modules (return 255: included only when
# asked for by name or required by another module, never by default).
check() {
	# Nothing here mounts the root: not needed for `dracut --mount`-style checks.
	[[ $mount_needs ]] && return 1
	blankslate_paths
	require_binaries zfs zpool || return 1
	[[ -x $blankslate_binary ]] || {
		dwarn "blankslate: no executable $blankslate_binary; run make install, or set blankslate_binary in /etc/dracut.conf.d"
		return 1
	}
	local unit
	for unit in $blankslate_units; do
		[[ -f $blankslate_unitdir/$unit ]] || {
			dwarn "blankslate: $blankslate_unitdir/$unit is missing; run make install, or set blankslate_unitdir in /etc/dracut.conf.d"
			return 1
		}
	done
	return 255
}

# depends: the units are systemd units ordered against the systemd initrd's targets
# (initrd.target, initrd-fs.target, sysroot.mount), and the rollback runs after the zfs
# module's zfs-import.target.
depends() {
	echo systemd systemd-initrd zfs
	return 0
}

install() {
	blankslate_paths

	# The units run /bin/blankslate. On merged-/usr hosts dracut makes /bin a symlink to
	# usr/bin in the image; elsewhere the binary is linked there too. It is static: no
	# libraries to resolve.
	inst_simple "$blankslate_binary" /usr/bin/blankslate ||
		{ dfatal "blankslate: cannot install $blankslate_binary"; exit 1; }
	if [[ ! -e $initdir/bin/blankslate ]]; then
		ln_r /usr/bin/blankslate /bin/blankslate
	fi

	# Not marked host-only (-H) as 90zfs marks /etc/hostid: rd.hostonly=0 deletes such
	# files at boot, and a rollback without its configuration would keep nothing the
	# administrator declared. Absent, the binary's defaults hold.
	if [[ -f $blankslate_config ]]; then
		inst_simple "$blankslate_config" /etc/blankslate/config.json ||
			{ dfatal "blankslate: cannot install $blankslate_config"; exit 1; }
	fi

	local unit
	for unit in $blankslate_units; do
		inst_simple "$blankslate_unitdir/$unit" "$systemdsystemunitdir/$unit" ||
			{ dfatal "blankslate: cannot install $blankslate_unitdir/$unit"; exit 1; }
		# Drop-ins an administrator wrote on the host (as 90zfs takes its units' ones;
		# not -H, for the reason above).
		inst_multiple -o "$systemdsystemconfdir/$unit.d/"*.conf
	done

	# enable, not add-wants: it makes every link of the units' [Install] sections,
	# including sysroot.mount.requires/blankslate-rollback.service, without which the
	# root is mounted although the rollback failed (systemd/blankslate-rollback.service).
	# shellcheck disable=SC2086
	systemctl -q --root "$initdir" enable $blankslate_units ||
		{ dfatal "blankslate: systemctl --root $initdir enable failed"; exit 1; }
}
