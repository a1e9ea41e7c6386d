# NixOS module for blankslate: roll the ZFS root dataset back to a blank snapshot in
# the systemd initrd at every boot, then re-attach the declared paths from the
# persistent root by bind mounts and symlinks.
#
# What it does (the "why" of each piece is next to its code):
#  - installs the binary in the initrd as /bin/blankslate (boot.initrd.systemd.extraBin)
#    and in the system (environment.systemPackages, for `blankslate check` and `diff`);
#  - enables the two initrd units of ../systemd in the initrd (boot.initrd.systemd.packages
#    plus wantedBy/requiredBy drop-ins read from their [Install] sections), so the
#    ordering proven by the dracut VM test is the ordering NixOS machines get;
#  - enables ../systemd/blankslate-audit.service in the booted system (systemd.packages
#    plus a drop-in: wantedBy from its [Install], the package's binary as ExecStart=,
#    RequiresMountsFor= the persistent root), which lists the root the rollback set
#    aside, after switch-root and at the lowest CPU priority (left out when blankslate.audit
#    turns the audit trail or the listing after boot off);
#  - writes /etc/blankslate/config.json (builtins.toJSON) into the initrd and into /etc,
#    and /etc/blankslate/persist-N.json for each further persistent root;
#  - reads impermanence's declarations as they are (blankslate.persistence);
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
  options,
  lib,
  pkgs,
  utils,
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
      paths = lib.unique (map execPath [
        units.rollback
        units.persist
        units.audit
      ]);
      a = builtins.head paths;
    in
    if builtins.length paths != 1 then
      throw "blankslate: the unit files name more than one binary (${toString paths})"
    else if dirOf a != "/bin" then
      throw "blankslate: ExecStart= must be under /bin (the NixOS initrd has no /usr/bin), found ${a}"
    else
      a;

  # A unit's ExecStart= with the package's binary in place of /bin/blankslate, for units
  # of the booted system: NixOS has no /bin/blankslate there (its /bin holds only sh),
  # and the package installs the unit files unchanged (nix/package.nix).
  packageExecStart = unit: "${cfg.package}/bin/blankslate" + lib.removePrefix binPath (units.value unit "Service" "ExecStart");

  # ------------------------------------------------------------------- entries ----

  # The declaration shape is the one nix-community/impermanence
  # (environment.persistence.<root>.{directories,files,users}) and
  # nix-community/preservation (preservation.preserveAt.<root>...) use, so that moving
  # from either is a rename: a string, or an attribute set naming the path as
  # `directory` / `file` (or `path`), with `user`, `group`, `mode`, and preservation's
  # `how = "bindmount"`. Per-user entries live in blankslate.users.<name>, relative to
  # the home directory.

  ownerType = types.strMatching "([a-z_][a-z0-9_-]*[$]?)|([0-9]+)";

  # Octal ("0750", "750") as chmod and tmpfiles take it, or the symbolic `=` form
  # impermanence's README uses ("u=rwx,g=rx,o="): each class named at most once, only
  # r, w and x. Both become octal in config.json.
  symbolicModeRegex = "([ugoa]+=[rwx]*)(,[ugoa]+=[rwx]*)*";
  modeType = types.strMatching "(0?[0-7]{3,4})|(${symbolicModeRegex})";

  modeToOctal =
    mode:
    if builtins.match "0?[0-7]{3,4}" mode != null then
      mode
    else
      let
        clauses = map (c: builtins.match "([ugoa]+)=([rwx]*)" c) (lib.splitString "," mode);
        bits = perms: (if lib.hasInfix "r" perms then 4 else 0) + (if lib.hasInfix "w" perms then 2 else 0) + (if lib.hasInfix "x" perms then 1 else 0);
        classes = who: if lib.hasInfix "a" who then [ "u" "g" "o" ] else builtins.filter (c: lib.hasInfix c who) [ "u" "g" "o" ];
        assigned = lib.concatMap (cl: map (c: { name = c; value = bits (builtins.elemAt cl 1); }) (classes (builtins.elemAt cl 0))) clauses;
        names = map (a: a.name) assigned;
        digit = c: toString (lib.foldl' (acc: a: if a.name == c then a.value else acc) 0 assigned);
      in
      if lib.unique names != names then
        throw "blankslate: the mode \"${mode}\" names a class (u, g or o) twice; write each once, or use octal"
      else
        "0${digit "u"}${digit "g"}${digit "o"}";

  entryModule =
    kind:
    types.submodule {
      options = {
        path = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = if kind == "directory" then "/srv/git" else "/etc/adjtime";
          description = ''
            Absolute path in the running system (relative to the home directory in
            {option}`blankslate.users`). Its persistent copy is the same path under
            {option}`blankslate.persistRoot` (`/srv/git` is kept in
            `/persist/srv/git`); a missing copy is created as an empty ${kind} with the
            entry's `user`, `group` and `mode`. `${kind}` is another name for it.
          '';
        };
        ${kind} = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = if kind == "directory" then "/var/lib/bluetooth" else "/etc/machine-id";
          description = ''
            The same as `path`, under the name impermanence and preservation use, so
            their declarations can be copied unchanged. Set one of the two.
          '';
        };
        how = mkOption {
          type = types.nullOr (
            types.enum [
              "bind"
              "symlink"
              "bindmount"
            ]
          );
          default = null;
          example = "symlink";
          description = ''
            `bind`: bind-mount the persistent copy onto the path. `symlink`: make the
            path a symlink to the persistent copy. `bindmount` (preservation's name) is
            `bind`. `null` (the default) binds, as impermanence does, except
            /etc/machine-id, which is a symlink: systemd-machine-id-commit fails on a
            bind-mounted machine-id (nix-community/impermanence#229).
          '';
        };
        method = mkOption {
          type = types.nullOr (
            types.enum [
              "auto"
              "symlink"
            ]
          );
          default = null;
          example = "symlink";
          description = ''
            impermanence's name for files: `symlink` is `how = "symlink"`, `auto` the
            default `how`.
          '';
        };
        persistentStoragePath = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/persist";
          description = ''
            impermanence's per-entry persistent root (default: the root the entry
            is declared in, {option}`blankslate.persistRoot` for
            {option}`blankslate.directories`). It must be a file system of its own
            that the initrd mounts, like {option}`blankslate.persistRoot`.
          '';
        };
        parentDirectory = mkOption {
          type = types.submodule {
            options = {
              user = mkOption {
                type = types.nullOr ownerType;
                default = null;
                description = "Owner of the parent directory (default: root, or the user in `users.<name>`).";
              };
              group = mkOption {
                type = types.nullOr ownerType;
                default = null;
                description = "Group of the parent directory (default: root, or the user's group in `users.<name>`).";
              };
              mode = mkOption {
                type = types.nullOr modeType;
                default = null;
                description = "Mode of the parent directory (default 0755).";
              };
            };
          };
          default = { };
          example = {
            mode = "u=rwx,g=,o=";
          };
          description = ''
            impermanence's `parentDirectory`: owner and mode of the directory holding
            the entry. blankslate creates missing parents `root:root 0755` in the
            initrd; a parentDirectory that says otherwise becomes a
            {option}`systemd.tmpfiles.rules` `d` line for that directory, both in the
            running system and under the persistent root, applied early in the boot
            (systemd-tmpfiles-setup.service).
          '';
        };
        hideMount = mkOption {
          type = types.nullOr types.bool;
          default = null;
          example = true;
          description = "impermanence's per-entry `hideMount` (see {option}`blankslate.hideMounts`).";
        };
        allowTrash = mkOption {
          type = types.nullOr types.bool;
          default = null;
          example = true;
          description = "impermanence's `allowTrash`: accepted; `true` gives a warning (see docs/impermanence.md).";
        };
        user = mkOption {
          type = types.nullOr ownerType;
          default = null;
          example = "postgres";
          description = ''
            Owner of a newly created persistent copy: a user name or a decimal uid;
            `null` means `root`, or the user itself in {option}`blankslate.users`.
            A name with a fixed {option}`users.users.<name>.uid` is written as that
            uid; any other name is looked up at boot, in the initrd's /etc/passwd and
            then in NixOS's map of the uids it allocated,
            `<persistRoot>/var/lib/nixos/uid-map` (so /var/lib/nixos must be kept); an
            entry whose owner is in neither is not attached, and the boot log says so.
          '';
        };
        group = mkOption {
          type = types.nullOr ownerType;
          default = null;
          example = "postgres";
          description = ''
            Group of a newly created persistent copy: a group name or a decimal gid,
            resolved like {option}`user` through {option}`users.groups.<name>.gid`
            and `gid-map`;
            `null` means `root`, or the user's primary group in {option}`blankslate.users`.
          '';
        };
        mode = mkOption {
          type = modeType;
          default = if kind == "directory" then "0755" else "0644";
          example = if kind == "directory" then "0700" else "u=rw,g=,o=";
          description = "Permission bits of a newly created persistent copy: octal, or the symbolic `u=rwx,g=rx,o=` form.";
        };
      };
    };

  entryType = kind: types.coercedTo types.str (path: { inherit path; }) (entryModule kind);

  userModule = types.submodule {
    options = {
      home = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/home/alice";
        description = ''
          The home directory the entries are relative to; `null` (the default) is
          {option}`users.users.<name>.home` (older impermanence releases had this
          option, current ones deduce it the same way).
        '';
      };
      directories = mkOption {
        type = types.listOf (entryType "directory");
        default = [ ];
        example = [
          "Downloads"
          {
            directory = ".gnupg";
            mode = "0700";
          }
        ];
        description = "Directories of this user to keep, relative to the home directory.";
      };
      files = mkOption {
        type = types.listOf (entryType "file");
        default = [ ];
        example = [ ".screenrc" ];
        description = "Files of this user to keep, relative to the home directory.";
      };
    };
  };

  # One persistent root as impermanence declares it (environment.persistence.<name>,
  # read at nix-community/impermanence 7b1d382f, nixos.nix and submodule-options.nix):
  # the same option names, so that renaming the attribute path is the whole move.
  persistenceModule = types.submodule (
    { name, ... }:
    {
      options = {
        enable = mkOption {
          type = types.bool;
          default = true;
          example = false;
          description = "Whether to attach the entries of this persistent root.";
        };
        persistentStoragePath = mkOption {
          type = types.str;
          default = name;
          defaultText = literalExpression "‹name›";
          example = "/persist";
          description = ''
            Where the persistent copies are: a file system of its own that the initrd
            mounts. The only root declared becomes {option}`blankslate.persistRoot`;
            each other root is attached by a run of its own (`/etc/blankslate/persist-N.json`).
          '';
        };
        hideMounts = mkOption {
          type = types.bool;
          default = false;
          example = true;
          description = "impermanence's `hideMounts` (see {option}`blankslate.hideMounts`).";
        };
        allowTrash = mkOption {
          type = types.bool;
          default = false;
          example = true;
          description = "impermanence's `allowTrash`: accepted; `true` gives a warning (see docs/impermanence.md).";
        };
        enableDebugging = mkOption {
          type = types.bool;
          default = false;
          example = true;
          description = "impermanence's `enableDebugging`: accepted, without effect (`blankslate check` and the journal say what was attached).";
        };
        enableWarnings = mkOption {
          type = types.bool;
          default = true;
          example = false;
          description = "impermanence's `enableWarnings`: accepted, without effect.";
        };
        directories = mkOption {
          type = types.listOf (entryType "directory");
          default = [ ];
          example = [ "/var/lib/bluetooth" ];
          description = "Directories to keep, as in {option}`blankslate.directories`.";
        };
        files = mkOption {
          type = types.listOf (entryType "file");
          default = [ ];
          example = [ "/etc/adjtime" ];
          description = "Files to keep, as in {option}`blankslate.files`.";
        };
        users = mkOption {
          type = types.attrsOf userModule;
          default = { };
          example = literalExpression ''{ alice.directories = [ "Downloads" ]; }'';
          description = "Entries of a user, relative to the home directory, as in {option}`blankslate.users`.";
        };
      };
    }
  );

  # The seed layout (docs/DESIGN.md): what the binary's built-in default also contains.
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
    from = "blankslate.defaultEntries";
    root = cfg.persistRoot;
    hide = false;
    parent = null;
    home = null;
  };

  # How an entry is attached when it does not say: bound, as impermanence binds
  # directories and (once the copy exists, which blankslate makes sure of) files;
  # /etc/machine-id is the exception, a symlink (machineIdProblems says why).
  defaultHow =
    type: path: e:
    if e.how == "bindmount" then
      "bind"
    else if e.how != null then
      e.how
    else if e.method == "symlink" || path == "/etc/machine-id" then
      "symlink"
    else
      "bind";

  # One declared entry as the binary's entry, before owners are resolved, plus what the
  # module needs to judge it (not written to config.json): `from`, the option that
  # declared it, for messages; `root`, where its copy is; `hide`, its hideMount;
  # `parent`, its parentDirectory when it sets one; `home`, the user's home.
  normalise =
    {
      type,
      where,
      home ? null,
      owner ? "root",
      ownerGroup ? "root",
      root,
      hide,
    }:
    e:
    let
      named = builtins.filter (p: p != null) [
        e.path
        e.${type}
      ];
      raw =
        if builtins.length named == 1 then
          builtins.head named
        else
          throw "blankslate: an entry in ${where} sets ${
            if named == [ ] then "neither" else "both"
          } `path` and `${type}`; set exactly one (${builtins.toJSON (builtins.removeAttrs e [ "_module" ])}).";
      path = if home == null then raw else "${home}/${raw}";
      pd = e.parentDirectory;
    in
    {
      inherit type path home;
      how = defaultHow type path e;
      user = if e.user == null then owner else e.user;
      group = if e.group == null then ownerGroup else e.group;
      mode = modeToOctal e.mode;
      from = where;
      root = if e.persistentStoragePath == null then root else e.persistentStoragePath;
      hide = if e.hideMount == null then hide else e.hideMount;
      trash = e.allowTrash == true;
      # impermanence's defaultPerms: the parents in a home are the user's, whatever
      # owner the entry itself names
      homeOwner = {
        user = owner;
        group = ownerGroup;
        mode = "0755";
      };
      parent =
        if pd.user == null && pd.group == null && pd.mode == null then
          null
        else
          {
            user = if pd.user == null then owner else pd.user;
            group = if pd.group == null then ownerGroup else pd.group;
            mode = if pd.mode == null then "0755" else modeToOctal pd.mode;
          };
    };

  homeOf =
    name: u:
    let
      uu = config.users.users.${name} or null;
    in
    if (u.home or null) != null then
      u.home
    else if uu == null || (uu.home or null) == null then
      throw "blankslate: the entries of user ${name} name a user that is not in users.users (or has no home); declare users.users.${name}."
    else
      uu.home;

  # The entries of one list of directories, files and users (blankslate.* itself, or
  # one blankslate.persistence.<name>).
  listEntries =
    where: root: hide: l:
    map (normalise {
      type = "directory";
      where = "${where}.directories";
      inherit root hide;
    }) l.directories
    ++ map (normalise {
      type = "file";
      where = "${where}.files";
      inherit root hide;
    }) l.files
    ++ lib.concatLists (
      lib.mapAttrsToList (
        name: u:
        let
          home = homeOf name u;
          group = config.users.users.${name}.group or "root";
          grp = if group == "" then "root" else group;
          one =
            type: list:
            map (normalise {
              inherit
                type
                home
                root
                hide
                ;
              where = "${where}.users.${name}.${if type == "directory" then "directories" else "files"}";
              owner = name;
              ownerGroup = grp;
            }) list;
        in
        one "directory" u.directories ++ one "file" u.files
      ) l.users
    );

  enabledPersistence = lib.filterAttrs (_: p: p.enable) cfg.persistence;
  persistenceRoots = lib.unique (lib.mapAttrsToList (_: p: p.persistentStoragePath) enabledPersistence);

  userEntries =
    listEntries "blankslate" cfg.persistRoot cfg.hideMounts cfg
    ++ lib.concatLists (
      lib.mapAttrsToList (
        name: p: listEntries "blankslate.persistence.\"${name}\"" p.persistentStoragePath p.hideMounts p
      ) enabledPersistence
    );
  userPaths = map (e: e.path) userEntries;

  # a is b or lies beneath b.
  within = a: b: a == b || lib.hasPrefix "${b}/" a;
  strictlyWithin = a: b: a != b && within a b;

  # The default entries a declared entry does not replace (same path) or hold (a
  # declared directory they lie in).
  keptSeeds = lib.optionals cfg.defaultEntries (
    builtins.filter (
      s: !builtins.any (u: u.path == s.path || (u.type == "directory" && strictlyWithin s.path u.path)) userEntries
    ) seedEntries
  );

  # A declared entry inside a default directory entry (impermanence lists such as
  # /var/lib/bluetooth next to the default /var/lib): its copy, <root><path>, lies in
  # the default entry's copy, so the default entry keeps it already. It is merged into
  # that entry (not attached on its own); the binary refuses nested entries.
  seedHolding = e: lib.findFirst (s: s.type == "directory" && strictlyWithin e.path s.path) null keptSeeds;
  mergedEntries = builtins.filter (e: seedHolding e != null && e.root == cfg.persistRoot) userEntries;
  attachedUserEntries = builtins.filter (e: seedHolding e == null || e.root != cfg.persistRoot) userEntries;

  entries = keptSeeds ++ attachedUserEntries;
  entryPaths = map (e: e.path) entries;

  # What a merged entry asked for that nobody applies: the owner and mode of a copy
  # blankslate would have created, or a symlink. Only those are worth a warning.
  mergeWarnings = lib.concatMap (
    e:
    let
      s = seedHolding e;
      asked =
        lib.optional (e.user != "root" && e.home == null) "user = ${e.user}"
        ++ lib.optional (e.group != "root" && e.home == null) "group = ${e.group}"
        ++ lib.optional (e.mode != (if e.type == "directory" then "0755" else "0644")) "mode = ${e.mode}"
        ++ lib.optional (e.how == "symlink" && e.path != "/etc/machine-id") "how = symlink";
    in
    lib.optional (asked != [ ])
      "blankslate: ${e.path} (${e.from}) lies in ${s.path}, an entry of blankslate.defaultEntries, so it is kept as part of ${s.path} and not attached on its own; its ${lib.concatStringsSep ", " asked} is not applied (a missing ${e.path} is created by whatever uses it). Drop it from the list, or set blankslate.defaultEntries = false; and declare the default entries you keep (/etc/nixos, /etc/ssh, /var/log, /var/lib, /etc/machine-id) so that ${e.path} is an entry of its own."
  ) mergedEntries;

  # Entries nested in one another that are not merged: the binary attaches no entry
  # inside another (a bind mount would hide or be hidden by the other). Named by the
  # options that declared them, so that the fix is found without reading config.json.
  nestingProblems = lib.concatMap (
    a:
    lib.concatMap (
      b:
      lib.optional (strictlyWithin a.path b.path)
        "blankslate: ${a.path} (${a.from}) lies inside ${b.path} (${b.from}); blankslate attaches no entry inside another. ${
          if a.root == b.root then
            "Drop ${a.path}: its copy ${a.root}${a.path} is kept as part of ${b.path} already"
          else
            "The two keep their copies under different roots (${a.root}, ${b.root}): keep ${a.path} under ${b.root} and drop it from the list"
        }${lib.optionalString (b.from == "blankslate.defaultEntries") ", or set blankslate.defaultEntries = false; and declare the default entries you keep"}."
    ) entries
  ) entries;

  # A path declared twice (in two lists, or twice in one): the binary refuses
  # duplicates; named here by the options, with the first one kept in mind.
  duplicateProblems =
    let
      indexed = builtins.genList (i: builtins.elemAt userEntries i // { index = i; }) (builtins.length userEntries);
    in
    lib.concatMap (
      a:
      lib.optional (builtins.any (b: b.path == a.path && b.index < a.index) indexed) (
        let
          first = lib.findFirst (b: b.path == a.path) null indexed;
        in
        "blankslate: ${a.path} is declared twice, in ${first.from} and in ${a.from}; blankslate attaches each path once. Keep one of the two declarations."
      )
    ) indexed;

  # Several persistent roots, as impermanence allows. A configuration file has one
  # persistRoot, so each other root gets a file of its own (the same settings, its
  # entries, no audit record: the first run saves that) and blankslate-persist.service
  # one more `blankslate persist --config` run per root, after the first (a oneshot
  # runs its ExecStart= lines in order and stops at the first that fails).
  otherRootEntries = builtins.filter (e: e.root != cfg.persistRoot) entries;
  otherRoots = lib.unique (map (e: e.root) otherRootEntries);
  mainEntries = builtins.filter (e: e.root == cfg.persistRoot) entries;
  rootFile = i: "/etc/blankslate/persist-${toString i}.json";
  # [ { i = 1; root = ...; } ... ]: the other roots, numbered from 1
  numberedRoots = builtins.genList (i: {
    i = i + 1;
    root = builtins.elemAt otherRoots i;
  }) (builtins.length otherRoots);

  # Owner names resolve from the uid/gid maps of the root that keeps /var/lib/nixos
  # (the entry holding it, default or declared), for every run: `--maps-from`.
  mapsEntry = lib.findFirst (e: e.type == "directory" && within "/var/lib/nixos" e.path) null entries;
  mapsRoot = if mapsEntry == null then cfg.persistRoot else mapsEntry.root;
  # The binary refuses an entry that overlaps its own persistent root; one that
  # overlaps another root's is only seen here.
  allRoots = [ cfg.persistRoot ] ++ otherRoots;
  rootOverlapProblems =
    lib.concatMap (
      r:
      map (e: "blankslate: ${e.path} (${e.from}) overlaps the persistent root ${r}; an entry can be neither a persistent root nor lie inside or around one. Remove it.") (
        builtins.filter (e: e.root != r && (within e.path r || within r e.path)) entries
      )
    ) allRoots;
  persistExec = extra: units.value units.persist "Service" "ExecStart" + extra + lib.optionalString (mapsRoot != cfg.persistRoot || otherRoots != [ ]) " --maps-from ${mapsRoot}";
  persistExecStart = lib.optionals (mapsRoot != cfg.persistRoot || otherRoots != [ ]) (
    [
      ""
      (persistExec "")
    ]
    ++ map (n: persistExec " --config ${rootFile n.i}") numberedRoots
  );

  # impermanence's hideMounts adds x-gvfs-hide to the fstab entry of each bind mount
  # (nix-community/impermanence nixos.nix, mkBindMountNameValuePair), so that file
  # managers leave them out. blankslate attaches in the initrd and writes no fstab
  # entry, so there is no option to carry it. GLib lists a mount only beneath /media,
  # /run/media/$USER or the home directory, and not beneath a dot directory
  # (gio/gunixmounts.c, g_unix_mount_guess_should_display): only bind entries of that
  # kind in a home directory show; those are named, with what to do.
  homes = lib.unique ([ "/home" ] ++ builtins.filter (h: h != null) (map (e: e.home) entries));
  shownBinds = builtins.filter (
    e: e.hide && e.how == "bind" && builtins.any (h: strictlyWithin e.path h) homes && !lib.hasInfix "/." e.path
  ) entries;
  hideMountsWarnings = lib.optional (shownBinds != [ ])
    "blankslate: hideMounts cannot hide ${lib.concatStringsSep ", " (map (e: e.path) shownBinds)} from file managers: impermanence marks its bind mounts x-gvfs-hide in fstab, but blankslate bind-mounts in the initrd, with no fstab entry, and file managers list mounts beneath a home directory. To keep them out of the file manager, attach them as symlinks ({ directory = \"...\"; how = \"symlink\"; }). Other mounts are not listed by file managers, so there hideMounts has nothing to do.";

  # impermanence's allowTrash adds x-gvfs-trash to the fstab entry, for GIO to trash
  # on the mount itself; without an fstab entry GIO falls back to its own rules.
  trashPaths = map (e: e.path) (builtins.filter (e: e.trash) userEntries)
    ++ lib.concatLists (lib.mapAttrsToList (name: p: lib.optional p.allowTrash "blankslate.persistence.\"${name}\"") enabledPersistence);
  trashWarnings = lib.optional (trashPaths != [ ])
    "blankslate: allowTrash (${lib.concatStringsSep ", " trashPaths}) is not carried over: impermanence marks its bind mounts x-gvfs-trash in fstab, and blankslate attaches in the initrd without fstab entries. Deleting to the trash in these directories may be refused by file managers or deletes at once; remove allowTrash to silence this.";

  # ------------------------------------------------------------ parents ----

  # impermanence creates missing parents with the entry's parentDirectory (default
  # root:root 0755; for users.<name>, the user and its group), blankslate's binary
  # creates them root:root 0755. The difference is made good with tmpfiles `d` lines
  # (tmpfiles.d(5): an existing directory gets the mode and owner given), applied by
  # systemd-tmpfiles-setup.service early in the boot, in the running system and, for a
  # parentDirectory the entry sets, also under the persistent root as impermanence does.
  tmpfilesPath = p: lib.replaceStrings [ "%" " " ] [ "%%" "\\x20" ] p;
  dLine = p: o: "d ${tmpfilesPath p} ${o.mode} ${o.user} ${o.group} -";
  # The directories strictly between `top` and `p`.
  between =
    top: p:
    let
      d = dirOf p;
    in
    if d == top || !strictlyWithin d top then [ ] else between top d ++ [ d ];
  parentRules = lib.unique (
    lib.concatMap (
      e:
      lib.optionals (e.parent != null && dirOf e.path != "/" && dirOf e.path != e.home) [
        (dLine (dirOf e.path) e.parent)
        (dLine "${e.root}${dirOf e.path}" e.parent)
      ]
      ++ lib.optionals (e.home != null) (
        map (d: dLine d e.homeOwner) (builtins.filter (d: e.parent == null || d != dirOf e.path) (between e.home e.path))
      )
    ) entries
  );

  # ------------------------------------------------------------------- owners ----

  isId = s: builtins.match "[0-9]+" s != null;

  # A name with a fixed id in the configuration is written as that id; any other name
  # is written as it is and looked up at boot (mounts/plan.go: the initrd's
  # /etc/passwd, then <persistRoot>/var/lib/nixos/uid-map and gid-map, the maps
  # NixOS keeps of the ids it allocated), as impermanence looks names up at activation.
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

  ownersByName = kind: lib.unique (builtins.filter (n: resolveOwner kind n == null) (map (e: e.${kind}) entries));
  mapsKept = mapsEntry != null;

  ownerWarnings = lib.concatMap (
    kind:
    let
      table = if kind == "user" then "users.users" else "users.groups";
      idAttr = if kind == "user" then "uid" else "gid";
      known = n: if kind == "user" then config.users.users ? ${n} else config.users.groups ? ${n};
    in
    map (
      n:
      "blankslate: entries name the ${kind} \"${n}\", which ${table} does not declare. At boot it is looked up in the initrd's /etc/${
        if kind == "user" then "passwd" else "group"
      } and in ${mapsRoot}/var/lib/nixos/${idAttr}-map; where it is in neither, that entry is not attached and the boot log says so. Declare ${table}.${n} (with a fixed ${idAttr} it needs no map), or write the numeric ${idAttr}."
    ) (builtins.filter (n: !known n) (ownersByName kind))
  ) [
    "user"
    "group"
  ];

  ownerProblems =
    let
      names = ownersByName "user" ++ ownersByName "group";
    in
    lib.optional (names != [ ] && !mapsKept)
      "blankslate: entries name owners without a fixed id (${lib.concatStringsSep ", " (lib.unique names)}), which blankslate looks up at boot in the uid-map and gid-map of /var/lib/nixos, but no entry keeps /var/lib/nixos, so the maps are never there and those entries would never be attached. Keep /var/lib/nixos (the default /var/lib entry does; or add \"/var/lib/nixos\" to the directories), or give each name a fixed users.users.<name>.uid / users.groups.<name>.gid.";

  # ------------------------------------------------------- generated config ----

  # What NixOS needs from the persistent root during activation, before any service
  # runs: the identities sops-nix and agenix decrypt with, and the ssh host keys (both
  # tools default to those). Each option is read only when the module that declares it
  # is imported (`options ? sops`), so that neither tool is required.
  sopsSecrets = lib.optionals (options ? sops) (
    let
      s = config.sops;
    in
    lib.optional ((s.age.keyFile or null) != null) s.age.keyFile
    ++ (s.age.sshKeyPaths or [ ])
    ++ lib.optional ((s.gnupg.home or null) != null) s.gnupg.home
    ++ (s.gnupg.sshKeyPaths or [ ])
  );
  agenixSecrets = lib.optionals (options ? age && options.age ? identityPaths) config.age.identityPaths;
  sshHostKeys = lib.optionals (config.services.openssh.enable or false) (
    map (k: k.path) (builtins.filter (k: k ? path) (config.services.openssh.hostKeys or [ ]))
  );
  activationSecrets = lib.unique (map toString (sopsSecrets ++ agenixSecrets ++ sshHostKeys));

  # The layout the machine is meant to have, for `blankslate check` to compare the pool
  # with (instead of guessing): the share of the pool kept free, the docker volume,
  # the ARC maximum, and the secrets activation reads. Key names are the binary's.
  layout = {
    reservePercent = cfg.reservePercent;
    dockerZvol = if cfg.docker.enable then cfg.docker.zvol else null;
    arcMax = cfg.arcMax;
    secrets = activationSecrets;
  };

  jsonEntry = e: {
    inherit (e)
      path
      how
      type
      mode
      ;
    user = if resolveOwner "user" e.user == null then e.user else resolveOwner "user" e.user;
    group = if resolveOwner "group" e.group == null then e.group else resolveOwner "group" e.group;
  };
  generatedConfig = {
    inherit (cfg)
      pool
      dataset
      snapshot
      persistRoot
      onFailure
      ;
    inherit layout;
    entries = map jsonEntry mainEntries;
  }
  # Always written: the option's default (1) is not the binary's (no keep.roots: 0).
  // { keep.roots = cfg.keepRoots; }
  # For the same reason only the audit settings that differ from the binary's defaults.
  // lib.optionalAttrs (auditChanged != { }) { audit = auditChanged; };
  configJSON = builtins.toJSON generatedConfig;

  # The file of each other root (see otherRoots), in the initrd and in /etc.
  rootConfigs = map (n: {
    inherit (n) root;
    path = rootFile n.i;
    json = builtins.toJSON {
      inherit (cfg)
        pool
        dataset
        snapshot
        onFailure
        ;
      persistRoot = n.root;
      entries = map jsonEntry (builtins.filter (e: e.root == n.root) entries);
      audit.enable = false;
    };
  }) numberedRoots;

  # The binary's defaults of the audit settings (config/validate_extra.go: Audit,
  # AuditLimits, DefaultAudit*), which are also the options' defaults: a setting left
  # out of config.json is this value at boot.
  auditDefaults = {
    enable = true;
    listAfterBoot = true;
    maxFiles = 10000;
    maxSeconds = 5;
    keep = 30;
  };
  auditChanged = lib.filterAttrs (name: value: value != auditDefaults.${name}) (
    builtins.intersectAttrs auditDefaults cfg.audit
  );

  # blankslate-audit.service has work only when the rollback sets a dirty root aside for
  # it: the audit trail is on (audit.enable, default true) and the listing is not done
  # in the initrd (audit.listAfterBoot, default true; config/validate_extra.go,
  # AuditLimits). Read from the generated file, so that the unit follows whatever the
  # configuration says: blankslate.audit.enable = false or
  # blankslate.audit.listAfterBoot = false writes that key as false and leaves the unit
  # out; with both at their defaults neither key is written, the defaults apply and the
  # unit is enabled whenever the module is.
  auditSettings = generatedConfig.audit or { };
  auditAfterBoot = (auditSettings.enable or true) != false && (auditSettings.listAfterBoot or true) != false;

  # The file both /etc and the initrd get. The binary checks it when the system is
  # built (`blankslate validate`: exit 0 valid; 2 with every problem on stderr), the way
  # NixOS checks sshd_config with `sshd -t`: paths, duplicates, nesting, trees that are
  # not on the root dataset and the rest of the schema are the binary's to judge, and a
  # configuration it would refuse at boot does not build.
  checkedFile =
    name: where: json:
    let
      unchecked = pkgs.writeText name json;
    in
    if !cfg.checkConfig then
      unchecked
    else
      pkgs.runCommand name
        {
          preferLocalBuild = true;
          inherit unchecked;
        }
        ''
          if ! ${cfg.package}/bin/blankslate validate --config "$unchecked"; then
            echo "blankslate: the generated ${where} is invalid (problems above)." >&2
            echo "Fix the blankslate.* options they name; the configuration was:" >&2
            cat "$unchecked" >&2
            exit 1
          fi
          cp "$unchecked" "$out"
        '';
  configFile = checkedFile "blankslate-config.json" "/etc/blankslate/config.json" configJSON;
  rootConfigFiles = builtins.listToAttrs (
    map (c: {
      name = lib.removePrefix "/etc/" c.path;
      value.source = checkedFile (baseNameOf c.path) c.path c.json;
    }) rootConfigs
  );

  # ------------------------------------------------------------- file systems ----

  fileSystems = builtins.attrValues config.fileSystems;
  fsAt = mp: lib.findFirst (fs: fs.mountPoint == mp) null fileSystems;
  rootFs = fsAt "/";
  persistFs = fsAt cfg.persistRoot;

  # The test NixOS itself uses for "mounted in the initrd" (nixos/lib/utils.nix).
  neededForBoot = utils.fsNeededForBoot;

  describeFs =
    fs:
    if fs == null then
      "not declared"
    else
      "device = \"${toString fs.device}\", fsType = \"${fs.fsType}\"";

  rootProblems =
    lib.optional (rootFs == null || rootFs.fsType != "zfs" || rootFs.device != cfg.dataset)
      "blankslate: fileSystems.\"/\" must be the ZFS dataset ${cfg.dataset} that is rolled back at boot, but it is ${describeFs rootFs}. Set fileSystems.\"/\" = { device = \"${cfg.dataset}\"; fsType = \"zfs\"; }; or set blankslate.dataset to your root dataset.";

  rootFsProblems =
    root:
    let
      fs = fsAt root;
    in
    if fs == null then
      [
        "blankslate: fileSystems.\"${root}\" is not declared, so nothing would be mounted at the persistent root in the initrd and every entry would be created on the ephemeral root. Declare it, e.g. fileSystems.\"${root}\" = { device = \"${cfg.pool}/nixos/persist\"; fsType = \"zfs\"; neededForBoot = true; };"
      ]
    else
      lib.optional (!neededForBoot fs)
        "blankslate: fileSystems.\"${root}\" is not needed for boot, so the initrd does not mount it and blankslate-persist.service would find ${root} empty. Set fileSystems.\"${root}\".neededForBoot = true;"
      ++ lib.optional (fs.fsType == "zfs" && within (toString fs.device) cfg.dataset)
        "blankslate: fileSystems.\"${root}\" is on ${toString fs.device}, which is (or lies inside) the dataset ${cfg.dataset} that is reset at boot. Put the persistent root on its own dataset, e.g. ${cfg.pool}/nixos/persist.";
  persistProblems = lib.concatMap rootFsProblems ([ cfg.persistRoot ] ++ otherRoots);

  datasetProblems =
    lib.concatMap (
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

  # An entry beneath a file system the initrd does not mount (/home on a dataset of its
  # own, without neededForBoot) would be attached in the initrd onto the root dataset's
  # directory, and the mount made after switch-root would cover it: silently not kept.
  # The file system an entry lies on is the declared one with the longest mount point
  # above it; "/" and the persistent root are mounted in the initrd by the rules above.
  fsHolding =
    p:
    lib.foldl' (
      best: fs:
      if fs.mountPoint != "/" && strictlyWithin p fs.mountPoint && (best == null || lib.hasPrefix best.mountPoint fs.mountPoint) then
        fs
      else
        best
    ) null fileSystems;
  lateEntries = builtins.filter (
    e:
    let
      fs = fsHolding e.path;
    in
    fs != null && !neededForBoot fs
  ) entries;
  lateMounts = lib.unique (map (e: (fsHolding e.path).mountPoint) lateEntries);
  lateMountProblems = map (
    mp:
    let
      es = builtins.filter (e: (fsHolding e.path).mountPoint == mp) lateEntries;
      fs = fsAt mp;
    in
    "blankslate: ${lib.concatStringsSep ", " (map (e: "${e.path} (${e.from})") es)} ${
      if builtins.length es == 1 then "lies" else "lie"
    } on fileSystems.\"${mp}\" (${describeFs fs}), which the initrd does not mount: blankslate attaches in the initrd, so ${
      if builtins.length es == 1 then "it" else "they"
    } would be attached on the root dataset's ${mp} and then covered by the mount of ${mp} after switch-root, and not kept. Set fileSystems.\"${mp}\".neededForBoot = true; so that ${mp} is mounted first, or move the ${
      if builtins.length es == 1 then "entry" else "entries"
    } out of ${mp} (a ${mp} on a persistent dataset of its own keeps its contents without entries)."
  ) lateMounts;

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

  # Kept across boots: under the persistent root, or under an entry.
  persists = p: within p cfg.persistRoot || builtins.any (e: within p e) entryPaths;

  sshKeysPersist = builtins.any (k: persists (toString (k.path or ""))) (
    config.services.openssh.hostKeys or [ ]
  );

  sshWarnings =
    lib.optional ((config.services.openssh.enable or false) && !sshKeysPersist)
      "blankslate: services.openssh is enabled but no host key path lies under ${cfg.persistRoot} or a blankslate entry; sshd will generate new host keys at every boot. Keep the default /etc/ssh entry or point services.openssh.hostKeys into ${cfg.persistRoot}.";

  secretWarnings = map (
    p:
    "blankslate: ${p} (a sops-nix or agenix identity) is read during activation but lies on the root that is reset at every boot, so secrets will not decrypt. Keep it under ${cfg.persistRoot} or under a blankslate entry."
  ) (builtins.filter (p: !persists p) (map toString (sopsSecrets ++ agenixSecrets)));

  # nixpkgs nixos/modules/system/boot/systemd/initrd.nix locks the initrd's root account
  # (root:*) unless emergencyAccess is set; the emergency shell then only prints
  # "Cannot open access to console, the root account is locked".
  emergencyWarnings =
    lib.optional (cfg.onFailure == "emergency" && (config.boot.initrd.systemd.emergencyAccess or false) == false)
      "blankslate: blankslate.onFailure = \"emergency\" stops a failed rollback in the initrd's emergency mode, but boot.initrd.systemd.emergencyAccess is not set, so the initrd's root account is locked and that shell cannot be entered. Set boot.initrd.systemd.emergencyAccess = true; (or a hashed password), or set blankslate.onFailure = \"continue\". If it happens anyway: at the boot menu edit the entry and add blankslate.rollback=skip to the kernel command line (this boot keeps the root as it is), or boot a rescue system and run `blankslate check --root /mnt`.";

  # ---------------------------------------------------------------- syncoid ----

  # syncoid target name per dataset: rpool/nixos/persist -> <target>/nixos-persist
  replicaName = d: lib.replaceStrings [ "/" ] [ "-" ] (lib.removePrefix "${cfg.pool}/" d);

  # The unit name services.syncoid gives a command: every run of characters other than
  # letters, digits, "_", "." and "-" becomes one "-" (rpool/nixos/persist ->
  # syncoid-rpool-nixos-persist).
  syncoidUnit =
    name:
    "syncoid-"
    + builtins.concatStringsSep "-" (builtins.filter builtins.isString (builtins.split "[^A-Za-z0-9_.-]+" name));

  # Two generations of nixpkgs' services.syncoid (nixos/modules/services/backup/syncoid.nix)
  # handle the key differently:
  #  - current (nixos-unstable, the flake's input): DynamicUser, no `user` option; the
  #    key is loaded by systemd as a credential (LoadCredential=sshKey:<path>, read by
  #    PID 1 outside the sandbox) and syncoid gets $CREDENTIALS_DIRECTORY/sshKey, so a
  #    key under the persistent root works as it is;
  #  - older: User=syncoid (the `user` option), the key path is passed to syncoid as it
  #    is, and the service runs in RootDirectory=/run/syncoid/<name> with only the store,
  #    /etc, /run and /bin/sh bound read-only: a key under /persist is not there.
  #    For that one the key is bound into the sandbox read-only (it must be readable
  #    by services.syncoid.user).
  # Which one is present is read from the options (never from systemd.services, which
  # this module's own definitions feed), and the assertion below checks the resulting
  # units either way.
  syncoidPassesPath = (options.services.syncoid or { }) ? user;

  syncoidKeyProblems = lib.optionals (cfg.replication.enable && cfg.replication.sshKey != null) (
    lib.concatMap (
      d:
      let
        key = cfg.replication.sshKey;
        unit = config.systemd.services.${syncoidUnit d} or null;
        sc = if unit == null then { } else unit.serviceConfig or { };
        creds = lib.toList (sc.LoadCredential or [ ]) ++ lib.toList (sc.LoadCredentialEncrypted or [ ]);
        byCredential = builtins.any (c: c == key || lib.hasSuffix ":${key}" c) creds;
        binds = map (b: builtins.head (lib.splitString ":" (lib.removePrefix "-" b))) (
          lib.toList (sc.BindReadOnlyPaths or [ ]) ++ lib.toList (sc.BindPaths or [ ])
        );
        visible =
          byCredential
          || (
            (!(sc ? RootDirectory) || builtins.any (b: within key b) binds)
            && !((sc.ProtectHome or false) == true && (within key "/home" || within key "/root"))
          );
      in
      if unit == null then
        [
          "blankslate: blankslate.replication is on but services.syncoid made no unit ${syncoidUnit d}.service for ${d}; the syncoid module of this nixpkgs is not the one blankslate knows. Configure services.syncoid.commands yourself and set blankslate.replication.enable = false;"
        ]
      else
        lib.optional (!visible)
          "blankslate: ${syncoidUnit d}.service cannot read its ssh key ${key}: the service runs in RootDirectory=${toString (sc.RootDirectory or "")} and neither loads the key as a credential nor binds it into that root. Bind it with services.syncoid.commands.\"${d}\".service.serviceConfig.BindReadOnlyPaths = [ \"${key}\" ]; or use a nixpkgs whose syncoid loads the key with LoadCredential."
    ) cfg.replication.datasets
  );

  # A local target needs no key, and the older syncoid module runs a command without
  # one. The current one (nixpkgs nixos/modules/services/backup/syncoid.nix at
  # 07468529) splits the key at ":" for every command (builtins.split ":" c.sshKey, to
  # tell LoadCredentialEncrypted from LoadCredential), which fails to evaluate when
  # there is none. Refused here, with what to do, and no command is defined, rather
  # than failing later with that module's "expected a string but found null".
  replicationKey = if cfg.replication.sshKey != null then cfg.replication.sshKey else config.services.syncoid.sshKey or null;
  syncoidNeedsKey = !syncoidPassesPath;
  replicationKeyless = cfg.replication.enable && replicationKey == null && syncoidNeedsKey;
  keylessProblems =
    lib.optional (replicationKeyless && cfg.replication.target != "" && !lib.hasInfix ":" cfg.replication.target)
      "blankslate: blankslate.replication.target \"${cfg.replication.target}\" is local and no ssh key is set, but this nixpkgs' services.syncoid cannot evaluate a command without one (it reads the key of every command to choose LoadCredential or LoadCredentialEncrypted). Set blankslate.replication.sshKey to any existing private key under ${cfg.persistRoot} (syncoid does not use it for a local target; systemd only loads it), e.g. \"${cfg.persistRoot}/etc/syncoid/id_ed25519\" made with ssh-keygen -t ed25519 -N '' -f; or set blankslate.replication.enable = false; and run `syncoid ${builtins.head (cfg.replication.datasets ++ [ "<dataset>" ])} ${cfg.replication.target}/...` from a unit of your own.";

  allProblems =
    lib.optional (!config.boot.initrd.systemd.enable)
      "blankslate: boot.initrd.systemd.enable is false. blankslate runs as two units in the systemd initrd; the scripted initrd would never run them and the root would silently stay dirty. Set boot.initrd.systemd.enable = true;"
    ++ rootProblems
    ++ persistProblems
    ++ datasetProblems
    ++ mountProblems
    ++ lateMountProblems
    ++ machineIdProblems
    ++ ownerProblems
    ++ nestingProblems
    ++ duplicateProblems
    ++ rootOverlapProblems
    ++ etcProblems
    ++ snapshotProblems
    ++ replicationProblems
    ++ syncoidKeyProblems
    ++ keylessProblems
    ++ dockerProblems;

  # The parent of every entry under /sysroot, for RequiresMountsFor= (see
  # ../systemd/blankslate-persist.service): a separately mounted /var or /etc is then
  # mounted before anything is attached beneath it. Paths the binary will refuse are
  # left out here; `blankslate validate` fails the build on them.
  sysrootParents = lib.unique (
    map (r: "/sysroot${r}") ([ cfg.persistRoot ] ++ otherRoots)
    ++ map (p: if dirOf p == "/" then "/sysroot" else "/sysroot${dirOf p}") (
      builtins.filter (p: lib.hasPrefix "/" p && !lib.hasInfix "/../" "${p}/") entryPaths
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
      default =
        if persistenceRoots == [ ] || builtins.elem "/persist" persistenceRoots then "/persist" else builtins.head persistenceRoots;
      defaultText = lib.literalMD "`/persist`, or the first root of {option}`blankslate.persistence` when none of them is `/persist`";
      example = "/nix/persist";
      description = ''
        Mount point of the persistent file system. The persistent copy of each entry
        is this path followed by the entry's path. {option}`fileSystems` must declare
        it with `neededForBoot = true`: a file system of its own, also when it lies in
        /nix as in the example (the binary refuses /nix itself, /nix/store and
        /nix/var, and kernel and temporary file systems).
      '';
    };

    persistence = mkOption {
      type = types.attrsOf persistenceModule;
      default = { };
      example = literalExpression ''
        {
          "/persist" = {
            hideMounts = true;
            directories = [
              "/var/lib/bluetooth"
              { directory = "/var/lib/colord"; user = "colord"; group = "colord"; mode = "u=rwx,g=rx,o="; }
            ];
            files = [ { file = "/var/keys/secret_file"; parentDirectory = { mode = "u=rwx,g=,o="; }; } ];
            users.alice.directories = [ "Downloads" { directory = ".gnupg"; mode = "0700"; } ];
          };
        }
      '';
      description = ''
        impermanence's `environment.persistence`, under this name: a configuration
        written for impermanence carries over by renaming `environment.persistence`
        to `blankslate.persistence` (docs/impermanence.md lists what differs). Each
        attribute is a persistent root with `directories`, `files` and
        `users.<name>` as in {option}`blankslate.directories`, and impermanence's
        `enable`, `persistentStoragePath`, `hideMounts`, `allowTrash`. Several roots
        work: {option}`blankslate.persistRoot` is one of them (the audit record and
        /etc/blankslate/config.json are its), each other one gets
        /etc/blankslate/persist-N.json and a `blankslate persist` run of its own in
        blankslate-persist.service. Each must be a file system of its own that the
        initrd mounts.
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
          { directory = "/srv/data"; user = "nobody"; group = "nogroup"; mode = "0750"; }
        ]
      '';
      description = ''
        Directories to keep across boots, in addition to the default entries. Each is
        a path, or an attribute set with `directory` (or `path`), `how`, `user`,
        `group` and `mode`.
      '';
    };

    files = mkOption {
      type = types.listOf (entryType "file");
      default = [ ];
      example = literalExpression ''
        [
          "/etc/adjtime"
          { file = "/etc/secret.conf"; how = "bind"; mode = "0600"; }
        ]
      '';
      description = ''
        Files to keep across boots, in addition to the default entries. Each is a path,
        or an attribute set with `file` (or `path`), `how`, `user`, `group` and `mode`.
      '';
    };

    users = mkOption {
      type = types.attrsOf userModule;
      default = { };
      example = literalExpression ''
        {
          alice = {
            directories = [ "Downloads" { directory = ".gnupg"; mode = "0700"; } ];
            files = [ ".screenrc" ];
          };
        }
      '';
      description = ''
        Directories and files of a user, relative to
        {option}`users.users.<name>.home`, owned by the user and the user's primary
        group unless an entry says otherwise (impermanence's and preservation's
        `users.<name>` lists). Names without a fixed uid or gid are looked up at boot
        (see the entries' `user`).
      '';
    };

    checkConfig = mkOption {
      type = types.bool;
      # The check runs the package's binary on the build machine, which a cross build
      # cannot: the guard nixpkgs puts around every build-time run of a just-built
      # program (stdenv.buildPlatform.canExecute stdenv.hostPlatform, as around
      # installShellCompletion in package builds).
      default = pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform;
      defaultText = literalExpression "pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform";
      example = false;
      description = ''
        Whether to check the generated /etc/blankslate/config.json with
        `blankslate validate` when the system is built. The package's binary runs on
        the build machine, so by default the check is made when the build machine can
        run the target's binaries (not when cross-compiling).
      '';
    };

    reservePercent = mkOption {
      type = types.ints.between 0 50;
      default = 10;
      example = 20;
      description = ''
        Share of the pool, in percent, meant to be kept free by a reservation (the seed
        layout's `<pool>/reserved` with a refreservation, see nix/disko-example.nix),
        so that a full pool can still be repaired. Written to config.json
        (`layout.reservePercent`) for `blankslate check`; nothing is reserved by this
        option itself. 0: no reservation wanted.
      '';
    };

    keepRoots = mkOption {
      type = types.ints.between 0 100;
      default = 1;
      example = 5;
      description = ''
        How many previous roots to keep recoverable (`keep.roots` in config.json).
        The default, 1, keeps the root the last boot left, so that `blankslate roots`,
        `blankslate restore` and {option}`blankslate.previousRootEntry` have something
        to work with from the first reboot on; the binary without a config.json keeps
        none.
        Before each rollback the root the last boot left is renamed to
        `<parent>/blankslate-prev/<UTC time>` (read-only, never mounted by itself)
        instead of being discarded, and the oldest beyond this number are destroyed.
        `blankslate check` lists them; mount one with
        `mount -t zfs -o ro <name> /mnt`. 0 keeps none. Each kept root holds what
        that boot wrote on `/`, so it costs pool space until it is pruned.
      '';
    };

    hideMounts = mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = ''
        impermanence's `hideMounts`, accepted so that its declarations carry over.
        File managers list only the mounts beneath a home directory (not beneath a dot
        directory); impermanence hides its bind mounts there with the `x-gvfs-hide`
        fstab option, which blankslate, attaching in the initrd without fstab entries,
        cannot set. With `true`, the build warns about each bind entry a file manager
        would list and says what to do (attach it as a symlink); elsewhere it changes
        nothing, as there is nothing to hide.
      '';
    };

    previousRootEntry = mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = ''
        Offer a boot-menu entry that boots the previous root: a specialisation
        `blankslate-previous-root` whose kernel command line adds
        `blankslate.root=previous`. Chosen at the boot menu (systemd-boot and GRUB
        list specialisations as entries of each generation), that boot runs on a
        writable copy of the root as the last boot left it; the next normal boot keeps
        what it wrote as a kept root and starts blank. See the README's Recovery.
      '';
    };

    audit = {
      enable = mkOption {
        type = types.bool;
        default = auditDefaults.enable;
        example = false;
        description = ''
          Whether to keep the audit trail (`audit.enable` in config.json): a record of
          what each rollback erases (the bytes, the root's top-level names and the
          changed paths), saved beneath {option}`blankslate.persistRoot` as
          `var/log/blankslate/<UTC time>.json`. `false` records nothing, sets no root
          aside for a listing, and leaves blankslate-audit.service out of the system.
        '';
      };
      listAfterBoot = mkOption {
        type = types.bool;
        default = auditDefaults.listAfterBoot;
        example = false;
        description = ''
          Where the changed paths are listed (`audit.listAfterBoot` in config.json).
          `true`: the rollback sets the dirty root aside in the initrd (a fixed
          number of ZFS transactions, whatever the last boot wrote) and
          blankslate-audit.service lists it after switch-root, at the lowest CPU priority.
          `false`: the initrd lists it before the rollback, so the boot waits up to
          {option}`blankslate.audit.maxSeconds` for it, and blankslate-audit.service
          is left out of the system. A root already set aside and not yet listed
          stays until `blankslate audit` lists it (docs/audit.md).
        '';
      };
      maxFiles = mkOption {
        type = types.ints.between 0 1000000;
        default = auditDefaults.maxFiles;
        example = 1000;
        description = ''
          How many changed paths a record lists at most (`audit.maxFiles` in
          config.json); a record that stops there says it is limited. 0 lists none
          (the bytes and the top-level names are still recorded).
        '';
      };
      maxSeconds = mkOption {
        type = types.ints.between 1 300;
        default = auditDefaults.maxSeconds;
        example = 30;
        description = ''
          How long, in seconds, the listing of one root may take
          (`audit.maxSeconds` in config.json); a listing cut short is saved as
          limited. With {option}`blankslate.audit.listAfterBoot` = false this time is
          spent in the initrd, before the root is mounted.
        '';
      };
      keep = mkOption {
        type = types.ints.between 1 10000;
        default = auditDefaults.keep;
        example = 100;
        description = ''
          How many audit records to keep beneath
          {option}`blankslate.persistRoot`/var/log/blankslate (`audit.keep` in
          config.json); older ones are deleted.
        '';
      };
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
          Nix store). Keep it under the persistent root: current nixpkgs loads it
          into the service as a systemd credential; with an older syncoid module, which
          runs the service in an empty root directory, the module binds the key into it
          read-only (it must then be readable by `services.syncoid.user`).
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

      warnings =
        emergencyWarnings ++ sshWarnings ++ secretWarnings ++ hideMountsWarnings ++ trashWarnings ++ mergeWarnings ++ ownerWarnings;

      systemd.tmpfiles.rules = parentRules;

      environment.systemPackages = [ cfg.package ];
      environment.etc = { "blankslate/config.json".source = configFile; } // rootConfigFiles;

      boot.initrd.systemd = {
        # The unit files come from the package (lib/systemd/system); NixOS links them
        # into the initrd's /etc/systemd/system and turns the definitions below into
        # overrides.conf drop-ins plus .wants/.requires links.
        packages = [ cfg.package ];
        extraBin.${baseNameOf binPath} = "${cfg.package}/bin/blankslate";
        contents = {
          "/etc/blankslate/config.json".source = configFile;
        }
        // builtins.listToAttrs (
          lib.mapAttrsToList (name: value: {
            name = "/etc/${name}";
            inherit value;
          }) rootConfigFiles
        );

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
          # One run per persistent root (otherRoots), each resolving owner names from
          # the root that keeps /var/lib/nixos; left to the unit file when there is
          # one root and it keeps the maps.
          serviceConfig = lib.optionalAttrs (persistExecStart != [ ]) { ExecStart = persistExecStart; };
        };
      };
    }

    # The listing after boot, in the booted system only (the unit's
    # ConditionPathExists=!/etc/initrd-release keeps it from running in the initrd, where
    # boot.initrd.systemd.packages also links the file but nothing enables it).
    #
    # How NixOS takes a unit from a package (nixpkgs nixos/lib/systemd-lib.nix,
    # generateUnits, read at NixOS/nixpkgs 013635633ffe; nixos/modules/system/boot/
    # systemd.nix builds /etc/systemd/system with it from systemd.packages and
    # systemd.units): every file in <package>/lib/systemd/system is linked into the unit
    # directory, and its [Install] section is not acted on; the text NixOS generates for
    # systemd.services.<name> (serviceToUnit) is linked as
    # <name>.service.d/overrides.conf - always with overrideStrategy = "asDropin" (the
    # option of nixos/lib/systemd-unit-options.nix), whereas the default
    # "asDropinIfExists" would make it a unit of its own, holding nothing but these lines,
    # were the file ever missing from the package; and wantedBy makes the
    # <target>.wants/<name>.service links. So Description=, After=, RequiresMountsFor=,
    # Nice=, CPUSchedulingPolicy=, Type= and the condition come from
    # the unit file itself, and the drop-in below adds only what NixOS must:
    #  - wantedBy: the unit's [Install] WantedBy=, read by ./units.nix;
    #  - ExecStart=: the package's binary. "" first, because a drop-in's ExecStart= adds
    #    a second command instead of replacing the first, which systemd refuses for a
    #    Type=exec unit (systemd.service(5));
    #  - RequiresMountsFor= the persistent root the record is saved beneath, as the
    #    persist unit's drop-in does: the unit file names the default /persist, so a
    #    custom blankslate.persistRoot is mounted first too.
    (mkIf auditAfterBoot {
      systemd.packages = [ cfg.package ];
      systemd.services.blankslate-audit = {
        overrideStrategy = "asDropin";
        wantedBy = units.words units.audit "Install" "WantedBy";
        unitConfig.RequiresMountsFor = [ cfg.persistRoot ];
        serviceConfig.ExecStart = [
          ""
          (packageExecStart units.audit)
        ];
        # What a switch does with it (nixos/modules/system/activation/
        # switch-to-configuration): it starts what the targets want and is not active,
        # and restarts what changed. The unit is Type=exec, so neither the boot's
        # multi-user.target nor a switch waits for the listing, only for its start;
        # RemainAfterExit keeps it active once it has listed, so a switch does not
        # start it again, and restartIfChanged = false leaves it alone when a new
        # package changes this drop-in (the next boot runs the new binary). Only here:
        # the unit file of ../systemd stays inactive after its run on other systems,
        # which is what the Debian userland test waits for.
        serviceConfig.RemainAfterExit = true;
        restartIfChanged = false;
      };
    })

    # machine-id as a symlink into the persistent root: on the first boot systemd
    # finds no usable id (first-boot semantics), mounts a transient one over the
    # symlink's target, and systemd-machine-id-commit must write it there, i.e. to
    # <persistRoot>/etc/machine-id, not to /etc/machine-id. This is the approach
    # nix-community/preservation documents and tests (tests/firstboot.nix).
    #
    # blankslate persist creates a missing <persistRoot>/etc/machine-id holding
    # "uninitialized" (mounts/doc.go), because since systemd 258 PID 1 does not create
    # /etc/machine-id through a dangling symlink and an empty file is not a first boot.
    # The commit unit is a stage-2 unit (nixpkgs' initrd does not carry it), so only
    # the system's copy is changed.
    (mkIf machineIdSymlink {
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

    (mkIf cfg.previousRootEntry {
      # The specialisation inherits this configuration, previousRootEntry included;
      # nixpkgs already empties `specialisation` inside one (nixos/modules/system/
      # activation/no-clone.nix: specialisation = mkOverride 0 { }), so there is no
      # entry within the entry, and a user's own setting there is not overridden.
      specialisation.blankslate-previous-root.configuration = {
        boot.kernelParams = [ "blankslate.root=previous" ];
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

    (mkIf (cfg.replication.enable && !replicationKeyless) {
      services.syncoid = {
        enable = true;
        inherit (cfg.replication) interval;
        commands = lib.genAttrs cfg.replication.datasets (
          d:
          {
            source = d;
            target = "${cfg.replication.target}/${replicaName d}";
          }
          // lib.optionalAttrs (cfg.replication.sshKey != null) (
            { inherit (cfg.replication) sshKey; }
            // lib.optionalAttrs syncoidPassesPath {
              service.serviceConfig.BindReadOnlyPaths = [ cfg.replication.sshKey ];
            }
          )
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
