#!/usr/bin/env bash
# Installs everything blankslate's build and tests need on a fresh Debian 12 machine:
# the 6.12 kernel and headers from bookworm-backports (the VM guest kernel), OpenZFS
# 2.3 (zfs-dkms builds the module for that kernel, ~5 min), libzfs headers and static
# archives for the cgo binding, qemu, busybox, dracut with its zfs module, nix-bin
# (parse and evaluation checks of the .nix files), and pkg-config with the .pc files
# libzfs's Requires.private name (blkid, uuid, libtirpc, zlib, libcrypto) for
# nix/tests/package-build.sh, and gcc with the static libc (cgo, and the benchmark's
# static guest helpers in bench/tools), and mmdebstrap (the Debian userland the dracut
# module is booted with, make userland-test). Safe to run again: it does nothing when all is there.
set -euo pipefail

KVER_GLOB='/lib/modules/6.12.*-amd64/updates/dkms/zfs.ko*'

have_all() {
	command -v qemu-system-x86_64 >/dev/null &&
		[ -x /bin/busybox ] &&
		[ -f /usr/include/libzfs/libzfs.h ] &&
		[ -f /usr/lib/x86_64-linux-gnu/libzfs.a ] &&
		command -v dracut >/dev/null &&
		command -v nix-instantiate >/dev/null &&
		command -v pkg-config >/dev/null &&
		command -v python3 >/dev/null &&
		command -v strings >/dev/null &&
		command -v cc >/dev/null &&
		[ -f /usr/lib/x86_64-linux-gnu/libc.a ] &&
		pkg-config --exists blkid uuid libtirpc zlib libcrypto &&
		command -v file >/dev/null &&
		command -v sgdisk >/dev/null &&
		command -v setfattr >/dev/null &&
		command -v cpio >/dev/null &&
		command -v mmdebstrap >/dev/null &&
		command -v xz >/dev/null &&
		command -v zstd >/dev/null &&
		[ -x /usr/bin/time ] &&
		compgen -G "$KVER_GLOB" >/dev/null &&
		compgen -G '/boot/vmlinuz-6.12.*-amd64' >/dev/null
}

if have_all; then
	echo "install-deps: everything is installed"
	exit 0
fi

# contrib (OpenZFS) and bookworm-backports (kernel 6.12, OpenZFS 2.3) are not in the
# default sources of this machine image.
src=/etc/apt/sources.list.d/blankslate-backports.sources
want='Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
if [ "$(cat "$src" 2>/dev/null)" != "$want" ]; then
	printf '%s\n' "$want" >"$src"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	qemu-system-x86 busybox-static file gdisk dosfstools e2fsprogs cpio zstd \
	nix-bin kmod ca-certificates attr time xz-utils \
	pkg-config libblkid-dev uuid-dev libtirpc-dev zlib1g-dev libssl-dev \
	python3 binutils gcc libc6-dev mmdebstrap
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	linux-image-amd64 linux-headers-amd64
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	dkms zfs-dkms zfsutils-linux libzfslinux-dev dracut zfs-dracut \
	systemd systemd-sysv

if ! compgen -G "$KVER_GLOB" >/dev/null; then
	echo "install-deps: the zfs module for the 6.12 kernel was not built" >&2
	exit 1
fi
echo "install-deps: done"
