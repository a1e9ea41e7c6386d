# An impermanence configuration from a public NixOS configuration, kept verbatim
# except for the one rename environment.persistence -> blankslate.persistence:
# github.com/WhyFeelSad/nix-config, modules/impermanence/default.nix, commit 2d358c18b06787b734da140d253f7878f76c70ad.
# nix/tests/eval.nix evaluates it on a machine with blankslate enabled.
{
  myvars,
  ...
}:
{
  blankslate.persistence."/persistent" = {
    hideMounts = true;
    directories = [
      "/etc/NetworkManager/system-connections"
      "/etc/nixos"
      "/etc/ssh"

      "/var/log"
      "/var/lib"
    ];
    files = [ ];

    users."${myvars.userName}" = {
      directories = [
        "Downloads"
        "Music"
        "Pictures"
        "Documents"
        "Videos"

        {
          directory = ".gnupg";
          mode = "0700";
        }
        {
          directory = ".ssh";
          mode = "0700";
        }
        {
          directory = ".docker";
          mode = "0700";
        }

        ".config/zsh"
        ".local/share/flatpak"
      ];
      files = [ ];
    };
  };
}
