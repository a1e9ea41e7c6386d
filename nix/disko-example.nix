# disko configuration for the seed layout of blankslate (docs/DESIGN.md):
#
#   ESP 2 GB vfat /boot
#   rpool: ashift=12, autotrim; every dataset compression=lz4, acltype=posixacl, xattr=sa
#     rpool/nixos/empty    /         legacy mount; @start taken right after creation
#     rpool/nixos/nix      /nix      atime=off
#     rpool/nixos/home     /home
#     rpool/nixos/persist  /persist  (neededForBoot, set below)
#     rpool/docker         50 GB zvol, ext4; mounted by blankslate.docker.enable
#     rpool/reserved       refreservation = 10 % of the pool, never mounted
#
# Use it either way:
#   sudo nix run github:nix-community/disko -- --mode destroy,format,mount nix/disko-example.nix
#   or import it as a NixOS module next to disko.nixosModules.disko (the fileSystems it
#   generates are what blankslate's assertions expect).
# Change `device` first: everything on it is destroyed.
let
  device = "/dev/disk/by-id/CHANGE-ME";
  pool = "rpool";
in
{
  disko.devices = {
    disk.main = {
      type = "disk";
      inherit device;
      content = {
        type = "gpt";
        partitions = {
          ESP = {
            size = "2G";
            type = "EF00";
            content = {
              type = "filesystem";
              format = "vfat";
              mountpoint = "/boot";
              mountOptions = [ "umask=0077" ];
            };
          };
          zfs = {
            size = "100%";
            content = {
              type = "zfs";
              inherit pool;
            };
          };
        };
      };
    };

    zpool.${pool} = {
      type = "zpool";
      options = {
        ashift = "12";
        autotrim = "on";
      };
      rootFsOptions = {
        compression = "lz4";
        acltype = "posixacl";
        xattr = "sa";
        relatime = "on";
        mountpoint = "none";
        canmount = "off";
        # Snapshots are sanoid's job (blankslate.snapshots), not zfs-auto-snapshot's.
        "com.sun:auto-snapshot" = "false";
      };

      datasets = {
        "nixos" = {
          type = "zfs_fs";
          options.mountpoint = "none";
          options.canmount = "off";
        };
        # The root: empty at creation, snapshotted at once, rolled back to that
        # snapshot by blankslate at every boot. The hook is idempotent so that
        # re-running disko on a formatted disk does not fail.
        "nixos/empty" = {
          type = "zfs_fs";
          mountpoint = "/";
          options.mountpoint = "legacy";
          postCreateHook = ''
            zfs list -H -t snapshot -o name ${pool}/nixos/empty@start >/dev/null 2>&1 \
              || zfs snapshot ${pool}/nixos/empty@start
          '';
        };
        "nixos/nix" = {
          type = "zfs_fs";
          mountpoint = "/nix";
          options = {
            mountpoint = "legacy";
            atime = "off";
          };
        };
        "nixos/home" = {
          type = "zfs_fs";
          mountpoint = "/home";
          options.mountpoint = "legacy";
        };
        "nixos/persist" = {
          type = "zfs_fs";
          mountpoint = "/persist";
          options.mountpoint = "legacy";
        };
        # Docker's storage. No mountpoint here: blankslate.docker.enable mounts it at
        # /var/lib/docker after switch-root, on top of the attached /var/lib.
        "docker" = {
          type = "zfs_volume";
          size = "50G";
          content = {
            type = "filesystem";
            format = "ext4";
          };
        };
        # Keeps 10 % of the pool free so that a full pool can still be repaired
        # (ZFS needs free space to delete). Shrink it with `zfs set refreservation=`.
        "reserved" = {
          type = "zfs_fs";
          options = {
            mountpoint = "none";
            canmount = "off";
          };
          postCreateHook = ''
            zfs set refreservation=$(( $(zpool get -Hpo value size ${pool}) / 10 )) ${pool}/reserved
          '';
        };
      };
    };
  };

  # blankslate attaches /persist in the initrd, so the initrd must mount it.
  fileSystems."/persist".neededForBoot = true;
}
