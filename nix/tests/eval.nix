# Evaluation test of nix/module.nix against nixpkgs' lib, without nixpkgs and without
# building anything. The NixOS options the module reads or writes are declared here as
# minimal stand-ins (same names, simplified types); `pkgs` is a stub whose packages
# are plain attribute sets that look like derivations.
#
# It asserts: the units the module enables in the initrd and their ordering (read from
# ../../systemd, the one definition), the drop-ins, the binary's path, the generated
# configuration JSON, the sanoid/syncoid/docker/ARC/machine-id settings, that every
# option is typed, described and has an example, and the message of every assertion.
#
# Result: a list of lines, "ok - ..." or "not ok - ...", plus "info - ..." lines.
# With failOnError = true it throws when any check failed (used by the flake check).
# Run it with nix/tests/run-eval.sh PATH-TO-NIXPKGS-LIB.
{
  lib,
  failOnError ? false,
}:

let
  units = import ../units.nix { inherit lib; };

  # ------------------------------------------------------------------ stubs ----

  fakePackage = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    drvPath = "/nix/store/00000000000000000000000000000000-${name}.drv";
    outputs = [ "out" ];
  };
  blankslatePkg = fakePackage "blankslate-0.1.0";
  systemdPkg = fakePackage "systemd-258";
  zfsPkg = fakePackage "zfs-user-2.3.2";

  pkgs = {
    # The module's default package is pkgs.callPackage ./package.nix { zfs = ...; }.
    callPackage =
      fn: args:
      assert args ? zfs;
      blankslatePkg // { passthru.zfs = args.zfs; };
  };

  # ----------------------------------------------------------- stand-ins ----

  standIns =
    { lib, ... }:
    let
      inherit (lib) mkOption types;
      opt =
        type: default:
        mkOption {
          inherit type default;
        };
      anything = opt types.anything { };
      unitStandIn = types.submodule {
        options = {
          wantedBy = opt (types.listOf types.str) [ ];
          requiredBy = opt (types.listOf types.str) [ ];
          after = opt (types.listOf types.str) [ ];
          before = opt (types.listOf types.str) [ ];
          unitConfig = opt (types.attrsOf types.anything) { };
          serviceConfig = opt (types.attrsOf types.anything) { };
        };
      };
      contentStandIn = types.submodule {
        options.text = opt (types.nullOr types.str) null;
        options.source = opt (types.nullOr types.str) null;
      };
    in
    {
      options = {
        assertions = opt (types.listOf types.unspecified) [ ];
        warnings = opt (types.listOf types.str) [ ];

        boot.initrd.systemd = {
          enable = opt types.bool false;
          packages = opt (types.listOf types.package) [ ];
          extraBin = opt (types.attrsOf types.path) { };
          contents = opt (types.attrsOf contentStandIn) { };
          services = opt (types.attrsOf unitStandIn) { };
          suppressedUnits = opt (types.listOf types.str) [ ];
        };
        boot.kernelParams = opt (types.listOf types.str) [ ];
        boot.zfs.package = opt types.package zfsPkg;

        fileSystems = opt (types.attrsOf (
          types.submodule (
            { name, ... }:
            {
              options = {
                mountPoint = opt types.str name;
                device = opt (types.nullOr types.str) null;
                fsType = opt types.str "auto";
                neededForBoot = opt types.bool false;
                options = opt (types.listOf types.str) [ ];
              };
            }
          )
        )) { };

        environment.systemPackages = opt (types.listOf types.package) [ ];
        environment.etc = opt (types.attrsOf contentStandIn) { };

        users.users = opt (types.attrsOf (types.submodule { options.uid = opt (types.nullOr types.int) null; })) { };
        users.groups = opt (types.attrsOf (types.submodule { options.gid = opt (types.nullOr types.int) null; })) { };

        networking.hostName = opt types.str "testhost";

        services.openssh.enable = opt types.bool false;
        services.openssh.hostKeys = opt (types.listOf types.attrs) [
          {
            type = "rsa";
            bits = 4096;
            path = "/etc/ssh/ssh_host_rsa_key";
          }
          {
            type = "ed25519";
            path = "/etc/ssh/ssh_host_ed25519_key";
          }
        ];
        services.sanoid = anything;
        services.syncoid = anything;

        systemd.package = opt types.package systemdPkg;
        systemd.services = opt (types.attrsOf types.anything) { };

        system.etc.overlay.enable = opt types.bool false;
        system.etc.overlay.mutable = opt types.bool true;

        virtualisation.docker.enable = opt types.bool false;
        virtualisation.docker.storageDriver = opt (types.nullOr types.str) null;
      };
    };

  # The seed machine (DESIGN.md), as a NixOS configuration would declare it.
  seedMachine = {
    boot.initrd.systemd.enable = true;
    fileSystems = import ../seed-filesystems.nix // {
      "/boot" = {
        device = "/dev/disk/by-label/ESP";
        fsType = "vfat";
      };
    };
    users.users = {
      root.uid = 0;
      nobody.uid = 65534;
      alice = { }; # a normal user whose uid is allocated at activation
    };
    users.groups = {
      root.gid = 0;
      nogroup.gid = 65534;
      alice = { };
    };
    blankslate.enable = true;
  };

  evalWith =
    extra:
    lib.evalModules {
      modules = [
        standIns
        ../module.nix
        seedMachine
        extra
        { _module.args.pkgs = pkgs; }
      ];
    };
  configWith = extra: (evalWith extra).config;

  failed = c: map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);

  seed = configWith { };
  seedFailed = failed seed;
  seedJSON = seed.boot.initrd.systemd.contents."/etc/blankslate/config.json".text;

  # ---------------------------------------------------------------- checks ----

  check = name: ok: detail: {
    inherit name ok;
    detail = if ok then "" else detail;
  };

  eq = name: actual: expected: check name (actual == expected) "expected ${builtins.toJSON expected}, got ${builtins.toJSON actual}";

  has = name: list: item: check name (builtins.elem item list) "${builtins.toJSON item} not in ${builtins.toJSON list}";

  # An assertion check: the configuration `extra` makes an assertion fail whose
  # message contains every fragment (the problem and the way to fix it).
  expectAssertion =
    name: extra: fragments:
    let
      msgs = failed (configWith extra);
      hit = builtins.any (m: builtins.all (f: lib.hasInfix f m) fragments) msgs;
    in
    check "assertion: ${name}" hit "no failed assertion contains ${builtins.toJSON fragments}; failed: ${builtins.toJSON msgs}";

  # The configuration `extra` does not evaluate (an option type rejects it).
  expectTypeError =
    name: extra:
    let
      r = builtins.tryEval (builtins.deepSeq (configWith extra).blankslate.generatedConfig true);
    in
    check "type: ${name}" (!r.success) "evaluated although it should have been rejected";

  # -------- the unit files (the one definition) ------------------------------
  R = units.rollback;
  P = units.persist;
  w = units.words;
  v = units.value;

  unitChecks = [
    (eq "rollback unit: ConditionPathExists=/etc/initrd-release" (v R "Unit" "ConditionPathExists") "/etc/initrd-release")
    (eq "rollback unit: DefaultDependencies=no" (v R "Unit" "DefaultDependencies") "no")
    (has "rollback unit: After=zfs-import.target (after the pool import, NixOS and dracut)" (w R "Unit" "After") "zfs-import.target")
    (has "rollback unit: Before=sysroot.mount" (w R "Unit" "Before") "sysroot.mount")
    (has "rollback unit: Before=initrd-root-fs.target" (w R "Unit" "Before") "initrd-root-fs.target")
    (eq "rollback unit: OnFailure=emergency.target" (v R "Unit" "OnFailure") "emergency.target")
    (eq "rollback unit: OnFailureJobMode=isolate" (v R "Unit" "OnFailureJobMode") "isolate")
    (eq "rollback unit: Type=oneshot" (v R "Service" "Type") "oneshot")
    (eq "rollback unit: RemainAfterExit=yes" (v R "Service" "RemainAfterExit") "yes")
    (eq "rollback unit: StandardOutput=journal+console" (v R "Service" "StandardOutput") "journal+console")
    (eq "rollback unit: ExecStart" (v R "Service" "ExecStart") "/bin/blankslate rollback")
    (eq "rollback unit: [Install] WantedBy=initrd.target" (w R "Install" "WantedBy") [ "initrd.target" ])

    (eq "persist unit: ConditionPathExists=/etc/initrd-release" (v P "Unit" "ConditionPathExists") "/etc/initrd-release")
    (eq "persist unit: DefaultDependencies=no" (v P "Unit" "DefaultDependencies") "no")
    (eq "persist unit: RequiresMountsFor=/sysroot/persist" (w P "Unit" "RequiresMountsFor") [ "/sysroot/persist" ])
    (has "persist unit: After=initrd-root-fs.target" (w P "Unit" "After") "initrd-root-fs.target")
    (has "persist unit: Before=initrd-fs.target" (w P "Unit" "Before") "initrd-fs.target")
    (has "persist unit: Before=initrd-nixos-activation.service" (w P "Unit" "Before") "initrd-nixos-activation.service")
    (has "persist unit: Before=initrd-switch-root.target" (w P "Unit" "Before") "initrd-switch-root.target")
    (eq "persist unit: OnFailure=emergency.target" (v P "Unit" "OnFailure") "emergency.target")
    (eq "persist unit: OnFailureJobMode=isolate" (v P "Unit" "OnFailureJobMode") "isolate")
    (eq "persist unit: Type=oneshot" (v P "Service" "Type") "oneshot")
    (eq "persist unit: RemainAfterExit=yes" (v P "Service" "RemainAfterExit") "yes")
    (eq "persist unit: StandardOutput=journal+console" (v P "Service" "StandardOutput") "journal+console")
    (eq "persist unit: ExecStart" (v P "Service" "ExecStart") "/bin/blankslate persist --root /sysroot")
    (eq "persist unit: [Install] RequiredBy=initrd-fs.target" (w P "Install" "RequiredBy") [ "initrd-fs.target" ])

    # rollback < initrd-root-fs.target < persist, so the persist step never sees a
    # root that was mounted before the rollback; and the two never wait on each other.
    (check "ordering: rollback before initrd-root-fs.target before persist" (
      builtins.elem "initrd-root-fs.target" (w R "Unit" "Before")
      && builtins.elem "initrd-root-fs.target" (w P "Unit" "After")
    ) "initrd-root-fs.target does not separate the two units")
    (check "ordering: no unit is both before and after the other's anchor" (
      !(builtins.any (u: builtins.elem u (w R "Unit" "After")) (w P "Unit" "Before"))
    ) "the rollback unit is ordered after something the persist unit must precede")
  ];

  # -------- what the module generates for the seed machine --------------------
  initrd = seed.boot.initrd.systemd;
  rollbackDropIn = initrd.services.blankslate-rollback;
  persistDropIn = initrd.services.blankslate-persist;

  expectedSeedConfig = {
    pool = "rpool";
    dataset = "rpool/nixos/empty";
    snapshot = "start";
    persistRoot = "/persist";
    onFailure = "emergency";
    entries = [
      {
        path = "/etc/nixos";
        how = "bind";
        type = "directory";
        user = "root";
        group = "root";
        mode = "0755";
      }
      {
        path = "/etc/ssh";
        how = "symlink";
        type = "directory";
        user = "root";
        group = "root";
        mode = "0755";
      }
      {
        path = "/var/log";
        how = "bind";
        type = "directory";
        user = "root";
        group = "root";
        mode = "0755";
      }
      {
        path = "/var/lib";
        how = "bind";
        type = "directory";
        user = "root";
        group = "root";
        mode = "0755";
      }
      {
        path = "/etc/machine-id";
        how = "symlink";
        type = "file";
        user = "root";
        group = "root";
        mode = "0444";
      }
    ];
  };

  commit = seed.systemd.services.systemd-machine-id-commit or { };

  generatedChecks = [
    (eq "seed machine: no failed assertion" seedFailed [ ])
    (eq "seed machine: no warning" seed.warnings [ ])
    (eq "config.json in the initrd is the seed layout" (builtins.fromJSON seedJSON) expectedSeedConfig)
    (eq "config.json keys are the binary's schema" (builtins.attrNames (builtins.fromJSON seedJSON)) [
      "dataset"
      "entries"
      "onFailure"
      "persistRoot"
      "pool"
      "snapshot"
    ])
    (check "config.json entry keys are the binary's schema" (builtins.all (
      e:
      builtins.attrNames e == [
        "group"
        "how"
        "mode"
        "path"
        "type"
        "user"
      ]
    ) (builtins.fromJSON seedJSON).entries) "an entry has other keys")
    (eq "/etc/blankslate/config.json in the system equals the initrd's" seed.environment.etc."blankslate/config.json".text seedJSON)
    (eq "binary in the initrd at the units' ExecStart path (/bin/blankslate)" initrd.extraBin {
      blankslate = "${blankslatePkg}/bin/blankslate";
    })
    (eq "package's unit files enabled in the initrd" initrd.packages [ blankslatePkg ])
    (has "binary in environment.systemPackages" seed.environment.systemPackages blankslatePkg)
    (eq "package built against boot.zfs.package" seed.blankslate.package.passthru.zfs zfsPkg)
    (eq "rollback drop-in: wantedBy = [initrd.target] (from the unit's [Install])" rollbackDropIn.wantedBy [ "initrd.target" ])
    (eq "rollback drop-in: requiredBy = [sysroot.mount] (from the unit's [Install])" rollbackDropIn.requiredBy [ "sysroot.mount" ])
    (eq "rollback drop-in: after = [zfs-import-rpool.service]" rollbackDropIn.after [ "zfs-import-rpool.service" ])
    (eq "persist drop-in: requiredBy = [initrd-fs.target] (from the unit's [Install])" persistDropIn.requiredBy [ "initrd-fs.target" ])
    (eq "persist drop-in: wantedBy = []" persistDropIn.wantedBy [ ])
    (eq "persist drop-in: RequiresMountsFor the persistent root and each entry's parent" persistDropIn.unitConfig.RequiresMountsFor [
      "/sysroot/persist"
      "/sysroot/etc"
      "/sysroot/var"
    ])
    (eq "machine-id: commit service writes to the persistent root" commit {
      unitConfig.ConditionPathIsMountPoint = [
        ""
        "/persist/etc/machine-id"
      ];
      serviceConfig.ExecStart = [
        ""
        "${systemdPkg}/bin/systemd-machine-id-setup --commit --root /persist"
      ];
    })
    (eq "machine-id: commit service kept out of the initrd" initrd.suppressedUnits [ "systemd-machine-id-commit.service" ])
    (eq "no ARC parameter by default" seed.boot.kernelParams [ ])
    (eq "sanoid on by default, for the persistent datasets" (builtins.attrNames seed.services.sanoid.datasets) [
      "rpool/nixos/home"
      "rpool/nixos/persist"
    ])
    (eq "sanoid template" seed.services.sanoid.templates.blankslate {
      hourly = 24;
      daily = 14;
      weekly = 4;
      monthly = 3;
      autosnap = true;
      autoprune = true;
    })
    (eq "sanoid datasets use the template" seed.services.sanoid.datasets."rpool/nixos/persist" {
      useTemplate = [ "blankslate" ];
    })
    (check "no syncoid by default" (!(seed.services.syncoid.enable or false)) "syncoid enabled")
    (check "no docker mount by default" (!(seed.fileSystems ? "/var/lib/docker")) "docker mount present")
    (eq "disabled module: no initrd units" (configWith { blankslate.enable = lib.mkForce false; }).boot.initrd.systemd.packages [ ])
    (eq "disabled module: no assertions" (failed (configWith {
      blankslate.enable = lib.mkForce false;
      boot.initrd.systemd.enable = lib.mkForce false;
    })) [ ])
  ];

  # -------- options and their effects -------------------------------------------
  custom = configWith {
    blankslate = {
      arcMax = 4294967296;
      directories = [
        "/var/cache/thing"
        {
          path = "/srv/data";
          user = "nobody";
          group = "nogroup";
          mode = "0750";
        }
      ];
      files = [
        {
          path = "/etc/machine-id";
          mode = "0400";
        }
      ];
      replication = {
        enable = true;
        target = "backup@nas:tank/backups/testhost";
        sshKey = "/persist/etc/syncoid/id_ed25519";
      };
      docker.enable = true;
    };
    virtualisation.docker.enable = true;
  };
  customConfig = builtins.fromJSON custom.boot.initrd.systemd.contents."/etc/blankslate/config.json".text;
  customEntry = p: lib.findFirst (e: e.path == p) null customConfig.entries;

  state = configWith {
    blankslate.persistRoot = "/state";
    blankslate.defaultEntries = false;
    blankslate.directories = [ "/var/lib/nixos" ];
    fileSystems."/state" = {
      device = "rpool/state";
      fsType = "zfs";
      neededForBoot = true;
    };
  };

  optionChecks = [
    (eq "custom: no failed assertion" (failed custom) [ ])
    (eq "custom: ARC maximum as a kernel parameter" custom.boot.kernelParams [ "zfs.zfs_arc_max=4294967296" ])
    (eq "custom: a plain path gets the directory defaults" (customEntry "/var/cache/thing") {
      path = "/var/cache/thing";
      how = "bind";
      type = "directory";
      user = "root";
      group = "root";
      mode = "0755";
    })
    (eq "custom: user/group names become the ids the initrd can use" (customEntry "/srv/data") {
      path = "/srv/data";
      how = "bind";
      type = "directory";
      user = "65534";
      group = "65534";
      mode = "0750";
    })
    (eq "custom: a user entry replaces the seed entry of the same path" (builtins.filter (
      e: e.path == "/etc/machine-id"
    ) customConfig.entries) [
      {
        path = "/etc/machine-id";
        how = "symlink";
        type = "file";
        user = "root";
        group = "root";
        mode = "0400";
      }
    ])
    (eq "custom: syncoid replicates each persistent dataset" custom.services.syncoid.commands {
      "rpool/nixos/home" = {
        source = "rpool/nixos/home";
        target = "backup@nas:tank/backups/testhost/nixos-home";
        sshKey = "/persist/etc/syncoid/id_ed25519";
      };
      "rpool/nixos/persist" = {
        source = "rpool/nixos/persist";
        target = "backup@nas:tank/backups/testhost/nixos-persist";
        sshKey = "/persist/etc/syncoid/id_ed25519";
      };
    })
    (eq "custom: syncoid interval" custom.services.syncoid.interval "daily")
    (eq "custom: docker storage on the zvol, mounted after /var/lib" custom.fileSystems."/var/lib/docker" {
      mountPoint = "/var/lib/docker";
      device = "/dev/zvol/rpool/docker";
      fsType = "ext4";
      neededForBoot = false;
      options = [ "x-systemd.requires-mounts-for=/var/lib" ];
    })
    (eq "custom: docker.service requires its storage" custom.systemd.services.docker {
      unitConfig.RequiresMountsFor = [ "/var/lib/docker" ];
    })
    (eq "custom: docker storage driver" custom.virtualisation.docker.storageDriver "overlay2")
    (eq "persistRoot /state: in the JSON" (builtins.fromJSON state.environment.etc."blankslate/config.json".text).persistRoot "/state")
    (eq "persistRoot /state: persist unit requires /sysroot/state" state.boot.initrd.systemd.services.blankslate-persist.unitConfig.RequiresMountsFor [
      "/sysroot/state"
      "/sysroot/var/lib"
    ])
    (eq "persistRoot /state: sanoid follows it" (builtins.attrNames state.services.sanoid.datasets) [
      "rpool/nixos/home"
      "rpool/state"
    ])
    (eq "defaultEntries = false: only the declared entries" (map (e: e.path) (builtins.fromJSON state.environment.etc."blankslate/config.json".text).entries) [ "/var/lib/nixos" ])
    (check "no machine-id entry: commit service left alone" (
      !(state.systemd.services ? systemd-machine-id-commit) && state.boot.initrd.systemd.suppressedUnits == [ ]
    ) "systemd-machine-id-commit was changed")
    (eq "keepRoots = 3 reaches the JSON as keep.roots" (builtins.fromJSON (configWith { blankslate.keepRoots = 3; }).environment.etc."blankslate/config.json".text).keep { roots = 3; })
    (eq "onFailure = continue reaches the JSON" (builtins.fromJSON (configWith { blankslate.onFailure = "continue"; }).environment.etc."blankslate/config.json".text).onFailure "continue")
    (eq "pool tank: import drop-in names zfs-import-tank.service" (configWith {
      blankslate.pool = "tank";
      fileSystems."/".device = lib.mkForce "tank/nixos/empty";
    }).boot.initrd.systemd.services.blankslate-rollback.after [ "zfs-import-tank.service" ])
  ];

  # -------- every option typed, described, with an example ----------------------
  options = (evalWith { }).options;
  topOptions = lib.collect lib.isOption options.blankslate;
  entryOptions = builtins.filter (o: !(builtins.elem "_module" o.loc)) (
    lib.collect lib.isOption (options.blankslate.directories.type.getSubOptions [ "blankslate" "directories" "*" ])
    ++ lib.collect lib.isOption (options.blankslate.files.type.getSubOptions [ "blankslate" "files" "*" ])
  );
  documented = o: o.internal or false || (o ? type && o ? example && (o.description or null) != null && o.description != "");
  undocumented = map (o: lib.showOption o.loc) (builtins.filter (o: !documented o) (topOptions ++ entryOptions));
  docChecks = [
    (check "options: ${toString (builtins.length (topOptions ++ entryOptions))} options, each typed, described and with an example" (undocumented == [ ]) "missing type, description or example: ${toString undocumented}")
  ];

  # -------- each assertion message ----------------------------------------------
  assertionChecks = [
    (expectAssertion "systemd initrd required" { boot.initrd.systemd.enable = lib.mkForce false; } [
      "boot.initrd.systemd.enable is false"
      "Set boot.initrd.systemd.enable = true;"
    ])
    (expectAssertion "root is another dataset" { fileSystems."/".device = lib.mkForce "rpool/root"; } [
      "fileSystems.\"/\" must be the ZFS dataset rpool/nixos/empty"
      "device = \"rpool/root\""
      "or set blankslate.dataset"
    ])
    (expectAssertion "root is not ZFS" {
      fileSystems."/" = lib.mkForce {
        device = "none";
        fsType = "tmpfs";
      };
    } [ "fsType = \"tmpfs\"" "Set fileSystems.\"/\" = { device = \"rpool/nixos/empty\"; fsType = \"zfs\"; };" ])
    (expectAssertion "persistent root not declared" { blankslate.persistRoot = "/state"; } [
      "fileSystems.\"/state\" is not declared"
      "neededForBoot = true;"
    ])
    (expectAssertion "persistent root not needed for boot" { fileSystems."/persist".neededForBoot = lib.mkForce false; } [
      "fileSystems.\"/persist\" is not needed for boot"
      "Set fileSystems.\"/persist\".neededForBoot = true;"
    ])
    (expectAssertion "persistent root on the rolled-back dataset" {
      fileSystems."/persist".device = lib.mkForce "rpool/nixos/empty/persist";
    } [ "is on rpool/nixos/empty/persist" "Put the persistent root on its own dataset" ])
    (expectAssertion "dataset outside the pool" {
      blankslate.pool = "tank";
      blankslate.dataset = "rpool/nixos/empty";
    } [ "is not in blankslate.pool = \"tank\"" "Set blankslate.pool" ])
    (expectAssertion "another mount on a child of the rolled-back dataset" {
      fileSystems."/srv" = {
        device = "rpool/nixos/empty/srv";
        fsType = "zfs";
      };
    } [ "fileSystems.\"/srv\" uses rpool/nixos/empty/srv" "Give /srv a dataset outside" ])
    (expectAssertion "relative path" { blankslate.directories = [ "var/lib/thing" ]; } [
      "entry \"var/lib/thing\" is not a plain absolute path"
    ])
    (expectAssertion "path with .." { blankslate.files = [ "/etc/../root/x" ]; } [
      "entry \"/etc/../root/x\" is not a plain absolute path"
    ])
    (expectAssertion "path with a trailing slash" { blankslate.directories = [ "/srv/" ]; } [
      "entry \"/srv/\" is not a plain absolute path"
    ])
    (expectAssertion "entry in a tree that is not on the root dataset" { blankslate.directories = [ "/nix/var/nix" ]; } [
      "entry /nix/var/nix lies in /nix, which is not on the root dataset"
      "Remove the entry."
    ])
    (expectAssertion "entry under /run" { blankslate.files = [ "/run/thing" ]; } [ "entry /run/thing lies in /run" ])
    (expectAssertion "reserved pool name" {
      blankslate.pool = "mirror1";
      blankslate.dataset = "mirror1/nixos/empty";
      fileSystems."/".device = lib.mkForce "mirror1/nixos/empty";
    } [ "blankslate.pool = \"mirror1\" begins with \"mirror\", which ZFS reserves" ])
    (expectTypeError "dataset that is the pool itself" { blankslate.dataset = "rpool"; })
    (expectAssertion "duplicate path" {
      blankslate.directories = [
        "/srv"
        { path = "/srv"; }
      ];
    } [ "/srv is declared 2 times" "Keep one entry per path." ])
    (expectAssertion "nested entries" { blankslate.directories = [ "/var/lib/postgresql" ]; } [
      "/var/lib/postgresql lies inside /var/lib"
      "Drop \"/var/lib/postgresql\""
    ])
    (expectAssertion "entry inside the persistent root" { blankslate.directories = [ "/persist/thing" ]; } [
      "entry /persist/thing and blankslate.persistRoot /persist overlap"
    ])
    (expectAssertion "persistent root not absolute" { blankslate.persistRoot = "persist"; } [
      "blankslate.persistRoot = \"persist\" is not a plain absolute path"
    ])
    (expectAssertion "file system mounted on an entry" {
      fileSystems."/var/log" = {
        device = "rpool/nixos/log";
        fsType = "zfs";
      };
    } [ "fileSystems.\"/var/log\" mounts a file system on the entry /var/log" "Keep one" ])
    (expectAssertion "initrd mount inside an entry" {
      fileSystems."/var/lib/docker" = {
        device = "/dev/zvol/rpool/docker";
        fsType = "ext4";
        neededForBoot = true;
      };
    } [ "fileSystems.\"/var/lib/docker\" is needed for boot and lies inside the entry /var/lib" "neededForBoot = false;" ])
    (expectAssertion "bind-mounted machine-id" {
      blankslate.files = [
        {
          path = "/etc/machine-id";
          how = "bind";
        }
      ];
    } [ "/etc/machine-id is attached with how = \"bind\"" "impermanence#229" "how = \"symlink\"" ])
    (expectAssertion "unknown user" {
      blankslate.directories = [
        {
          path = "/srv/x";
          user = "ghost";
        }
      ];
    } [ "names the user \"ghost\", which is not in users.users" "or write the numeric uid" ])
    (expectAssertion "user without a fixed uid" {
      blankslate.directories = [
        {
          path = "/srv/x";
          user = "alice";
        }
      ];
    } [ "names the user \"alice\", which has no fixed uid" "set users.users.alice.uid" ])
    (expectAssertion "group without a fixed gid" {
      blankslate.directories = [
        {
          path = "/srv/x";
          group = "alice";
        }
      ];
    } [ "names the group \"alice\", which has no fixed gid" "set users.groups.alice.gid" ])
    (expectAssertion "immutable /etc overlay" {
      system.etc.overlay.enable = true;
      system.etc.overlay.mutable = false;
    } [ "system.etc.overlay is enabled and immutable" "Set system.etc.overlay.mutable = true;" ])
    (expectAssertion "snapshots of the rolled-back dataset" { blankslate.snapshots.datasets = [ "rpool/nixos/empty" ]; } [
      "blankslate.snapshots.datasets contains rpool/nixos/empty"
      "Remove it from blankslate.snapshots.datasets"
    ])
    (expectAssertion "replication without a target" { blankslate.replication.enable = true; } [
      "blankslate.replication.target is empty"
    ])
    (expectAssertion "remote replication without a key" {
      blankslate.replication = {
        enable = true;
        target = "backup@nas:tank/b";
      };
    } [ "is remote but no ssh key is set" "Set blankslate.replication.sshKey" ])
    (expectAssertion "docker zvol outside the pool" {
      blankslate.docker = {
        enable = true;
        zvol = "tank/docker";
      };
    } [ "blankslate.docker.zvol = \"tank/docker\" is not in blankslate.pool" ])
    (check "warning: ssh host keys not persisted" (builtins.any (lib.hasInfix "sshd will generate new host keys at every boot") (configWith {
      services.openssh.enable = true;
      blankslate.defaultEntries = false;
    }).warnings) "no warning")
    (check "no ssh warning with the default /etc/ssh entry" ((configWith { services.openssh.enable = true; }).warnings == [ ]) "unexpected warning")
    (expectTypeError "onFailure outside its enum" { blankslate.onFailure = "panic"; })
    (expectTypeError "keepRoots above 100" { blankslate.keepRoots = 101; })
    (expectTypeError "mode that is not octal" { blankslate.directories = [ { path = "/srv"; mode = "0789"; } ]; })
    (expectTypeError "user that is neither a name nor an id" { blankslate.directories = [ { path = "/srv"; user = "Bad User"; } ]; })
    (expectTypeError "snapshot name with @" { blankslate.snapshot = "a@b"; })
  ];

  # -------- nix/package.nix, called with a buildGoModule that returns its argument --
  # (src is a lib.fileset source and is not forced here: that would copy files.)
  pkgArgs = import ../package.nix {
    inherit lib;
    buildGoModule = args: args;
    pkg-config = fakePackage "pkg-config";
    zfs = zfsPkg;
  };
  packageChecks = [
    (check "package: vendorHash is a real SRI sha256" (
      builtins.match "sha256-[A-Za-z0-9+/]{43}=" pkgArgs.vendorHash != null
    ) "vendorHash = ${pkgArgs.vendorHash}")
    (eq "package: builds cmd/blankslate" pkgArgs.subPackages [ "cmd/blankslate" ])
    (eq "package: cgo on (libzfs)" pkgArgs.env.CGO_ENABLED "1")
    (eq "package: linked against the zfs it is given" pkgArgs.buildInputs [ zfsPkg ])
    (check "package: cflags/libs from libzfs.pc" (
      lib.hasInfix "pkg-config --cflags libzfs" pkgArgs.preBuild && lib.hasInfix "pkg-config --libs libzfs" pkgArgs.preBuild
    ) "preBuild does not ask pkg-config")
    (check "package: no static tag (nixpkgs' zfs has no .a)" (!(pkgArgs ? tags)) "tags = ${builtins.toJSON (pkgArgs.tags or null)}")
    (has "package: version stamped" pkgArgs.ldflags "-X main.version=0.1.0")
    (check "package: installs both unit files" (
      lib.hasInfix "systemd/blankslate-rollback.service" pkgArgs.postInstall
      && lib.hasInfix "systemd/blankslate-persist.service" pkgArgs.postInstall
      && lib.hasInfix "lib/systemd/system" pkgArgs.postInstall
    ) "postInstall: ${pkgArgs.postInstall}")
  ];

  # -------- nix/disko-example.nix agrees with the module's defaults ----------------
  disko = import ../disko-example.nix;
  pool = disko.disko.devices.zpool.${seed.blankslate.pool};
  ds = pool.datasets;
  diskoChecks = [
    (eq "disko: ESP of 2G at /boot" (with disko.disko.devices.disk.main.content.partitions.ESP; [ size content.mountpoint ]) [ "2G" "/boot" ])
    (eq "disko: the rolled-back dataset is / (legacy mount)" [
      ds."nixos/empty".mountpoint
      ds."nixos/empty".options.mountpoint
    ] [ "/" "legacy" ])
    (check "disko: the blank snapshot is taken at creation, named as the module expects" (
      lib.hasInfix "zfs snapshot ${seed.blankslate.dataset}@${seed.blankslate.snapshot}" ds."nixos/empty".postCreateHook
    ) "postCreateHook: ${ds."nixos/empty".postCreateHook}")
    (eq "disko: /nix with atime=off" [ ds."nixos/nix".mountpoint ds."nixos/nix".options.atime ] [ "/nix" "off" ])
    (eq "disko: /home" ds."nixos/home".mountpoint "/home")
    (eq "disko: the persistent root" ds."nixos/persist".mountpoint seed.blankslate.persistRoot)
    (eq "disko: the persistent root is needed for boot" disko.fileSystems.${seed.blankslate.persistRoot}.neededForBoot true)
    (eq "disko: lz4 everywhere" pool.rootFsOptions.compression "lz4")
    (eq "disko: 50G docker zvol named as blankslate.docker.zvol" [ ds.docker.type ds.docker.size "${seed.blankslate.pool}/docker" ] [
      "zfs_volume"
      "50G"
      seed.blankslate.docker.zvol
    ])
    (check "disko: 10 % of the pool reserved" (lib.hasInfix "/ 10" ds.reserved.postCreateHook) "no reservation hook")
  ];

  all =
    unitChecks
    ++ generatedChecks
    ++ optionChecks
    ++ docChecks
    ++ assertionChecks
    ++ packageChecks
    ++ diskoChecks;
  failures = builtins.filter (c: !c.ok) all;

  lines =
    map (c: if c.ok then "ok - ${c.name}" else "not ok - ${c.name}: ${c.detail}") all
    ++ [
      "info - /etc/blankslate/config.json of the seed machine: ${seedJSON}"
      "info - /etc/blankslate/config.json of the custom machine: ${custom.boot.initrd.systemd.contents."/etc/blankslate/config.json".text}"
      "info - ${toString (builtins.length all)} checks, ${toString (builtins.length failures)} failed"
    ];
in
if failOnError && failures != [ ] then throw (builtins.concatStringsSep "\n" lines) else lines
