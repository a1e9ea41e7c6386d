# An impermanence configuration from a public NixOS configuration, kept verbatim
# except for the one rename environment.persistence -> blankslate.persistence:
# github.com/abehidek/nix-config, systems/test/impermanence.nix, commit 7c12c8c9af16be035c2a456d49c94d66cad59a7f.
# nix/tests/eval.nix evaluates it on a machine with blankslate enabled.
{
  fileSystems."/persist".neededForBoot = true;
  
  blankslate.persistence."/persist" = {
    hideMounts = true;
    directories = [
      "/var/log"
      "/var/lib/nixos"
      "/var/lib/systemd/coredump"
      "/var/spool"
      "/var/tmp"
      "/etc/NetworkManager/system-connections"
      "/var/lib/bluetooth"
      { directory = "/var/lib/colord"; user = "colord"; group = "colord"; mode = "u=rwx,g=rx,o="; }
    ];
    files = [
      "/etc/machine-id"
      { file = "/etc/nix/id_rsa"; parentDirectory = { mode = "u=rwx,g=,o="; }; }
    ];

    users.abe = {
      directories = [
        "Downloads"
        "Music"
        "Pictures"
        "Documents"
        "Videos"
        "VirtualBox VMs"
        "persist"
        { directory = ".gnupg"; mode = "0700"; }
        { directory = ".ssh"; mode = "0700"; }
        { directory = ".local/share/keyrings"; mode = "0700"; }
        ".local/share/direnv"
      ];
      files = [
        ".screenrc"
      ];
    };
  };
}
