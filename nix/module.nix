# NixOS module for blankslate: roll the ZFS root dataset back to a blank snapshot in
# the systemd initrd at every boot, then re-attach the declared paths from the
# persistent root by bind mounts and symlinks.
#
# What it does (the "why" of each piece is next to its code):
#  - installs the binary in the initrd as /bin/blankslate (boot.initrd.systemd.extraBin)
#    and in the system (environment.systemPackages, for `blankslate check` and `diff`);
#  - enables the two units of ../systemd in the initrd (boot.initrd.systemd.packages
#    plus wantedBy/requiredBy drop-ins read from their [Install] sections), so the
#    ordering proven by the dracut VM test is the ordering NixOS machines get;
#  - writes /etc/blankslate/config.json (builtins.toJSON) into the initrd and into /etc;
#  - makes systemd-machine-id-commit work with a symlinked machine-id;
#  - optionally: ARC maximum, sanoid snapshots, syncoid replication, docker on a zvol.
#
# Read before writing this: nixpkgs nixos/modules/system/boot/systemd/initrd.nix
# (extraBin, packages, contents, initrd-nixos-activation ordering),
# nixos/lib/systemd-lib.nix (generateUnits: units from packages, drop-ins from
# services.<name>), nixos/modules/tasks/filesystems/zfs.nix (zfs-import-<pool>.service,
# Before=zfs-import.target), nixos/lib/utils.nix (fsNeededForBoot), and
# nix-community/preservation (module.nix, tests/firstboot.nix: machine-id as a symlink
# plus a patched systemd-machine-id-commit).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    mkOption
    mkEnableOption
    mkIf
    mkMerge
    mkDefault
    types
    literalExpression
    ;

  cfg = config.blankslate;

  units = import ./units.nix { inherit lib; };

  # ---------------------------------------------------------------- unit files ----

  # The binary path named by ExecStart= in the unit files (/bin/blankslate). The
  # systemd initrd's /bin is built from extraBin, so the name after /bin/ is the
  # extraBin key.
  execPath = unit: builtins.head (lib.splitString " " (units.value unit "Service" "ExecStart"));
  binPath =
    let
      a = execPath units.rollback;
      b = execPath units.persist;
    in
    if a != b then
      throw "blankslate: the unit files name two binaries (${a}, ${b})"
    else if dirOf a != "/bin" then
      throw "blankslate: ExecStart= must be under /bin (the NixOS initrd has no /usr/bin), found ${a}"
    else
      a;

  # ------------------------------------------------------------------- entries ----

  ownerType = types.strMatching "([a-z_][a-z0-9_-]*[$]?)|([0-9]+)";
  modeType = types.strMatching "0?[0-7]{3,4}";

  entryModule =
    kind:
    types.submodule {
      options = {
        path = mkOption {
          type = types.str;
          example = if kind == "directory" then "/srv/git" else "/etc/adjtime";
          description = ''
            Absolute path in the running system. Its persistent copy is the same path
            under {option}`blankslate.persistRoot` (`/srv/git` is kept in
            `/persist/srv/git`); a missing copy is created as an empty
            ${kind} with the entry's `user`, `group` and `mode`.
          '';
        };
        how = mkOption {
          type = types.enum [
            "bind"
            "symlink"
          ];
          default = if kind == "directory" then "bind" else "symlink";
          example = if kind == "directory" then "symlink" else "bind";
          description = ''
            `bind`: bind-mount the persistent copy onto the path. `symlink`: make the
            path a symlink to the persistent copy. Defaults to `${
              if kind == "directory" then "bind" else "symlink"
            }` for ${kind} entries.
          '';
        };
        user = mkOption {
          type = ownerType;
          default = "root";
          example = "postgres";
          description = ''
            Owner of a newly created persistent copy: a user name or a decimal uid.
            A name other than `root` is turned into its uid from
            {option}`users.users.<name>.uid` when the configuration is built, because
            the initrd has no password database of the new root to look it up in.
          '';
        };
        group = mkOption {
          type = ownerType;
          default = "root";
          example = "postgres";
          description = ''
            Group of a newly created persistent copy: a group name or a decimal gid,
            resolved like {option}`user` through {option}`users.groups.<name>.gid`.
          '';
        };
        mode = mkOption {
          type = modeType;
          default = if kind == "directory" then "0755" else "0644";
          example = if kind == "directory" then "0700" else "0600";
          description = "Octal permission bits of a newly created persistent copy.";
        };
      };
    };

  entryType = kind: types.coercedTo types.str (path: { inherit path; }) (entryModule kind);

  # The seed layout (DESIGN.md): what the binary's built-in default also contains.
  seedEntries = [
    (seed "directory" "/etc/nixos" "bind" "0755")
    (seed "directory" "/etc/ssh" "symlink" "0755")
    (seed "directory" "/var/log" "bind" "0755")
    (seed "directory" "/var/lib" "bind" "0755")
    (seed "file" "/etc/machine-id" "symlink" "0444")
  ];
  seed = type: path: how: mode: {
    inherit
      type
      path
      how
      mode
      ;
    user = "root";
    group = "root";
  };

  userEntries =
    map (e: e // { type = "directory"; }) cfg.directories
    ++ map (e: e // { type = "file"; }) cfg.files;
  userPaths = map (e: e.path) userEntries;

  # A user entry for a seed path replaces the seed entry in place.
  entries =
    lib.optionals cfg.defaultEntries (builtins.filter (e: !builtins.elem e.path userPaths) seedEntries)
    ++ userEntries;
  entryPaths = map (e: e.path) entries;

  # ------------------------------------------------------------------- owners ----

  isId = s: builtins.match "[0-9]+" s != null;

  resolveOwner =
    kind: name:
    let
      table = if kind == "user" then config.users.users else config.users.groups;
      idAttr = if kind == "user" then "uid" else "gid";
    in
    if name == "root" || isId name then
      name
    else if (table.${name}.${idAttr} or null) != null then
      toString table.${name}.${idAttr}
    else
      null;

  ownerProblems = lib.concatMap (
    e:
    lib.concatMap (
      kind:
      let
        name = e.${kind};
        table = if kind == "user" then "users.users" else "users.groups";
        idAttr = if kind == "user" then "uid" else "gid";
        known = if kind == "user" then config.users.users ? ${name} else config.users.groups ? ${name};
      in
      lib.optional (resolveOwner kind name == null) (
        if !known then
          "blankslate: entry ${e.path} names the ${kind} \"${name}\", which is not in ${table}. Declare ${table}.${name} with a fixed ${idAttr}, or write the numeric ${idAttr}."
        else
          "blankslate: entry ${e.path} names the ${kind} \"${name}\", which has no fixed ${idAttr} (${table}.${name}.${idAttr} is null). In the initrd the new root has no /etc/passwd or /etc/group yet, so set ${table}.${name}.${idAttr}, or write the numeric ${idAttr}."
      )
    ) [
      "user"
      "group"
    ]
  ) entries;

  # ------------------------------------------------------- generated config ----

  generatedConfig = {
    inherit (cfg)
      pool
      dataset
      snapshot
      persistRoot
      onFailure
      ;
    entries = map (e: {
      inherit (e)
        path
        how
        type
        mode
        ;
      user = if resolveOwner "user" e.user == null then e.user else resolveOwner "user" e.user;
      group = if resolveOwner "group" e.group == null then e.group else resolveOwner "group" e.group;
    }) entries;
  }
  # Written only when on, so that the default JSON stays the seed layout.
  // lib.optionalAttrs (cfg.keepRoots > 0) { keep.roots = cfg.keepRoots; };
  configJSON = builtins.toJSON generatedConfig;

  # ------------------------------------------------------------------- paths ----

  # Absolute, no empty, "." or ".." component, no trailing slash, not "/" itself.
  isCleanAbsolute =
    p:
    lib.hasPrefix "/" p
    && p != "/"
    && !lib.hasSuffix "/" p
    && builtins.all (c: c != "" && c != "." && c != "..") (lib.tail (lib.splitString "/" p));

  # a is b or lies beneath b.
  within = a: b: a == b || lib.hasPrefix "${b}/" a;

  pathProblems = lib.concatMap (
    p:
    lib.optional (!isCleanAbsolute p)
      "blankslate: entry \"${p}\" is not a plain absolute path (it must start with /, and may not be /, end in /, or contain //, /./ or /../). Write it as the path it names, e.g. \"/var/lib/foo\"."
  ) entryPaths;

  # The binary refuses these trees (persist/validate.go, notPersistable): they are never
  # on the root dataset. Refusing them here turns a boot-time failure into a build error.
  notPersistable = [
    "/proc"
    "/sys"
    "/dev"
    "/run"
    "/nix"
    "/boot"
    "/tmp"
  ];
  treeProblems = lib.concatMap (
    p:
    lib.concatMap (
      tree:
      lib.optional (within p tree)
        "blankslate: entry ${p} lies in ${tree}, which is not on the root dataset (a kernel file system, the Nix store, /boot or /tmp), so there is nothing to reset or attach there. Remove the entry."
    ) notPersistable
  ) entryPaths;

  # zpool(8) reserves these prefixes (the binary's persist/validate.go mirrors this).
  reservedPoolPrefixes = [
    "mirror"
    "raidz"
    "draid"
    "spare"
    "log"
  ];
  poolProblems = lib.concatMap (
    r:
    lib.optional (lib.hasPrefix r cfg.pool)
      "blankslate: blankslate.pool = \"${cfg.pool}\" begins with \"${r}\", which ZFS reserves; no such pool can exist. Set blankslate.pool to the name of your root pool."
  ) reservedPoolPrefixes;

  duplicateProblems = lib.mapAttrsToList (
    p: n:
    "blankslate: ${p} is declared ${toString n} times in blankslate.directories and blankslate.files. Keep one entry per path."
  ) (lib.filterAttrs (_: n: n > 1) (lib.foldl' (acc: p: acc // { ${p} = (acc.${p} or 0) + 1; }) { } userPaths));

  nestingProblems = lib.concatMap (
    outer:
    lib.concatMap (
      inner:
      lib.optional (inner != outer && within inner outer)
        "blankslate: ${inner} lies inside ${outer}, which is itself attached from ${cfg.persistRoot}${outer}; the inner entry would be attached inside the persistent copy of the outer one. Drop \"${inner}\" (its data already persists as ${cfg.persistRoot}${inner}), or replace \"${outer}\" by narrower entries."
    ) entryPaths
  ) entryPaths;

  persistRootProblems =
    lib.optional (!isCleanAbsolute cfg.persistRoot)
      "blankslate: blankslate.persistRoot = \"${cfg.persistRoot}\" is not a plain absolute path other than /. Use e.g. \"/persist\"."
    ++ lib.concatMap (
      p:
      lib.optional (within p cfg.persistRoot || within cfg.persistRoot p)
        "blankslate: entry ${p} and blankslate.persistRoot ${cfg.persistRoot} overlap (one lies inside the other); a path cannot be its own persistent copy. Remove the entry or move the persistent root."
    ) entryPaths;

  # ------------------------------------------------------------- file systems ----

  fileSystems = builtins.attrValues config.fileSystems;
  fsAt = mp: lib.findFirst (fs: fs.mountPoint == mp) null fileSystems;
  rootFs = fsAt "/";
  persistFs = fsAt cfg.persistRoot;

  # nixpkgs nixos/lib/utils.nix: fsNeededForBoot and pathsNeededForBoot.
  pathsNeededForBoot = [
    "/"
    "/nix"
    "/nix/store"
    "/var"
    "/var/log"
    "/var/lib"
    "/var/lib/nixos"
    "/etc"
    "/usr"
  ];
  neededForBoot = fs: fs.neededForBoot || builtins.elem fs.mountPoint pathsNeededForBoot;

  describeFs =
    fs:
    if fs == null then
      "not declared"
    else
      "device = \"${toString fs.device}\", fsType = \"${fs.fsType}\"";

  rootProblems =
    lib.optional (rootFs == null || rootFs.fsType != "zfs" || rootFs.device != cfg.dataset)
      "blankslate: fileSystems.\"/\" must be the ZFS dataset ${cfg.dataset} that is rolled back at boot, but it is ${describeFs rootFs}. Set fileSystems.\"/\" = { device = \"${cfg.dataset}\"; fsType = \"zfs\"; }; or set blankslate.dataset to your root dataset.";

  persistProblems =
    if persistFs == null then
      [
        "blankslate: fileSystems.\"${cfg.persistRoot}\" is not declared, so nothing would be mounted at the persistent root in the initrd and every entry would be created on the ephemeral root. Declare it, e.g. fileSystems.\"${cfg.persistRoot}\" = { device = \"${cfg.pool}/nixos/persist\"; fsType = \"zfs\"; neededForBoot = true; };"
      ]
    else
      lib.optional (!neededForBoot persistFs)
        "blankslate: fileSystems.\"${cfg.persistRoot}\" is not needed for boot, so the initrd does not mount it and blankslate-persist.service would find ${cfg.persistRoot} empty. Set fileSystems.\"${cfg.persistRoot}\".neededForBoot = true;"
      ++ lib.optional (persistFs.fsType == "zfs" && within (toString persistFs.device) cfg.dataset)
        "blankslate: fileSystems.\"${cfg.persistRoot}\" is on ${toString persistFs.device}, which is (or lies inside) the dataset ${cfg.dataset} that is reset at boot. Put the persistent root on its own dataset, e.g. ${cfg.pool}/nixos/persist.";

  datasetProblems =
    lib.optional (!lib.hasPrefix "${cfg.pool}/" cfg.dataset)
      "blankslate: blankslate.dataset = \"${cfg.dataset}\" is not in blankslate.pool = \"${cfg.pool}\". Set blankslate.pool to the pool that holds the root dataset (the part before the first /)."
    ++ lib.concatMap (
      fs:
      lib.optional (fs.mountPoint != "/" && fs.fsType == "zfs" && within (toString fs.device) cfg.dataset)
        "blankslate: fileSystems.\"${fs.mountPoint}\" uses ${toString fs.device}, which is (or lies inside) the dataset ${cfg.dataset} that is reset at boot; a rollback does not reset child datasets, and the dataset itself holds nothing that survives. Give ${fs.mountPoint} a dataset outside ${cfg.dataset}."
    ) fileSystems;

  mountProblems = lib.concatMap (
    fs:
    lib.concatMap (
      p:
      if fs.mountPoint == p then
        [
          "blankslate: fileSystems.\"${p}\" mounts a file system on the entry ${p}, which blankslate also attaches from ${cfg.persistRoot}${p}. Keep one: remove the fileSystems entry or the blankslate entry."
        ]
      else
        lib.optional (within fs.mountPoint p && neededForBoot fs)
          "blankslate: fileSystems.\"${fs.mountPoint}\" is needed for boot and lies inside the entry ${p}: the initrd would mount it in no fixed order with the attachment of ${p}, and may hide it. Set fileSystems.\"${fs.mountPoint}\".neededForBoot = false; so it is mounted after switch-root, on top of the attached ${p}."
    ) entryPaths
  ) fileSystems;

  # -------------------------------------------------------- special entries ----

  entryAt = p: lib.findFirst (e: e.path == p) null entries;
  machineId = entryAt "/etc/machine-id";
  machineIdSymlink = machineId != null && machineId.how == "symlink";

  machineIdProblems =
    lib.optional (machineId != null && machineId.how != "symlink")
      "blankslate: /etc/machine-id is attached with how = \"${machineId.how}\"; systemd-machine-id-commit.service fails on a bind-mounted machine-id (nix-community/impermanence#229) and first-boot detection breaks. Use { path = \"/etc/machine-id\"; how = \"symlink\"; } (the default).";

  etcOverlay = config.system.etc.overlay.enable or false;
  etcOverlayMutable = config.system.etc.overlay.mutable or true;
  etcEntries = builtins.filter (p: within p "/etc") entryPaths;
  etcProblems =
    lib.optional (etcOverlay && !etcOverlayMutable && etcEntries != [ ])
      "blankslate: system.etc.overlay is enabled and immutable, so /etc is read-only and blankslate cannot attach ${lib.concatStringsSep ", " etcEntries}. Set system.etc.overlay.mutable = true; or move these entries out of /etc.";

  # -------------------------------------------------------- snapshots/backups ----

  zfsDeviceAt =
    mp:
    let
      fs = fsAt mp;
    in
    if fs != null && fs.fsType == "zfs" then toString fs.device else null;

  defaultSnapshotDatasets = builtins.filter (d: d != null) [
    (zfsDeviceAt cfg.persistRoot)
    (zfsDeviceAt "/home")
  ];

  snapshotProblems = lib.concatMap (
    { option, list }:
    lib.optional (builtins.any (d: within d cfg.dataset) list)
      "blankslate: ${option} contains ${cfg.dataset} (or a dataset inside it), which is rolled back at every boot; its snapshots would be destroyed by the rollback and hold nothing worth keeping. Remove it from ${option}."
  ) (
    lib.optional cfg.snapshots.enable {
      option = "blankslate.snapshots.datasets";
      list = cfg.snapshots.datasets;
    }
    ++ lib.optional cfg.replication.enable {
      option = "blankslate.replication.datasets";
      list = cfg.replication.datasets;
    }
  );

  replicationProblems = lib.optionals cfg.replication.enable (
    lib.optional (cfg.replication.target == "")
      "blankslate: blankslate.replication.enable is true but blankslate.replication.target is empty. Set it to a dataset to receive into, e.g. \"backup@nas:tank/backups/${config.networking.hostName or "host"}\"."
    ++
      lib.optional
        (
          lib.hasInfix ":" cfg.replication.target
          && cfg.replication.sshKey == null
          && (config.services.syncoid.sshKey or null) == null
        )
        "blankslate: blankslate.replication.target \"${cfg.replication.target}\" is remote but no ssh key is set. Set blankslate.replication.sshKey to a private key kept under ${cfg.persistRoot} (or under a persisted path), e.g. \"${cfg.persistRoot}/etc/syncoid/id_ed25519\"."
  );

  dockerProblems =
    lib.optional (cfg.docker.enable && !lib.hasPrefix "${cfg.pool}/" cfg.docker.zvol)
      "blankslate: blankslate.docker.zvol = \"${cfg.docker.zvol}\" is not in blankslate.pool = \"${cfg.pool}\". Use e.g. \"${cfg.pool}/docker\".";

  # ------------------------------------------------------------------ warnings ----

  sshKeysPersist =
    builtins.any (
      k:
      let
        p = toString (k.path or "");
      in
      within p cfg.persistRoot || builtins.any (e: within p e) entryPaths
    ) (config.services.openssh.hostKeys or [ ]);

  sshWarnings =
    lib.optional ((config.services.openssh.enable or false) && !sshKeysPersist)
      "blankslate: services.openssh is enabled but no host key path lies under ${cfg.persistRoot} or a blankslate entry; sshd will generate new host keys at every boot. Keep the default /etc/ssh entry or point services.openssh.hostKeys into ${cfg.persistRoot}.";

  allProblems =
    lib.optional (!config.boot.initrd.systemd.enable)
      "blankslate: boot.initrd.systemd.enable is false. blankslate runs as two units in the systemd initrd; the scripted initrd would never run them and the root would silently stay dirty. Set boot.initrd.systemd.enable = true;"
    ++ rootProblems
    ++ persistProblems
    ++ datasetProblems
    ++ poolProblems
    ++ pathProblems
    ++ treeProblems
    ++ duplicateProblems
    ++ nestingProblems
    ++ persistRootProblems
    ++ mountProblems
    ++ machineIdProblems
    ++ ownerProblems
    ++ etcProblems
    ++ snapshotProblems
    ++ replicationProblems
    ++ dockerProblems;

  # syncoid target name per dataset: rpool/nixos/persist -> <target>/nixos-persist
  replicaName = d: lib.replaceStrings [ "/" ] [ "-" ] (lib.removePrefix "${cfg.pool}/" d);

  # The parent of every entry under /sysroot, for RequiresMountsFor= (see
  # ../systemd/blankslate-persist.service): a separately mounted /var or /etc is then
  # mounted before anything is attached beneath it.
  sysrootParents = lib.unique (
    [ "/sysroot${cfg.persistRoot}" ]
    ++ map (p: if dirOf p == "/" then "/sysroot" else "/sysroot${dirOf p}") (
      builtins.filter isCleanAbsolute entryPaths
    )
  );
in
{
  options.blankslate = {
    enable = mkEnableOption ''
      blankslate: at every boot, roll the root dataset back to its blank snapshot in the
      systemd initrd, then attach the declared directories and files from
      {option}`blankslate.persistRoot`
    '';

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { zfs = config.boot.zfs.package; };
      defaultText = literalExpression "pkgs.callPackage ./nix/package.nix { zfs = config.boot.zfs.package; }";
      example = literalExpression "pkgs.blankslate";
      description = ''
        The blankslate package. It must provide `bin/blankslate` and the units in
        `lib/systemd/system`, and should be linked against
        {option}`boot.zfs.package` so that libzfs matches the kernel module.
      '';
    };

    pool = mkOption {
      type = types.strMatching "[A-Za-z][A-Za-z0-9_.:-]*";
      default = "rpool";
      example = "tank";
      description = "ZFS pool that holds the root dataset.";
    };

    dataset = mkOption {
      type = types.strMatching "[A-Za-z][A-Za-z0-9_.:-]*(/[A-Za-z0-9_.:-]+)+";
      default = "${cfg.pool}/nixos/empty";
      defaultText = literalExpression ''"''${config.blankslate.pool}/nixos/empty"'';
      example = "rpool/local/root";
      description = ''
        The root dataset, mounted at `/` and rolled back at every boot.
        {option}`fileSystems."/"` must name it with `fsType = "zfs"`.
      '';
    };

    snapshot = mkOption {
      type = types.strMatching "[A-Za-z0-9_.:-]+";
      default = "start";
      example = "blank";
      description = ''
        Name of the blank snapshot of {option}`blankslate.dataset` (the part after @),
        taken right after the dataset was created.
      '';
    };

    persistRoot = mkOption {
      type = types.str;
      default = "/persist";
      example = "/nix/persist";
      description = ''
        Mount point of the persistent file system. The persistent copy of each entry
        is this path followed by the entry's path. {option}`fileSystems` must declare
        it with `neededForBoot = true`.
      '';
    };

    onFailure = mkOption {
      type = types.enum [
        "emergency"
        "continue"
      ];
      default = "emergency";
      example = "continue";
      description = ''
        What the boot does when the rollback or the attaching fails. `emergency`: stop
        in emergency mode (the machine as declared, or no machine). `continue`: go on
        booting with whatever root there is, and log a journal entry at priority crit
        that says the root was NOT reset and why.
      '';
    };

    defaultEntries = mkOption {
      type = types.bool;
      default = true;
      example = false;
      description = ''
        Whether to attach the seed layout's paths: /etc/nixos, /var/log and /var/lib
        (bind mounts), /etc/ssh (symlink: host keys) and /etc/machine-id (symlink,
        mode 0444). Entries in {option}`blankslate.directories` or
        {option}`blankslate.files` with one of these paths replace the default entry.
      '';
    };

    directories = mkOption {
      type = types.listOf (entryType "directory");
      default = [ ];
      example = literalExpression ''
        [
          "/srv/git"
          { path = "/srv/data"; user = "nobody"; group = "nogroup"; mode = "0750"; }
        ]
      '';
      description = ''
        Directories to keep across boots, in addition to the default entries. Each is
        a path, or an attribute set with `path`, `how`, `user`, `group` and `mode`.
      '';
    };

    files = mkOption {
      type = types.listOf (entryType "file");
      default = [ ];
      example = literalExpression ''
        [
          "/etc/adjtime"
          { path = "/etc/secret.conf"; how = "bind"; mode = "0600"; }
        ]
      '';
      description = ''
        Files to keep across boots, in addition to the default entries. Each is a path,
        or an attribute set with `path`, `how`, `user`, `group` and `mode`.
      '';
    };

    keepRoots = mkOption {
      type = types.ints.between 0 100;
      default = 0;
      example = 5;
      description = ''
        How many previous roots to keep recoverable (`keep.roots` in config.json).
        Before each rollback the root the last boot left is renamed to
        `<parent>/blankslate-prev/<UTC time>` (read-only, never mounted by itself)
        instead of being discarded, and the oldest beyond this number are destroyed.
        `blankslate check` lists them; mount one with
        `mount -t zfs -o ro <name> /mnt`. 0 keeps none. Each kept root holds what
        that boot wrote on `/`, so it costs pool space until it is pruned.
      '';
    };

    arcMax = mkOption {
      type = types.nullOr types.ints.positive;
      default = null;
      example = 4294967296;
      description = ''
        Maximum size of the ZFS ARC in bytes, set as the kernel parameter
        `zfs.zfs_arc_max`. `null` leaves the ZFS default (half of the memory).
      '';
    };

    snapshots = {
      enable = mkOption {
        type = types.bool;
        default = true;
        example = false;
        description = "Whether to snapshot the persistent datasets with {option}`services.sanoid`.";
      };
      datasets = mkOption {
        type = types.listOf types.str;
        default = defaultSnapshotDatasets;
        defaultText = lib.literalMD "the ZFS datasets mounted at {option}`blankslate.persistRoot` and at `/home`";
        example = [
          "rpool/nixos/persist"
          "rpool/nixos/home"
        ];
        description = "Datasets that sanoid snapshots. Never the rolled-back root dataset.";
      };
      hourly = mkOption {
        type = types.ints.unsigned;
        default = 24;
        example = 48;
        description = "Number of hourly snapshots to keep.";
      };
      daily = mkOption {
        type = types.ints.unsigned;
        default = 14;
        example = 30;
        description = "Number of daily snapshots to keep.";
      };
      weekly = mkOption {
        type = types.ints.unsigned;
        default = 4;
        example = 8;
        description = "Number of weekly snapshots to keep.";
      };
      monthly = mkOption {
        type = types.ints.unsigned;
        default = 3;
        example = 12;
        description = "Number of monthly snapshots to keep.";
      };
    };

    replication = {
      enable = mkOption {
        type = types.bool;
        default = false;
        example = true;
        description = "Whether to replicate the persistent datasets with {option}`services.syncoid`.";
      };
      target = mkOption {
        type = types.str;
        default = "";
        example = "backup@nas:tank/backups/laptop";
        description = ''
          Dataset to receive into, local (`pool/dataset`) or remote
          (`user@host:pool/dataset`). Each replicated dataset goes to
          `<target>/<name without the pool, / replaced by ->`, e.g.
          `tank/backups/laptop/nixos-persist`.
        '';
      };
      datasets = mkOption {
        type = types.listOf types.str;
        default = cfg.snapshots.datasets;
        defaultText = literalExpression "config.blankslate.snapshots.datasets";
        example = [ "rpool/nixos/persist" ];
        description = "Datasets to replicate.";
      };
      sshKey = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/persist/etc/syncoid/id_ed25519";
        description = ''
          Private key for a remote target, as a string path (it is not copied to the
          Nix store). Keep it under the persistent root.
        '';
      };
      interval = mkOption {
        type = types.str;
        default = "daily";
        example = "hourly";
        description = "When to replicate, as a systemd calendar expression.";
      };
    };

    docker = {
      enable = mkOption {
        type = types.bool;
        default = false;
        example = true;
        description = ''
          Whether to mount Docker's storage from a ZFS volume at
          {option}`blankslate.docker.mountPoint`. The mount happens after switch-root,
          on top of the attached /var/lib, and docker.service requires it.
        '';
      };
      zvol = mkOption {
        type = types.str;
        default = "${cfg.pool}/docker";
        defaultText = literalExpression ''"''${config.blankslate.pool}/docker"'';
        example = "rpool/docker";
        description = "The ZFS volume, formatted with {option}`blankslate.docker.fsType`.";
      };
      fsType = mkOption {
        type = types.enum [
          "ext4"
          "xfs"
        ];
        default = "ext4";
        example = "xfs";
        description = "File system on the volume (overlay2 needs ext4 or xfs).";
      };
      mountPoint = mkOption {
        type = types.str;
        default = "/var/lib/docker";
        example = "/var/lib/containers";
        description = "Where to mount the volume.";
      };
    };

    generatedConfig = mkOption {
      type = types.attrs;
      internal = true;
      readOnly = true;
      default = generatedConfig;
      description = "The configuration written to /etc/blankslate/config.json (for tests and inspection).";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = map (message: {
        assertion = false;
        inherit message;
      }) allProblems;

      warnings = sshWarnings;

      environment.systemPackages = [ cfg.package ];
      environment.etc."blankslate/config.json".text = configJSON;

      boot.initrd.systemd = {
        # The unit files come from the package (lib/systemd/system); NixOS links them
        # into the initrd's /etc/systemd/system and turns the definitions below into
        # overrides.conf drop-ins plus .wants/.requires links.
        packages = [ cfg.package ];
        extraBin.${baseNameOf binPath} = "${cfg.package}/bin/blankslate";
        contents."/etc/blankslate/config.json".text = configJSON;

        services.blankslate-rollback = {
          wantedBy = units.words units.rollback "Install" "WantedBy";
          requiredBy = units.words units.rollback "Install" "RequiredBy";
          # The same as After=zfs-import.target in the unit, named precisely.
          after = [ "zfs-import-${cfg.pool}.service" ];
        };

        services.blankslate-persist = {
          wantedBy = units.words units.persist "Install" "WantedBy";
          requiredBy = units.words units.persist "Install" "RequiredBy";
          unitConfig.RequiresMountsFor = sysrootParents;
        };
      };
    }

    # machine-id as a symlink into the persistent root: on the first boot systemd
    # finds no usable id (first-boot semantics), mounts a transient one over the
    # symlink's target, and systemd-machine-id-commit must write it there, i.e. to
    # <persistRoot>/etc/machine-id, not to /etc/machine-id. This is the approach
    # nix-community/preservation documents and tests (tests/firstboot.nix).
    #
    # blankslate persist creates a missing <persistRoot>/etc/machine-id holding
    # "uninitialized" (mounts/doc.go), because since systemd 258 PID 1 does not create
    # /etc/machine-id through a dangling symlink and an empty file is not a first boot.
    # The commit unit is not among the upstream units of nixpkgs' initrd; it is
    # suppressed there anyway, so that it can only ever act after switch-root.
    (mkIf machineIdSymlink {
      boot.initrd.systemd.suppressedUnits = [ "systemd-machine-id-commit.service" ];
      systemd.services.systemd-machine-id-commit = {
        unitConfig.ConditionPathIsMountPoint = [
          ""
          "${cfg.persistRoot}/etc/machine-id"
        ];
        serviceConfig.ExecStart = [
          ""
          "${config.systemd.package}/bin/systemd-machine-id-setup --commit --root ${cfg.persistRoot}"
        ];
      };
    })

    (mkIf (cfg.arcMax != null) {
      boot.kernelParams = [ "zfs.zfs_arc_max=${toString cfg.arcMax}" ];
    })

    (mkIf cfg.snapshots.enable {
      services.sanoid = {
        enable = true;
        templates.blankslate = {
          inherit (cfg.snapshots)
            hourly
            daily
            weekly
            monthly
            ;
          autosnap = true;
          autoprune = true;
        };
        datasets = lib.genAttrs cfg.snapshots.datasets (_: {
          useTemplate = [ "blankslate" ];
        });
      };
    })

    (mkIf cfg.replication.enable {
      services.syncoid = {
        enable = true;
        inherit (cfg.replication) interval;
        commands = lib.genAttrs cfg.replication.datasets (
          d:
          {
            source = d;
            target = "${cfg.replication.target}/${replicaName d}";
          }
          // lib.optionalAttrs (cfg.replication.sshKey != null) { inherit (cfg.replication) sshKey; }
        );
      };
    })

    (mkIf cfg.docker.enable {
      # neededForBoot stays false: the volume is mounted after switch-root, when the
      # bind mount of /var/lib made in the initrd is already there; the mount unit of a
      # nested path is ordered after the mount of its parent by systemd itself.
      fileSystems.${cfg.docker.mountPoint} = {
        device = mkDefault "/dev/zvol/${cfg.docker.zvol}";
        fsType = mkDefault cfg.docker.fsType;
        options = [ "x-systemd.requires-mounts-for=${dirOf cfg.docker.mountPoint}" ];
      };
      virtualisation.docker.storageDriver = mkDefault "overlay2";
      systemd.services.docker = mkIf (config.virtualisation.docker.enable or false) {
        unitConfig.RequiresMountsFor = [ cfg.docker.mountPoint ];
      };
    })
  ]);
}
