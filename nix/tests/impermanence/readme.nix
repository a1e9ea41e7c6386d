# The impermanence declaration of docs/impermanence.md ("An example"),
# kept verbatim except for the one rename
# environment.persistence -> blankslate.persistence; the hand-written rollback unit
# it replaces is left out, and blankslate names the dataset and snapshot it used.
{
blankslate.enable = true;
blankslate.dataset = "rpool/local/root";
blankslate.snapshot = "blank";
blankslate.persistence."/persist" = {
  hideMounts = true;
  directories = [
    "/var/log"
    "/var/lib/bluetooth"
    "/var/lib/nixos"
    { directory = "/var/lib/colord"; user = "colord"; group = "colord"; mode = "u=rwx,g=rx,o="; }
  ];
  files = [
    "/etc/machine-id"
    { file = "/var/keys/secret_file"; parentDirectory = { mode = "u=rwx,g=,o="; }; }
  ];
  users.talyz = {
    directories = [ "Downloads" { directory = ".gnupg"; mode = "0700"; } ];
    files = [ ".screenrc" ];
  };
};
}
