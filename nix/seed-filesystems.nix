# The seed layout's ZFS file systems (docs/DESIGN.md), as fileSystems entries: the
# ephemeral root, /nix, /home, and /persist (needed for boot: the persist unit
# waits for it in the initrd). Used by the module's evaluation test and the NixOS
# VM test, so both describe the same machine.
{
  "/" = {
    device = "rpool/nixos/empty";
    fsType = "zfs";
  };
  "/nix" = {
    device = "rpool/nixos/nix";
    fsType = "zfs";
  };
  "/home" = {
    device = "rpool/nixos/home";
    fsType = "zfs";
  };
  "/persist" = {
    device = "rpool/nixos/persist";
    fsType = "zfs";
    neededForBoot = true;
  };
}
