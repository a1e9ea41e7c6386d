# A disk image with the seed layout of docs/DESIGN.md, built in a throw-away VM with the
# same zfs userland and kernel module as the test machines (so every pool feature is
# importable), then exported cleanly and stored as qcow2. Each test machine boots a
# private copy-on-write overlay of it.
#
# Pattern from nixpkgs nixos/lib/make-single-disk-zfs-image.nix (vmTools.override with
# the zfs module in rootModules and the kernel's modules in aggregateModules,
# runInLinuxVM, qemu-img in postVM); unlike that builder nothing is installed on the
# disk: test VMs get /nix/store from the host (qemu-vm.nix), and NixOS activation builds
# / from scratch at every boot, which is the point.
#
# How vmTools (pkgs/build-support/vm/default.nix) runs the VM, and what follows here:
#  - it attaches $diskImage itself (`-drive file=$diskImage,if=virtio,...` when the
#    variable is set), so preVM only sets diskImage; a second -drive for the same file
#    would make qemu refuse to start (it cannot take the image's write lock twice);
#  - it mounts the Nix store and its exchange directory with virtiofs, so an overridden
#    rootModules must keep virtiofs and the other modules of its default list;
#  - it loads modules from `lib.getOutput "modules" kernel`, and a kernel whose
#    modules are in a separate output has none in `out`: aggregateModules gets the
#    kernel, its modules output and the zfs module.
#
#   ESP (64 MiB, vfat)              unused: the test VMs boot the kernel directly
#   rpool                           compression=lz4, acltype=posixacl, xattr=sa
#     rpool/nixos/empty@start       /         (snapshot taken while empty)
#     rpool/nixos/nix               /nix      atime=off
#     rpool/nixos/home              /home
#     rpool/nixos/persist           /persist
#     rpool/docker                  zvol, ext4 (sparse 256 MiB here, 50 GB on real disks)
#     rpool/reserved                refreservation = 10 % of the pool
{
  pkgs,
  lib ? pkgs.lib,
  kernelPackages ? pkgs.linuxPackages,
  zfs ? pkgs.zfs,
  diskSizeMiB ? 2048,
}:

let
  zfsModule = kernelPackages.${zfs.kernelModuleAttribute or "zfs"};
  vmTools = pkgs.vmTools.override {
    # vmTools' default list, plus zfs.
    rootModules = [
      "virtio_pci"
      "virtio_mmio"
      "virtio_blk"
      "virtio_balloon"
      "virtio_rng"
      "ext4"
      "virtiofs"
      "crc32c_generic"
      "zfs"
    ];
    kernel = pkgs.aggregateModules [
      kernelPackages.kernel
      (lib.getOutput "modules" kernelPackages.kernel)
      zfsModule
    ];
  };
  qemuImg = "${pkgs.qemu_test}/bin/qemu-img";
  tools = lib.makeBinPath [
    zfs
    pkgs.parted
    pkgs.dosfstools
    pkgs.e2fsprogs
    pkgs.util-linux
    pkgs.coreutils
  ];
in
vmTools.runInLinuxVM (
  pkgs.runCommand "blankslate-seed-disk"
    {
      memSize = 1024;
      # No -drive here: vmTools attaches $diskImage (set in preVM) as /dev/vda.
      preVM = ''
        mkdir -p $out
        diskImage=seed.raw
        ${qemuImg} create -f raw $diskImage ${toString diskSizeMiB}M
      '';
      postVM = ''
        ${qemuImg} convert -f raw -O qcow2 $diskImage $out/rpool.qcow2
        rm $diskImage
      '';
    }
    ''
      export PATH=${tools}:$PATH
      set -x

      wait_for() { for _ in $(seq 100); do [ -b "$1" ] && return 0; sleep 0.1; done; echo "no $1" >&2; return 1; }

      parted --script /dev/vda -- \
        mklabel gpt \
        mkpart ESP fat32 1MiB 65MiB \
        set 1 esp on \
        mkpart rpool 65MiB -1MiB
      wait_for /dev/vda1
      wait_for /dev/vda2
      mkfs.vfat -n ESP /dev/vda1

      zpool create -f \
        -o ashift=12 -o autotrim=on \
        -O compression=lz4 -O acltype=posixacl -O xattr=sa -O relatime=on \
        -O mountpoint=none -O canmount=off \
        rpool /dev/vda2

      zfs create -o mountpoint=none -o canmount=off rpool/nixos
      zfs create -o mountpoint=legacy rpool/nixos/empty
      zfs snapshot rpool/nixos/empty@start
      zfs create -o mountpoint=legacy -o atime=off rpool/nixos/nix
      zfs create -o mountpoint=legacy rpool/nixos/home
      zfs create -o mountpoint=legacy rpool/nixos/persist

      zfs create -s -V 256M rpool/docker
      wait_for /dev/zd0
      mkfs.ext4 -q -L docker /dev/zd0

      size=$(zpool get -Hpo value size rpool)
      zfs create -o mountpoint=none -o canmount=off \
        -o refreservation=$((size / 10)) rpool/reserved

      zfs list -t all -o name,used,refer,mountpoint,compression
      zpool export rpool
    ''
)
