# Evaluation test of nix/module.nix against nixpkgs' lib, without nixpkgs and without
# building anything. The NixOS options the module reads or writes are declared here as
# minimal stand-ins (same names, simplified types); `pkgs` is a stub whose packages
# are plain attribute sets that look like derivations.
#
# It asserts: the units the module enables in the initrd and in the booted system and
# their ordering (read from ../../systemd, the one definition), the drop-ins, the
# binary's path, the generated
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
    writeText = name: text: {
      type = "derivation";
      inherit name text;
      outPath = "/nix/store/00000000000000000000000000000000-${name}";
    };
    # The build machine is x86_64-linux; canExecute as lib.systems gives it, reduced to
    # "the same system".
    stdenv = {
      buildPlatform.canExecute = host: host.system == "x86_64-linux";
      hostPlatform.system = "x86_64-linux";
    };
    runCommand = name: env: script: {
      type = "derivation";
      inherit name env script;
      outPath = "/nix/store/11111111111111111111111111111111-${name}";
    };
  };

  # ----------------------------------------------------------- stand-ins ----
  #
  # The NixOS options the module reads or writes, each with the type nixpkgs gives it
  # (nixos/modules/...: system/boot/systemd/initrd.nix, tasks/filesystems.nix,
  # tasks/filesystems/zfs.nix, config/users-groups.nix, system/etc/etc.nix,
  # services/backup/sanoid.nix and syncoid.nix), so that a definition NixOS would
  # reject is rejected here too: a misspelt attribute, a template option sanoid does
  # not have, a syncoid command field that does not exist. Where NixOS generates
  # something the module depends on (the zfs-import-<pool> units, the syncoid units),
  # the stand-in generates it the same way.

  standIns =
    { lib, config, ... }:
    let
      inherit (lib) mkOption types;
      opt =
        type: default:
        mkOption {
          inherit type default;
        };
      # nixos/lib/systemd-types.nix's unitOption: the lists of several definitions are
      # concatenated, single values must agree.
      unitOption = lib.mkOptionType {
        name = "systemd option";
        merge =
          loc: defs:
          let
            values = map (d: d.value) defs;
          in
          if builtins.all builtins.isList values then
            builtins.concatLists values
          else if builtins.all (v: v == builtins.head values) values then
            builtins.head values
          else
            throw "The option `${lib.showOption loc}' has conflicting definitions: ${builtins.toJSON values}";
      };
      unitOptions = {
        description = opt types.str "";
        wantedBy = opt (types.listOf types.str) [ ];
        requiredBy = opt (types.listOf types.str) [ ];
        after = opt (types.listOf types.str) [ ];
        before = opt (types.listOf types.str) [ ];
        wants = opt (types.listOf types.str) [ ];
        requires = opt (types.listOf types.str) [ ];
        path = opt (types.listOf types.anything) [ ];
        environment = opt (types.attrsOf types.str) { };
        startAt = opt (types.either types.str (types.listOf types.str)) [ ];
        script = opt types.str "";
        enable = opt types.bool true;
        unitConfig = opt (types.attrsOf unitOption) { };
        serviceConfig = opt (types.attrsOf unitOption) { };
      };
      unitType = types.submodule { options = unitOptions; };
      # systemd.services (stage 2) also has overrideStrategy (nixos/lib/
      # systemd-unit-options.nix: "asDropinIfExists", the default, or "asDropin");
      # the initrd's services are not given it here, so using it there fails.
      stage2UnitType = types.submodule {
        options = unitOptions // {
          overrideStrategy = opt (types.enum [
            "asDropinIfExists"
            "asDropin"
          ]) "asDropinIfExists";
          # nixos/lib/systemd-unit-options.nix (stage 2 services): X-RestartIfChanged
          restartIfChanged = opt types.bool true;
        };
      };
      fileType = types.submodule {
        options.text = opt (types.nullOr types.str) null;
        options.source = opt (types.nullOr types.path) null;
      };
      zfsPools = lib.unique (
        map (fs: builtins.head (lib.splitString "/" fs.device)) (
          builtins.filter (fs: fs.fsType == "zfs" && utilsStandIn.fsNeededForBoot fs) (
            builtins.attrValues config.fileSystems
          )
        )
      );
      sanoidCommon = {
        hourly = opt (types.nullOr types.ints.unsigned) null;
        daily = opt (types.nullOr types.ints.unsigned) null;
        weekly = opt (types.nullOr types.ints.unsigned) null;
        monthly = opt (types.nullOr types.ints.unsigned) null;
        yearly = opt (types.nullOr types.ints.unsigned) null;
        autosnap = opt (types.nullOr types.bool) null;
        autoprune = opt (types.nullOr types.bool) null;
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
          contents = opt (types.attrsOf fileType) { };
          services = opt (types.attrsOf unitType) { };
          suppressedUnits = opt (types.listOf types.str) [ ];
          emergencyAccess = opt (types.either types.bool types.str) false;
        };
        boot.kernelParams = opt (types.listOf types.str) [ ];
        specialisation = opt (types.attrsOf (
          types.submodule (
            { name, ... }:
            {
              options = {
                inheritParentConfig = opt types.bool true;
                configuration = opt types.unspecified { };
              };
            }
          )
        )) { };
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
                options = opt (types.listOf types.str) [ "defaults" ];
                depends = opt (types.listOf types.str) [ ];
              };
            }
          )
        )) { };

        environment.systemPackages = opt (types.listOf types.package) [ ];
        environment.etc = opt (types.attrsOf fileType) { };

        users.users = opt (types.attrsOf (
          types.submodule (
            { name, config, ... }:
            {
              options = {
                uid = opt (types.nullOr types.int) null;
                isNormalUser = opt types.bool false;
                home = opt types.str (if config.isNormalUser then "/home/${name}" else "/var/empty");
                group = opt types.str (if config.isNormalUser then "users" else "");
              };
            }
          )
        )) { };
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

        services.sanoid = {
          enable = opt types.bool false;
          interval = opt types.str "hourly";
          templates = opt (types.attrsOf (types.submodule { options = sanoidCommon; })) { };
          datasets = opt (types.attrsOf (
            types.submodule {
              options = sanoidCommon // {
                useTemplate = opt (types.listOf (types.enum (builtins.attrNames config.services.sanoid.templates))) [ ];
                recursive = opt (types.either types.bool (types.enum [ "zfs" ])) false;
                processChildrenOnly = opt types.bool false;
              };
            }
          )) { };
        };

        systemd.package = opt types.package systemdPkg;
        systemd.packages = opt (types.listOf types.package) [ ];
        systemd.services = opt (types.attrsOf stage2UnitType) { };
        # nixos/modules/system/boot/systemd/tmpfiles.nix
        systemd.tmpfiles.rules = opt (types.listOf types.str) [ ];

        system.etc.overlay.enable = opt types.bool false;
        system.etc.overlay.mutable = opt types.bool true;

        virtualisation.docker.enable = opt types.bool false;
        virtualisation.docker.storageDriver = opt (types.nullOr types.str) null;
      };

      # tasks/filesystems/zfs.nix: one import unit per pool holding a file system
      # needed for boot.
      config.boot.initrd.systemd.services = lib.genAttrs (map (p: "zfs-import-${p}") zfsPools) (_: {
        unitConfig.DefaultDependencies = "no";
        serviceConfig.Type = "oneshot";
      });
    };

  # services.syncoid as nixpkgs has it: `credential` is the current module (the
  # flake's nixos-unstable: DynamicUser, the key loaded with LoadCredential), `path` the
  # older one (User=syncoid, the key passed as a path into a RootDirectory sandbox that
  # binds only the store, /etc, /run and /bin/sh). Read at NixOS/nixpkgs 07468529
  # (current) and 03a362fe (older), nixos/modules/services/backup/syncoid.nix: the same
  # options, and the same strictness where it matters to this module: the current one
  # splits every command's sshKey at ":" (LoadCredentialEncrypted for "name:path",
  # else LoadCredential), so a command without a key does not evaluate.
  syncoidStandIn =
    style:
    { lib, config, ... }:
    let
      inherit (lib) mkOption types;
      cfg = config.services.syncoid;
      opt =
        type: default:
        mkOption {
          inherit type default;
        };
      unitName = name: "syncoid-" + builtins.concatStringsSep "-" (builtins.filter builtins.isString (builtins.split "[^A-Za-z0-9_.-]+" name));
      keyType = types.nullOr (types.coercedTo types.path toString types.str);
    in
    {
      options.services.syncoid =
        {
          enable = opt types.bool false;
          interval = opt types.str "hourly";
          sshKey = opt keyType null;
          localSourceAllow = opt (types.listOf types.str) [ "bookmark" "hold" "send" "snapshot" "destroy" "mount" ];
          localTargetAllow = opt (types.listOf types.str) [ "change-key" "compression" "create" "destroy" "mount" "mountpoint" "receive" "rollback" ];
          commonArgs = opt (types.listOf types.str) [ ];
          service = opt types.attrs { };
          commands = opt (types.attrsOf (
            types.submodule (
              { name, ... }:
              {
                options = {
                  source = opt types.str name;
                  target = mkOption { type = types.str; };
                  recursive = opt types.bool false;
                  sshKey = opt keyType cfg.sshKey;
                  localSourceAllow = opt (types.listOf types.str) cfg.localSourceAllow;
                  localTargetAllow = opt (types.listOf types.str) cfg.localTargetAllow;
                  sendOptions = opt (types.separatedString " ") "";
                  recvOptions = opt (types.separatedString " ") "";
                  useCommonArgs = opt types.bool true;
                  service = opt types.attrs { };
                  extraArgs = opt (types.listOf types.str) [ ];
                };
              }
            )
          )) { };
        }
        // lib.optionalAttrs (style == "path") {
          user = opt types.str "syncoid";
          group = opt types.str "syncoid";
        };
      config = lib.mkIf cfg.enable {
        systemd.services = builtins.listToAttrs (
          lib.mapAttrsToList (name: c: let
            # nixpkgs evaluates builtins.split ":" null here, an error no test can catch
            # (builtins.tryEval catches only throw and assert): the same failure, as a throw.
            sshKeyCred =
              if style == "credential" && c.sshKey == null then
                throw "services.syncoid.commands.\"${name}\": no sshKey (nixpkgs' syncoid: value is null while a string was expected)"
              else if c.sshKey == null then
                [ ]
              else
                builtins.split ":" c.sshKey;
          in {
            name = unitName name;
            value = lib.mkMerge [
              {
                startAt = cfg.interval;
                serviceConfig =
                  {
                    ExecStart = builtins.concatStringsSep " " (
                      [ "syncoid" ]
                      ++ lib.optionals (c.sshKey != null) [
                        "--sshkey"
                        (if style == "credential" then "\${CREDENTIALS_DIRECTORY}/${if builtins.length sshKeyCred > 1 then builtins.head sshKeyCred else "sshKey"}" else c.sshKey)
                      ]
                      ++ [
                        c.source
                        c.target
                      ]
                    );
                    RootDirectory = "/run/syncoid/${lib.removePrefix "syncoid-" (unitName name)}";
                    BindReadOnlyPaths = [
                      "/nix/store"
                      "/etc"
                      "/run"
                      "/bin/sh"
                    ];
                    ProtectHome = true;
                  }
                  // (
                    if style == "path" then
                      { User = cfg.user; }
                    else if builtins.length sshKeyCred > 1 then
                      { LoadCredentialEncrypted = [ c.sshKey ]; }
                    else
                      { LoadCredential = [ "sshKey:${c.sshKey}" ]; }
                  );
              }
              cfg.service
              c.service
            ];
          }) cfg.commands
        );
      };
    };

  # nixos/lib/utils.nix's fsNeededForBoot, in this test's words: a file system is
  # mounted in the initrd when it says so, or when it is one of the paths NixOS always
  # needs there (/, /nix, /nix/store, /var, /var/log, /var/lib, /var/lib/nixos, /etc, /usr).
  utilsStandIn = {
    fsNeededForBoot =
      fs:
      fs.neededForBoot
      || builtins.elem fs.mountPoint [
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
  };

  # sops-nix and agenix options the layout reads (sops.age.*, sops.gnupg.*,
  # age.identityPaths), for the machines that import them.
  secretsStandIn =
    { lib, ... }:
    let
      inherit (lib) mkOption types;
      opt =
        type: default:
        mkOption {
          inherit type default;
        };
    in
    {
      options.sops = {
        age.keyFile = opt (types.nullOr types.str) null;
        age.sshKeyPaths = opt (types.listOf types.str) [ ];
        gnupg.home = opt (types.nullOr types.str) null;
        gnupg.sshKeyPaths = opt (types.listOf types.str) [ ];
      };
      options.age.identityPaths = opt (types.listOf types.str) [ ];
    };

  # The seed machine (docs/DESIGN.md), as a NixOS configuration would declare it.
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

  evalStyled =
    style: extra:
    lib.evalModules {
      modules = [
        standIns
        (syncoidStandIn style)
        ../module.nix
        seedMachine
        extra
        {
          _module.args.pkgs = pkgs;
          _module.args.utils = utilsStandIn;
        }
      ];
    };
  evalWith = evalStyled "credential";
  evalWithPkgs =
    p: extra:
    lib.evalModules {
      modules = [
        standIns
        (syncoidStandIn "credential")
        ../module.nix
        seedMachine
        extra
        {
          _module.args.pkgs = p;
          _module.args.utils = utilsStandIn;
        }
      ];
    };
  configWith = extra: (evalWith extra).config;

  failed = c: map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);

  seed = configWith { };
  seedFailed = failed seed;
  # The file the initrd and /etc get: the runCommand that runs `blankslate validate` on
  # the JSON and copies it to $out (pkgs.runCommand above records its arguments).
  checkedFile = c: c.boot.initrd.systemd.contents."/etc/blankslate/config.json".source;
  jsonOf = c: (checkedFile c).env.unchecked.text;
  seedJSON = jsonOf seed;

  # ---------------------------------------------------------------- checks ----

  check = name: ok: detail: {
    inherit name ok;
    detail = if ok then "" else detail;
  };

  eq = name: actual: expected: check name (actual == expected) "expected ${builtins.toJSON expected}, got ${builtins.toJSON actual}";

  # Equality on the attributes `expected` names (a submodule's value also holds every
  # defaulted option and `_module`).
  eqOn =
    name: actual: expected:
    eq name (builtins.intersectAttrs expected actual) expected;
  eqOnEach =
    name: actual: expected:
    eq name (builtins.mapAttrs (n: v: builtins.intersectAttrs (expected.${n} or { }) v) actual) expected;

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

  expectAssertionStyled =
    name: style: extra: fragments:
    let
      msgs = failed (evalStyled style extra).config;
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
  A = units.audit;
  w = units.words;
  v = units.value;

  unitChecks = [
    (eq "rollback unit: ConditionPathExists=/etc/initrd-release" (v R "Unit" "ConditionPathExists") "/etc/initrd-release")
    (eq "rollback unit: DefaultDependencies=no" (v R "Unit" "DefaultDependencies") "no")
    (has "rollback unit: After=zfs-import.target (after the pool import, NixOS and dracut)" (w R "Unit" "After") "zfs-import.target")
    (has "rollback unit: After=systemd-hibernate-resume.service (the resume attempt, systemd >= 254)" (w R "Unit" "After") "systemd-hibernate-resume.service")
    (has "rollback unit: After=local-fs-pre.target (every systemd's resume unit precedes it)" (w R "Unit" "After") "local-fs-pre.target")
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
    # Waiting for the resume attempt must not close a cycle: nothing the rollback
    # precedes may itself be ordered before local-fs-pre.target or the resume unit.
    (check "ordering: the rollback precedes neither the resume attempt nor local-fs-pre.target" (
      !(builtins.any (u: builtins.elem u (w R "Unit" "Before")) [ "local-fs-pre.target" "systemd-hibernate-resume.service" ])
    ) "the rollback unit is ordered before what it waits for")
    (check "ordering: no unit is both before and after the other's anchor" (
      !(builtins.any (u: builtins.elem u (w R "Unit" "After")) (w P "Unit" "Before"))
    ) "the rollback unit is ordered after something the persist unit must precede")

    # The listing after boot: in the booted system only, after the local file systems,
    # at the lowest CPU priority, started by the normal boot and waited for by nothing.
    (eq "audit unit: ConditionPathExists=!/etc/initrd-release (never in the initrd)" (v A "Unit" "ConditionPathExists") "!/etc/initrd-release")
    (check "audit unit: default dependencies (it runs in the booted system, after basic.target)" (
      !(A.Unit ? DefaultDependencies)
    ) "DefaultDependencies=${toString (A.Unit.DefaultDependencies or [ ])}")
    (has "audit unit: After=local-fs.target" (w A "Unit" "After") "local-fs.target")
    (eq "audit unit: RequiresMountsFor=/persist (the default persistent root)" (w A "Unit" "RequiresMountsFor") [ "/persist" ])
    (eq "audit unit: no Before= (nothing waits for the listing)" (w A "Unit" "Before") [ ])
    (check "audit unit: a Description=" (v A "Unit" "Description" != "") "empty")
    (eq "audit unit: Type=exec (multi-user.target does not wait for the listing)" (v A "Service" "Type") "exec")
    (eq "audit unit: ExecStart" (v A "Service" "ExecStart") "/bin/blankslate audit")
    (eq "audit unit: Nice=19" (v A "Service" "Nice") "19")
    (check "audit unit: no IOSchedulingClass= (ZFS ignores I/O classes, openzfs/zfs#14151)" (!(A.Service ? IOSchedulingClass)) "IOSchedulingClass is set")
    (eq "audit unit: CPUSchedulingPolicy=batch" (v A "Service" "CPUSchedulingPolicy") "batch")
    (eq "audit unit: [Install] WantedBy=multi-user.target" (w A "Install" "WantedBy") [ "multi-user.target" ])
    (eq "audit unit: no [Install] RequiredBy= (a failed listing fails no target)" (w A "Install" "RequiredBy") [ ])
  ];

  # -------- what the module generates for the seed machine --------------------
  initrd = seed.boot.initrd.systemd;
  rollbackDropIn = initrd.services.blankslate-rollback;
  persistDropIn = initrd.services.blankslate-persist;
  auditDropIn = seed.systemd.services.blankslate-audit;

  # What systemd makes of a unit file plus a drop-in for a list setting: the drop-in's
  # values are appended, and an empty value resets the list (systemd.unit(5),
  # systemd.service(5) for ExecStart=).
  effective =
    fileValues: dropInValues:
    lib.foldl' (acc: x: if x == "" then [ ] else acc ++ [ x ]) [ ] (fileValues ++ dropInValues);

  expectedSeedConfig = {
    keep.roots = 1;
    pool = "rpool";
    dataset = "rpool/nixos/empty";
    snapshot = "start";
    persistRoot = "/persist";
    onFailure = "emergency";
    layout = {
      reservePercent = 10;
      dockerZvol = null;
      arcMax = null;
      secrets = [ ];
    };
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
    (check "seed machine: one warning, that the emergency shell is locked" (
      builtins.length seed.warnings == 1
      && lib.hasInfix "boot.initrd.systemd.emergencyAccess is not set" (builtins.head seed.warnings)
      && lib.hasInfix "blankslate.rollback=skip" (builtins.head seed.warnings)
    ) "warnings: ${builtins.toJSON seed.warnings}")
    (eq "emergencyAccess = true: no warning" (configWith { boot.initrd.systemd.emergencyAccess = true; }).warnings [ ])
    (eq "emergencyAccess = a hashed password: no warning" (configWith { boot.initrd.systemd.emergencyAccess = "$6$x"; }).warnings [ ])
    (eq "onFailure = continue: no warning" (configWith { blankslate.onFailure = "continue"; }).warnings [ ])
    (check "zfs-import unit named in the rollback drop-in exists (NixOS generates it)" (
      initrd.services ? "zfs-import-rpool"
      && builtins.all (u: initrd.services ? ${lib.removeSuffix ".service" u}) rollbackDropIn.after
    ) "after = ${builtins.toJSON rollbackDropIn.after}, units: ${builtins.toJSON (builtins.attrNames initrd.services)}")
    (eq "config.json in the initrd is the seed layout" (builtins.fromJSON seedJSON) expectedSeedConfig)
    (eq "config.json keys are the binary's schema" (builtins.attrNames (builtins.fromJSON seedJSON)) [
      "dataset"
      "entries"
      "keep"
      "layout"
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
    (eq "/etc/blankslate/config.json in the system is the initrd's file" seed.environment.etc."blankslate/config.json".source (checkedFile seed))
    (eq "config.json is the generated configuration" (builtins.fromJSON seedJSON) seed.blankslate.generatedConfig)
    (check "config.json is checked by the package's own binary before it is used" (
      lib.hasInfix "${blankslatePkg}/bin/blankslate validate --config \"$unchecked\"" (checkedFile seed).script
      && lib.hasInfix "cp \"$unchecked\" \"$out\"" (checkedFile seed).script
      && lib.hasInfix "exit 1" (checkedFile seed).script
    ) "the file is not validated: ${(checkedFile seed).script}")
    (eq "checkConfig: on by default where the build machine runs the target's binaries" seed.blankslate.checkConfig true)
    (check "checkConfig: off by default in a cross build (the binary cannot run at build time)" (
      let
        c = (evalWithPkgs (pkgs // { stdenv = pkgs.stdenv // { hostPlatform.system = "aarch64-linux"; }; }) { }).config;
      in
      !c.blankslate.checkConfig && c.environment.etc."blankslate/config.json".source ? text
    ) "the check is on, or the file is the checked one")
    (check "checkConfig = false: the unchecked file" (
      ((configWith { blankslate.checkConfig = false; }).environment.etc."blankslate/config.json".source ? text)
    ) "still a runCommand")
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
    (eqOn "machine-id: commit service writes to the persistent root" commit {
      unitConfig.ConditionPathIsMountPoint = [
        ""
        "/persist/etc/machine-id"
      ];
      serviceConfig.ExecStart = [
        ""
        "${systemdPkg}/bin/systemd-machine-id-setup --commit --root /persist"
      ];
    })
    (eq "machine-id: nothing suppressed in the initrd (the commit unit is a stage-2 unit)" initrd.suppressedUnits [ ])
    (eq "no ARC parameter by default" seed.boot.kernelParams [ ])
    (eq "sanoid on by default, for the persistent datasets" (builtins.attrNames seed.services.sanoid.datasets) [
      "rpool/nixos/home"
      "rpool/nixos/persist"
    ])
    (eqOn "sanoid template" seed.services.sanoid.templates.blankslate {
      hourly = 24;
      daily = 14;
      weekly = 4;
      monthly = 3;
      autosnap = true;
      autoprune = true;
    })
    (eqOn "sanoid datasets use the template" seed.services.sanoid.datasets."rpool/nixos/persist" {
      useTemplate = [ "blankslate" ];
    })
    (check "no syncoid by default" (!(seed.services.syncoid.enable or false)) "syncoid enabled")
    (check "no docker mount by default" (!(seed.fileSystems ? "/var/lib/docker")) "docker mount present")
    (eq "disabled module: no initrd units" (configWith { blankslate.enable = lib.mkForce false; }).boot.initrd.systemd.packages [ ])

    # blankslate-audit.service: the package's unit file, enabled in the booted system
    # by a drop-in that adds only what NixOS must (nixos/lib/systemd-lib.nix,
    # generateUnits: systemd.packages are linked, a systemd.services.<name> definition
    # becomes <name>.service.d/overrides.conf, wantedBy the .wants link).
    (eq "audit: the package's unit files are linked into the booted system" seed.systemd.packages [ blankslatePkg ])
    (eq "audit: written as a drop-in for the packaged unit (overrideStrategy = asDropin)" auditDropIn.overrideStrategy "asDropin")
    (eq "audit drop-in: wantedBy = [multi-user.target] (from the unit's [Install])" auditDropIn.wantedBy (w A "Install" "WantedBy"))
    (eq "audit drop-in: ExecStart= resets the unit's /bin/blankslate and runs the package's binary" auditDropIn.serviceConfig.ExecStart [
      ""
      "${blankslatePkg}/bin/blankslate audit"
    ])
    (eq "audit: the effective ExecStart= (unit file + drop-in) is one command, the package's binary"
      (effective (A.Service.ExecStart) auditDropIn.serviceConfig.ExecStart)
      [ "${blankslatePkg}/bin/blankslate audit" ]
    )
    (eq "audit: the booted system runs the same binary the initrd does" (builtins.head (lib.splitString " " (lib.last auditDropIn.serviceConfig.ExecStart))) initrd.extraBin.blankslate)
    (eq "audit drop-in: RequiresMountsFor the persistent root" (auditDropIn.unitConfig.RequiresMountsFor or [ ]) [ "/persist" ])
    (check "audit drop-in: a switch neither waits for the listing nor runs it again (Type=exec, RemainAfterExit, restartIfChanged = false)" (
      v A "Service" "Type" == "exec" && (auditDropIn.serviceConfig.RemainAfterExit or null) == true && auditDropIn.restartIfChanged == false
    ) "Type=${v A "Service" "Type"}, drop-in ${builtins.toJSON (builtins.removeAttrs auditDropIn [ "_module" ])}")
    (check "audit drop-in: ordering and priority come from the unit file (the drop-in restates none)" (
      auditDropIn.description == ""
      && auditDropIn.after == [ ]
      && auditDropIn.before == [ ]
      && auditDropIn.requires == [ ]
      && auditDropIn.wants == [ ]
      && builtins.attrNames auditDropIn.unitConfig == [ "RequiresMountsFor" ]
      && builtins.attrNames auditDropIn.serviceConfig == [ "ExecStart" "RemainAfterExit" ]
    ) "drop-in: ${builtins.toJSON (builtins.removeAttrs auditDropIn [ "_module" ])}")
    (check "audit: not enabled in the initrd (no initrd definition, not wanted by an initrd unit)" (
      !(initrd.services ? blankslate-audit)
      && !builtins.any (u: builtins.elem "blankslate-audit.service" (u.wantedBy ++ u.requiredBy ++ u.wants ++ u.requires)) (builtins.attrValues initrd.services)
    ) "initrd services: ${builtins.toJSON (builtins.attrNames initrd.services)}")
    (eq "audit: a custom package's binary is the one started" (configWith {
      blankslate.package = fakePackage "blankslate-9.9.9";
    }).systemd.services.blankslate-audit.serviceConfig.ExecStart [
      ""
      "/nix/store/00000000000000000000000000000000-blankslate-9.9.9/bin/blankslate audit"
    ])
    (check "disabled module: no audit unit in the booted system" (
      let
        off = configWith { blankslate.enable = lib.mkForce false; };
      in
      off.systemd.packages == [ ] && !(off.systemd.services ? blankslate-audit)
    ) "the audit unit is there")
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
      # Every audit setting away from its default, so that run-eval.sh feeds each key
      # to the binary's parser (which refuses a key it does not know).
      audit = {
        enable = false;
        listAfterBoot = false;
        maxFiles = 0;
        maxSeconds = 300;
        keep = 10000;
      };
    };
    virtualisation.docker.enable = true;
  };
  customConfig = builtins.fromJSON (jsonOf custom);
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

  # The persistent root of the option's own example (/nix/persist, as many
  # impermanence set-ups have it), on a dataset of its own as the module asks:
  # run-eval.sh feeds its JSON to the binary's parser, which must accept it too.
  persistRootExample = (evalWith { }).options.blankslate.persistRoot.example;
  nixPersist = configWith {
    blankslate.persistRoot = persistRootExample;
    fileSystems.${persistRootExample} = {
      device = "rpool/nixos/persist";
      fsType = "zfs";
      neededForBoot = true;
    };
  };
  nixPersistJSON = jsonOf nixPersist;

  optionChecks = [
    (eq "persistRoot example: /nix/persist" persistRootExample "/nix/persist")
    (eq "persistRoot example: no failed assertion" (failed nixPersist) [ ])
    (eq "persistRoot example: reaches the JSON" (builtins.fromJSON nixPersistJSON).persistRoot "/nix/persist")
    (has "persistRoot example: mounted before anything is attached" nixPersist.boot.initrd.systemd.services.blankslate-persist.unitConfig.RequiresMountsFor
      "/sysroot/nix/persist")
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
    (eqOnEach "custom: syncoid replicates each persistent dataset" custom.services.syncoid.commands {
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
    (eqOn "custom: docker storage on the zvol, mounted after /var/lib" custom.fileSystems."/var/lib/docker" {
      mountPoint = "/var/lib/docker";
      device = "/dev/zvol/rpool/docker";
      fsType = "ext4";
      neededForBoot = false;
      options = [ "x-systemd.requires-mounts-for=/var/lib" ];
    })
    (eqOn "custom: docker.service requires its storage" custom.systemd.services.docker {
      unitConfig.RequiresMountsFor = [ "/var/lib/docker" ];
    })
    (eq "custom: docker storage driver" custom.virtualisation.docker.storageDriver "overlay2")
    (eq "persistRoot /state: in the JSON" state.blankslate.generatedConfig.persistRoot "/state")
    (eq "persistRoot /state: persist unit requires /sysroot/state" state.boot.initrd.systemd.services.blankslate-persist.unitConfig.RequiresMountsFor [
      "/sysroot/state"
      "/sysroot/var/lib"
    ])
    (eq "persistRoot /state: the audit unit requires /state (where the record is saved)" (state.systemd.services.blankslate-audit.unitConfig.RequiresMountsFor or [ ]) [
      "/state"
    ])
    (eq "persistRoot /state: the audit unit's effective RequiresMountsFor= is the file's /persist and /state"
      (effective (w A "Unit" "RequiresMountsFor") (state.systemd.services.blankslate-audit.unitConfig.RequiresMountsFor or [ ]))
      [ "/persist" "/state" ]
    )
    (eq "persistRoot /state: sanoid follows it" (builtins.attrNames state.services.sanoid.datasets) [
      "rpool/nixos/home"
      "rpool/state"
    ])
    (eq "defaultEntries = false: only the declared entries" (map (e: e.path) state.blankslate.generatedConfig.entries) [ "/var/lib/nixos" ])
    (check "no machine-id entry: commit service left alone" (
      !(state.systemd.services ? systemd-machine-id-commit)
    ) "systemd-machine-id-commit was changed")
    (eq "no boot entry for the previous root by default" seed.specialisation { })
    (eq "previousRootEntry: a specialisation that adds blankslate.root=previous, and nothing else (nixpkgs empties specialisation inside one)"
      (configWith { blankslate.previousRootEntry = true; })
      .specialisation.blankslate-previous-root.configuration
      { boot.kernelParams = [ "blankslate.root=previous" ]; }
    )
    (eq "keepRoots: the previous root is kept by default (keep.roots = 1)" (builtins.fromJSON seedJSON).keep { roots = 1; })
    (eq "keepRoots = 0 reaches the JSON (the binary's own default is not relied on)" (configWith { blankslate.keepRoots = 0; }).blankslate.generatedConfig.keep { roots = 0; })
    (eq "keepRoots = 3 reaches the JSON as keep.roots" (configWith { blankslate.keepRoots = 3; }).blankslate.generatedConfig.keep { roots = 3; })
    (eq "onFailure = continue reaches the JSON" (configWith { blankslate.onFailure = "continue"; }).blankslate.generatedConfig.onFailure "continue")
    (eq "pool tank: import drop-in names zfs-import-tank.service" (configWith {
      blankslate.pool = "tank";
      fileSystems."/".device = lib.mkForce "tank/nixos/empty";
    }).boot.initrd.systemd.services.blankslate-rollback.after [ "zfs-import-tank.service" ])
  ];

  # -------- blankslate.audit: the configuration's `audit` section ----------------
  # Defaults and bounds are the binary's (config/validate_extra.go: Audit, AuditLimits,
  # ValidateExtra). Only a setting away from its default is written, so that the seed
  # machine's file stays the seed layout (and equal to the binary's built-in default).
  auditJSON = extra: (builtins.fromJSON (jsonOf (configWith extra))).audit or null;
  # blankslate-audit.service in the booted system: the package's unit files linked and
  # the drop-in that enables it (as "disabled module: no audit unit" reads it).
  auditUnitIn = c: c.systemd.packages == [ blankslatePkg ] && c.systemd.services ? blankslate-audit;
  auditOff = extra: name: let c = configWith extra; in [
    (check "audit: ${name} leaves blankslate-audit.service out of the booted system" (
      c.systemd.packages == [ ] && !(c.systemd.services ? blankslate-audit)
    ) "systemd.packages = ${builtins.toJSON (map (p: p.name) c.systemd.packages)}, services: ${builtins.toJSON (builtins.attrNames c.systemd.services)}")
    (check "audit: ${name} keeps the two initrd units" (
      c.boot.initrd.systemd.packages == [ blankslatePkg ]
      && c.boot.initrd.systemd.services ? blankslate-rollback
      && c.boot.initrd.systemd.services ? blankslate-persist
    ) "initrd services: ${builtins.toJSON (builtins.attrNames c.boot.initrd.systemd.services)}")
    (eq "audit: ${name}: no failed assertion" (failed c) [ ])
  ];
  auditChecks = [
    (eq "audit: the options' defaults are the binary's (config/validate_extra.go)" seed.blankslate.audit {
      enable = true;
      listAfterBoot = true;
      maxFiles = 10000;
      maxSeconds = 5;
      keep = 30;
    })
    (check "audit: the seed machine's config.json has no `audit` key" (!(builtins.fromJSON seedJSON ? audit)) "audit = ${builtins.toJSON ((builtins.fromJSON seedJSON).audit or null)}")
    (eq "audit: every option set to its default writes no `audit` key" (auditJSON {
      blankslate.audit = {
        enable = true;
        listAfterBoot = true;
        maxFiles = 10000;
        maxSeconds = 5;
        keep = 30;
      };
    }) null)
    (eq "audit.enable = false reaches the JSON as audit.enable, alone" (auditJSON { blankslate.audit.enable = false; }) { enable = false; })
    (eq "audit.listAfterBoot = false reaches the JSON as audit.listAfterBoot, alone" (auditJSON { blankslate.audit.listAfterBoot = false; }) { listAfterBoot = false; })
    (eq "audit.maxFiles = 0 reaches the JSON as audit.maxFiles, alone" (auditJSON { blankslate.audit.maxFiles = 0; }) { maxFiles = 0; })
    (eq "audit.maxFiles = 1000000 (the upper bound) reaches the JSON, alone" (auditJSON { blankslate.audit.maxFiles = 1000000; }) { maxFiles = 1000000; })
    (eq "audit.maxSeconds = 1 (the lower bound) reaches the JSON as audit.maxSeconds, alone" (auditJSON { blankslate.audit.maxSeconds = 1; }) { maxSeconds = 1; })
    (eq "audit.maxSeconds = 300 (the upper bound) reaches the JSON, alone" (auditJSON { blankslate.audit.maxSeconds = 300; }) { maxSeconds = 300; })
    (eq "audit.keep = 1 (the lower bound) reaches the JSON as audit.keep, alone" (auditJSON { blankslate.audit.keep = 1; }) { keep = 1; })
    (eq "audit.keep = 10000 (the upper bound) reaches the JSON, alone" (auditJSON { blankslate.audit.keep = 10000; }) { keep = 10000; })
    (eq "custom: every audit setting reaches config.json" (customConfig.audit or null) {
      enable = false;
      listAfterBoot = false;
      maxFiles = 0;
      maxSeconds = 300;
      keep = 10000;
    })
    (check "audit: limits away from their defaults keep blankslate-audit.service" (auditUnitIn (configWith {
      blankslate.audit = {
        maxFiles = 100;
        maxSeconds = 60;
        keep = 5;
      };
    })) "the audit unit is not there")
    (check "audit: the seed machine has blankslate-audit.service" (auditUnitIn seed) "the audit unit is not there")
  ]
  ++ auditOff { blankslate.audit.enable = false; } "enable = false"
  ++ auditOff { blankslate.audit.listAfterBoot = false; } "listAfterBoot = false"
  ++ [
    (expectTypeError "audit.maxFiles below 0" { blankslate.audit.maxFiles = -1; })
    (expectTypeError "audit.maxFiles above 1000000" { blankslate.audit.maxFiles = 1000001; })
    (expectTypeError "audit.maxSeconds below 1" { blankslate.audit.maxSeconds = 0; })
    (expectTypeError "audit.maxSeconds above 300" { blankslate.audit.maxSeconds = 301; })
    (expectTypeError "audit.keep below 1" { blankslate.audit.keep = 0; })
    (expectTypeError "audit.keep above 10000" { blankslate.audit.keep = 10001; })
    (expectTypeError "audit.enable that is not a bool" { blankslate.audit.enable = "no"; })
    (expectTypeError "audit.listAfterBoot that is not a bool" { blankslate.audit.listAfterBoot = 0; })
    (expectTypeError "an audit option the binary does not have" { blankslate.audit.maxBytes = 1; })
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
    (expectAssertion "another mount on a child of the rolled-back dataset" {
      fileSystems."/srv" = {
        device = "rpool/nixos/empty/srv";
        fsType = "zfs";
      };
    } [ "fileSystems.\"/srv\" uses rpool/nixos/empty/srv" "Give /srv a dataset outside" ])
    (expectTypeError "dataset that is the pool itself" { blankslate.dataset = "rpool"; })
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
    (check "unknown user: evaluates, with a warning that says where it is looked up and what to do" (
      let
        c = configWith {
          blankslate.directories = [
            {
              path = "/srv/x";
              user = "ghost";
            }
          ];
        };
      in
      failed c == [ ]
      && builtins.any (
        w: lib.hasInfix "name the user \"ghost\", which users.users does not declare" w && lib.hasInfix "/persist/var/lib/nixos/uid-map" w && lib.hasInfix "or write the numeric uid" w
      ) c.warnings
    ) "no such warning, or a failed assertion")
    (check "owner by name without a fixed uid or gid: passed to the binary by name, no assertion" (
      let
        c = configWith {
          blankslate.directories = [
            {
              path = "/srv/x";
              user = "alice";
              group = "alice";
            }
          ];
        };
        e = lib.findFirst (e: e.path == "/srv/x") null c.blankslate.generatedConfig.entries;
      in
      failed c == [ ] && e.user == "alice" && e.group == "alice"
    ) "an assertion failed or the name was not passed through")
    (expectAssertion "owner by name while /var/lib/nixos is not kept" {
      blankslate.defaultEntries = false;
      blankslate.directories = [
        {
          path = "/srv/x";
          user = "alice";
        }
      ];
    } [ "entries name owners without a fixed id (alice)" "no entry keeps /var/lib/nixos" "Keep /var/lib/nixos" ])
    (expectAssertion "an entry on a file system the initrd does not mount (the seed's /home)" {
      users.users.alice.isNormalUser = true;
      blankslate.users.alice.directories = [ "Downloads" ];
      blankslate.directories = [ "/srv/x" ];
    } [
      "/home/alice/Downloads (blankslate.users.alice.directories) lies on fileSystems.\"/home\""
      "which the initrd does not mount"
      "Set fileSystems.\"/home\".neededForBoot = true;"
      "or move the entry out of /home"
    ])
    (check "an entry on a file system the initrd mounts is not refused, nor one on the root" (
      failed (configWith {
        users.users.alice.isNormalUser = true;
        fileSystems."/home".neededForBoot = true;
        blankslate.users.alice.directories = [ "Downloads" ];
        blankslate.directories = [ "/srv/x" ];
      }) == [ ]
    ) "an assertion failed")
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
    (check "no ssh warning with the default /etc/ssh entry" (
      !builtins.any (lib.hasInfix "host keys") (configWith { services.openssh.enable = true; }).warnings
    ) "unexpected warning")
    (expectTypeError "onFailure outside its enum" { blankslate.onFailure = "panic"; })
    (expectTypeError "keepRoots above 100" { blankslate.keepRoots = 101; })
    (expectTypeError "mode that is not octal" { blankslate.directories = [ { path = "/srv"; mode = "0789"; } ]; })
    (expectTypeError "user that is neither a name nor an id" { blankslate.directories = [ { path = "/srv"; user = "Bad User"; } ]; })
    (expectTypeError "snapshot name with @" { blankslate.snapshot = "a@b"; })
  ];

  # -------- syncoid: the key reaches the service, in both generations of nixpkgs ----
  replicated = {
    blankslate.replication = {
      enable = true;
      target = "backup@nas:tank/b";
      sshKey = "/persist/etc/syncoid/id_ed25519";
    };
  };
  syncoidCurrent = (evalStyled "credential" replicated).config;
  syncoidOlder = (evalStyled "path" replicated).config;
  unitOf = c: c.systemd.services.syncoid-rpool-nixos-persist.serviceConfig;
  localReplication = {
    blankslate.replication = {
      enable = true;
      target = "tank/backups";
    };
  };
  syncoidChecks = [
    (check "syncoid stand-in: as nixpkgs' current module, a command without a key does not evaluate" (
      !(builtins.tryEval (builtins.deepSeq (evalStyled "credential" {
        services.syncoid = {
          enable = true;
          commands."rpool/nixos/persist".target = "tank/backups/persist";
        };
      }).config.systemd.services.syncoid-rpool-nixos-persist.serviceConfig true)).success
    ) "it evaluated")
    (expectAssertionStyled "replication to a local target without a key (current nixpkgs): refused with what to do" "credential" localReplication [
      "blankslate.replication.target \"tank/backups\" is local and no ssh key is set"
      "Set blankslate.replication.sshKey to any existing private key"
      "blankslate.replication.enable = false;"
    ])
    (check "replication to a local target without a key (current nixpkgs): no command defined, the system still evaluates" (
      let
        c = (evalStyled "credential" localReplication).config;
      in
      c.services.syncoid.commands == { } && (builtins.tryEval (builtins.deepSeq c.systemd.services true)).success
    ) "a command is defined or the units do not evaluate")
    (check "replication to a local target without a key (older nixpkgs): works, no --sshkey" (
      let
        c = (evalStyled "path" localReplication).config;
      in
      failed c == [ ] && !lib.hasInfix "--sshkey" c.systemd.services.syncoid-rpool-nixos-persist.serviceConfig.ExecStart
    ) "refused, or a key is passed")
    (check "replication to a local target with a key (current nixpkgs): works" (
      let
        c = (evalStyled "credential" { blankslate.replication = localReplication.blankslate.replication // { sshKey = "/persist/etc/syncoid/id_ed25519"; }; }).config;
      in
      failed c == [ ] && (builtins.tryEval (builtins.deepSeq c.systemd.services true)).success
    ) "refused or does not evaluate")
    (eq "syncoid (current nixpkgs): no failed assertion" (failed syncoidCurrent) [ ])
    (has "syncoid (current nixpkgs): the key is loaded as a credential" (unitOf syncoidCurrent).LoadCredential "sshKey:/persist/etc/syncoid/id_ed25519")
    (check "syncoid (current nixpkgs): nothing extra bound into the sandbox" (
      !builtins.elem "/persist/etc/syncoid/id_ed25519" (unitOf syncoidCurrent).BindReadOnlyPaths
    ) "the key is bound")
    (eq "syncoid (older nixpkgs): no failed assertion" (failed syncoidOlder) [ ])
    (has "syncoid (older nixpkgs): the key is bound read-only into RootDirectory" (unitOf syncoidOlder).BindReadOnlyPaths "/persist/etc/syncoid/id_ed25519")
    (expectAssertionStyled "syncoid: a sandbox that cannot see the key is refused" "path" (
      replicated
      // {
        # What the older module gives when nothing binds the key: drop the bind.
        services.syncoid.commands."rpool/nixos/persist".service = lib.mkForce { };
        services.syncoid.commands."rpool/nixos/home".service = lib.mkForce { };
      }
    ) [ "syncoid-rpool-nixos-persist.service cannot read its ssh key /persist/etc/syncoid/id_ed25519" "BindReadOnlyPaths" ])
  ];

  # -------- impermanence / preservation declarations, per-user entries ----------------
  moved = configWith movedDecl;
  movedDecl = {
    users.users.alice = {
      isNormalUser = true;
      uid = 1000;
    };
    users.groups.users.gid = 100;
    users.groups.colord.gid = 120;
    users.users.colord.uid = 120;
    # the seed's /home is a dataset of its own: mounted in the initrd for alice's entries
    fileSystems."/home".neededForBoot = true;
    blankslate = {
      # the entries below lie in the default /var/lib (merging is tested apart)
      defaultEntries = false;
      directories = [
        "/var/lib/bluetooth"
        {
          directory = "/var/lib/colord";
          user = "colord";
          group = "colord";
          mode = "u=rwx,g=rx,o=";
        }
        {
          directory = "/var/lib/someservice";
          how = "bindmount";
        }
      ];
      files = [
        { file = "/etc/adjtime"; }
      ];
      users.alice = {
        directories = [
          "Downloads"
          {
            directory = ".gnupg";
            mode = "0700";
          }
        ];
        files = [ ".screenrc" ];
      };
    };
  };
  movedEntry = p: lib.findFirst (e: e.path == p) null moved.blankslate.generatedConfig.entries;
  hideWarnings = extra: builtins.filter (lib.hasInfix "hideMounts") (configWith { imports = [ movedDecl extra ]; }).warnings;
  hideWarning = hideWarnings { blankslate.hideMounts = true; };
  entryOf = path: how: type: user: group: mode: { inherit path how type user group mode; };
  movedChecks = [
    (eq "impermanence shape: no failed assertion" (failed moved) [ ])
    (eq "impermanence shape: a string" (movedEntry "/var/lib/bluetooth") (entryOf "/var/lib/bluetooth" "bind" "directory" "root" "root" "0755"))
    (eq "impermanence shape: directory/user/group and a symbolic mode" (movedEntry "/var/lib/colord") (entryOf "/var/lib/colord" "bind" "directory" "120" "120" "0750"))
    (eq "preservation shape: how = bindmount is bind" (movedEntry "/var/lib/someservice").how "bind")
    (eq "impermanence shape: { file = ...; }" (movedEntry "/etc/adjtime") (entryOf "/etc/adjtime" "bind" "file" "root" "root" "0644"))
    (eq "users.<name>: relative to the home, owned by the user and its group" (movedEntry "/home/alice/Downloads") (entryOf "/home/alice/Downloads" "bind" "directory" "1000" "100" "0755"))
    (eq "users.<name>: own mode" (movedEntry "/home/alice/.gnupg").mode "0700")
    (eq "users.<name>: files" (movedEntry "/home/alice/.screenrc") (entryOf "/home/alice/.screenrc" "bind" "file" "1000" "100" "0644"))
    (check "hideMounts = true: evaluates, and the one warning names the bind mount a file manager lists" (
      builtins.length hideWarning == 1
      && lib.hasInfix "cannot hide /home/alice/Downloads from file managers" (builtins.head hideWarning)
      && lib.hasInfix "how = \"symlink\"" (builtins.head hideWarning)
      && !lib.hasInfix ".gnupg" (builtins.head hideWarning)
      && !lib.hasInfix "/var/lib/bluetooth" (builtins.head hideWarning)
    ) "warnings: ${builtins.toJSON hideWarning}")
    (eq "hideMounts = true: no failed assertion" (failed (configWith { imports = [ movedDecl { blankslate.hideMounts = true; } ]; })) [ ])
    (eq "hideMounts = true with the home entries as symlinks: no warning" (hideWarnings {
      blankslate.hideMounts = true;
      blankslate.users.alice.directories = lib.mkForce [ { directory = "Downloads"; how = "symlink"; } ];
    }) [ ])
    (eq "hideMounts = false: no warning" (hideWarnings { }) [ ])
    (expectTypeError "both path and directory" { blankslate.directories = [ { path = "/a"; directory = "/b"; } ]; })
    (expectTypeError "an option neither blankslate nor impermanence has" { blankslate.directories = [ { directory = "/a"; hideMounts = true; } ]; })
    (expectTypeError "a symbolic mode naming a class twice" { blankslate.directories = [ { directory = "/a"; mode = "u=rwx,u=r"; } ]; })
    (expectTypeError "users.<name> for a user that is not declared" { blankslate.users.ghost.directories = [ "x" ]; })
  ];

  # -------- impermanence configurations, renamed and nothing else -------------------
  # Each file in ./impermanence is an impermanence declaration (docs/impermanence.md's example and three
  # from public NixOS configurations, origin in each file) with only
  # environment.persistence renamed to blankslate.persistence. The machine around it is
  # what such a user has: a ZFS root, the persistent root needed for boot, the users the
  # lists name as NixOS declares them (normal users and colord without fixed uids, as
  # nixpkgs' services.colord declares it; the `users` group with its fixed gid 100).
  fixtureMachine =
    {
      root,
      user,
      dataset ? "rpool/nixos/empty",
    }:
    {
      boot.initrd.systemd.enable = true;
      boot.initrd.systemd.emergencyAccess = true;
      fileSystems = {
        "/" = {
          device = dataset;
          fsType = "zfs";
        };
        "/nix" = {
          device = "rpool/nixos/nix";
          fsType = "zfs";
        };
        ${root} = {
          device = "rpool/nixos/persist";
          fsType = "zfs";
          neededForBoot = true;
        };
      };
      users.users = {
        root.uid = 0;
        ${user}.isNormalUser = true;
        colord.group = "colord";
      };
      users.groups = {
        root.gid = 0;
        users.gid = 100;
        colord = { };
      };
      blankslate.enable = true;
    };
  evalFixture =
    file: machine:
    (lib.evalModules {
      modules = [
        standIns
        (syncoidStandIn "credential")
        ../module.nix
        (fixtureMachine machine)
        file
        {
          _module.args.pkgs = pkgs;
          _module.args.utils = utilsStandIn;
          _module.args.myvars.userName = "why";
        }
      ];
    }).config;
  fixtures = {
    readme = evalFixture ./impermanence/readme.nix {
      root = "/persist";
      user = "talyz";
      dataset = "rpool/local/root";
    };
    abehidek = evalFixture ./impermanence/abehidek.nix {
      root = "/persist";
      user = "abe";
    };
    proxyvt = evalFixture ./impermanence/proxyvt.nix {
      root = "/persist";
      user = "ulad";
    };
    whyfeelsad = evalFixture ./impermanence/whyfeelsad.nix {
      root = "/persistent";
      user = "why";
    };
  };
  fixtureEntries = c: c.blankslate.generatedConfig.entries;
  fixtureEntry = c: p: lib.findFirst (e: e.path == p) null (fixtureEntries c);
  fixturePaths = c: map (e: e.path) (fixtureEntries c);
  warnsWith = c: fragments: builtins.any (w: builtins.all (f: lib.hasInfix f w) fragments) c.warnings;
  R1 = fixtures.readme;
  fixtureChecks =
    lib.mapAttrsToList (
      n: c: eq "impermanence configuration ${n}: evaluates with no failed assertion" (failed c) [ ]
    ) fixtures
    ++ [
      (eq "README example: the entries, the nested ones merged into the default /var/lib" (fixturePaths R1) [
        "/etc/nixos"
        "/etc/ssh"
        "/var/lib"
        "/var/log"
        "/etc/machine-id"
        "/var/keys/secret_file"
        "/home/talyz/Downloads"
        "/home/talyz/.gnupg"
        "/home/talyz/.screenrc"
      ])
      (eq "README example: the persistent root is the one declared" R1.blankslate.generatedConfig.persistRoot "/persist")
      (check "README example: the merge that drops colord's owner and mode is named, with blankslate.defaultEntries" (warnsWith R1 [
        "/var/lib/colord (blankslate.persistence.\"/persist\".directories) lies in /var/lib, an entry of blankslate.defaultEntries"
        "user = colord, group = colord, mode = 0750"
      ]) "no such warning: ${builtins.toJSON R1.warnings}")
      (check "README example: merging a plain entry warns about nothing" (!warnsWith R1 [ "/var/lib/bluetooth" ]) "a warning names /var/lib/bluetooth")
      (eq "README example: a file is bound, as impermanence binds it" (fixtureEntry R1 "/var/keys/secret_file") (entryOf "/var/keys/secret_file" "bind" "file" "root" "root" "0644"))
      (eq "README example: /etc/machine-id declared as a string stays a symlink" (fixtureEntry R1 "/etc/machine-id").how "symlink")
      (eq "README example: users.<name> entries owned by the user by name (no fixed uid) and the users group's gid" (fixtureEntry R1 "/home/talyz/.gnupg") (entryOf "/home/talyz/.gnupg" "bind" "directory" "talyz" "100" "0700"))
      (eq "README example: parentDirectory becomes tmpfiles lines for the parent, in the system and under the persistent root" R1.systemd.tmpfiles.rules [
        "d /var/keys 0700 root root -"
        "d /persist/var/keys 0700 root root -"
      ])
      (check "README example: hideMounts names the home bind mount a file manager lists" (warnsWith R1 [ "hideMounts cannot hide /home/talyz/Downloads from file managers" ]) "no hideMounts warning")
      (eq "whyfeelsad: the only root declared is the persistent root" fixtures.whyfeelsad.blankslate.generatedConfig.persistRoot "/persistent")
      (eq "whyfeelsad: a declared /etc/ssh replaces the default one (bound, as declared)" (fixtureEntry fixtures.whyfeelsad "/etc/ssh").how "bind")
      (check "abehidek: parents inside the home are the user's, as impermanence makes them" (
        builtins.all (r: builtins.elem r fixtures.abehidek.systemd.tmpfiles.rules) [
          "d /home/abe/.local 0755 abe users -"
          "d /home/abe/.local/share 0755 abe users -"
          "d /etc/nix 0700 root root -"
        ]
      ) "rules: ${builtins.toJSON fixtures.abehidek.systemd.tmpfiles.rules}")
      (check "proxyvt: entries directly in the home need no parent line, a nested one gets the user's parent" (
        !builtins.any (lib.hasInfix "VirtualBox") fixtures.proxyvt.systemd.tmpfiles.rules
        && builtins.elem "d /home/ulad/.cache 0755 ulad users -" fixtures.proxyvt.systemd.tmpfiles.rules
      ) "rules: ${builtins.toJSON fixtures.proxyvt.systemd.tmpfiles.rules}")
    ];

  # -------- the lib this test runs on --------------------------------------------------
  libChecks = [
    (eq "lib: a module with imports and definitions of its own keeps both (nixpkgs' shorthand)" (builtins.sort builtins.lessThan (lib.evalModules {
      modules = [
        { options.a = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; }
        {
          imports = [ { a = [ "x" ]; } ];
          a = [ "y" ];
        }
      ];
    }).config.a) [ "x" "y" ])
  ];

  # -------- the persistence option's own behaviour -----------------------------------
  twoRootsDecl = {
    fileSystems."/cache" = {
      device = "rpool/nixos/cache";
      fsType = "zfs";
      neededForBoot = true;
    };
    fileSystems."/home".neededForBoot = true;
    users.users.alice.isNormalUser = true;
    users.groups.users.gid = 100;
    blankslate.persistence."/persist".directories = [ "/srv/a" ];
    blankslate.persistence."/cache" = {
      directories = [ "/var/cache/b" ];
      users.alice.directories = [ ".cache" ];
    };
  };
  twoRoots = configWith twoRootsDecl;
  twoRootsJSON = twoRoots.boot.initrd.systemd.contents."/etc/blankslate/persist-1.json".source.env.unchecked.text;
  persistenceChecks = [
    (check "persistence: an entry nested in another, named by the options that declared them" (
      builtins.any (m: lib.hasInfix "/srv/a (blankslate.persistence.\"/persist\".directories) lies inside /srv (blankslate.directories)" m && lib.hasInfix "Drop /srv/a" m) (failed (configWith {
        blankslate.directories = [ "/srv" ];
        blankslate.persistence."/persist".directories = [ "/srv/a" ];
      }))
    ) "no such assertion")
    (check "persistence: a declared directory holding default entries replaces them" (
      let
        c = configWith { blankslate.persistence."/persist".directories = [ "/var" ]; };
        ps = map (e: e.path) c.blankslate.generatedConfig.entries;
      in
      failed c == [ ] && builtins.elem "/var" ps && !builtins.elem "/var/lib" ps && !builtins.elem "/var/log" ps
    ) "not replaced")
    (eq "persistence: two roots evaluate with no failed assertion" (failed twoRoots) [ ])
    (eq "persistence: two roots: config.json holds the entries of blankslate.persistRoot only" (map (e: e.path) twoRoots.blankslate.generatedConfig.entries) [
      "/etc/nixos"
      "/etc/ssh"
      "/var/log"
      "/var/lib"
      "/etc/machine-id"
      "/srv/a"
    ])
    (eq "persistence: two roots: the other root's file, its entries and no audit record" (builtins.fromJSON twoRootsJSON) {
      pool = "rpool";
      dataset = "rpool/nixos/empty";
      snapshot = "start";
      onFailure = "emergency";
      persistRoot = "/cache";
      audit.enable = false;
      entries = [
        {
          path = "/var/cache/b";
          how = "bind";
          type = "directory";
          user = "root";
          group = "root";
          mode = "0755";
        }
        {
          path = "/home/alice/.cache";
          how = "bind";
          type = "directory";
          user = "alice";
          group = "100";
          mode = "0755";
        }
      ];
    })
    (eq "persistence: two roots: the other root's file is in /etc too" (twoRoots.environment.etc ? "blankslate/persist-1.json") true)
    (eq "persistence: two roots: persist runs once per root, names resolved from the root keeping /var/lib/nixos"
      twoRoots.boot.initrd.systemd.services.blankslate-persist.serviceConfig.ExecStart
      [
        ""
        "/bin/blankslate persist --root /sysroot --maps-from /persist"
        "/bin/blankslate persist --root /sysroot --config /etc/blankslate/persist-1.json --maps-from /persist"
      ])
    (has "persistence: two roots: persist waits for the other root's mount" twoRoots.boot.initrd.systemd.services.blankslate-persist.unitConfig.RequiresMountsFor "/sysroot/cache")
    (check "persistence: one root keeping the maps: the unit file's ExecStart= is left alone" (!(seed.boot.initrd.systemd.services.blankslate-persist.serviceConfig ? ExecStart)) "the seed machine's persist drop-in sets ExecStart=")
    (expectAssertion "persistence: another root that the initrd does not mount" {
      blankslate.persistence."/persist".directories = [ "/srv/a" ];
      blankslate.persistence."/cache".directories = [ "/var/cache/b" ];
    } [ "fileSystems.\"/cache\" is not declared" ])
    (expectAssertion "persistence: an entry overlapping another root" {
      imports = [
        twoRootsDecl
        { blankslate.directories = [ "/cache/x" ]; }
      ];
    } [ "/cache/x (blankslate.directories) overlaps the persistent root /cache" ])
    (expectAssertion "persistence: an entry of another root nested in a default entry names blankslate.defaultEntries" {
      blankslate.persistence."/persist".directories = [ ];
      blankslate.persistence."/cache".directories = [ "/var/lib/docker" ];
    } [ "/var/lib/docker (blankslate.persistence.\"/cache\".directories) lies inside /var/lib (blankslate.defaultEntries)" "blankslate.defaultEntries = false" ])
    (check "persistence: enable = false leaves a root out" (
      let
        c = configWith {
          blankslate.persistence."/persist".directories = [ "/srv/a" ];
          blankslate.persistence."/old" = {
            enable = false;
            directories = [ "/srv/b" ];
          };
        };
      in
      failed c == [ ] && !builtins.elem "/srv/b" (map (e: e.path) c.blankslate.generatedConfig.entries)
    ) "/srv/b attached or an assertion failed")
    (eq "persistence: method = \"symlink\" is a symlink" (lib.findFirst (e: e.path == "/etc/adjtime") null (configWith {
      blankslate.persistence."/persist".files = [ { file = "/etc/adjtime"; method = "symlink"; } ];
    }).blankslate.generatedConfig.entries).how "symlink")
    (eq "persistence: users.<name>.home is the home the entries are relative to" (map (e: e.path) (builtins.filter (e: lib.hasInfix "Music" e.path) (configWith {
      users.users.alice.isNormalUser = true;
      blankslate.persistence."/persist".users.alice = {
        home = "/home/a";
        directories = [ "Music" ];
      };
    }).blankslate.generatedConfig.entries)) [ "/home/a/Music" ])
    (eq "persistence: a parent with a space is escaped for tmpfiles, owned by the user even when the entry names another owner" (configWith {
      users.users.alice.isNormalUser = true;
      users.groups.users.gid = 100;
      fileSystems."/home".neededForBoot = true;
      blankslate.persistence."/persist".users.alice.directories = [ { directory = "My Stuff/x"; user = "root"; } ];
    }).systemd.tmpfiles.rules [ "d /home/alice/My\\x20Stuff 0755 alice users -" ])
    (expectAssertion "persistence: a path declared twice names both declarations" {
      blankslate.directories = [ "/srv/a" ];
      blankslate.persistence."/persist".directories = [ "/srv/a" ];
    } [ "/srv/a is declared twice, in blankslate.directories and in blankslate.persistence.\"/persist\".directories" ])
    (check "persistence: allowTrash is accepted with a warning" (builtins.any (lib.hasInfix "allowTrash (blankslate.persistence.\"/persist\") is not carried over") (configWith {
      blankslate.persistence."/persist".allowTrash = true;
    }).warnings) "no warning")
  ];

  # -------- layout: what `blankslate check` compares the machine with ---------------
  withSecrets = (lib.evalModules {
    modules = [
      standIns
      (syncoidStandIn "credential")
      secretsStandIn
      ../module.nix
      seedMachine
      {
        _module.args.pkgs = pkgs;
        _module.args.utils = utilsStandIn;
        services.openssh.enable = true;
        sops.age.keyFile = "/persist/var/lib/sops-nix/key.txt";
        sops.age.sshKeyPaths = [ "/etc/ssh/ssh_host_ed25519_key" ];
        age.identityPaths = [ "/root/agenix.key" ];
        blankslate.docker.enable = true;
        blankslate.arcMax = 1073741824;
        blankslate.reservePercent = 15;
      }
    ];
  }).config;
  layoutChecks = [
    (eq "layout: seed machine" seed.blankslate.generatedConfig.layout {
      reservePercent = 10;
      dockerZvol = null;
      arcMax = null;
      secrets = [ ];
    })
    (eq "layout: docker zvol, ARC maximum, reservation, and every secret activation reads" withSecrets.blankslate.generatedConfig.layout {
      reservePercent = 15;
      dockerZvol = "rpool/docker";
      arcMax = 1073741824;
      secrets = [
        "/persist/var/lib/sops-nix/key.txt"
        "/etc/ssh/ssh_host_ed25519_key"
        "/root/agenix.key"
        "/etc/ssh/ssh_host_rsa_key"
      ];
    })
    (check "layout: a secret on the rolled-back root is warned about" (
      builtins.any (w: lib.hasInfix "/root/agenix.key (a sops-nix or agenix identity)" w) withSecrets.warnings
      && !builtins.any (w: lib.hasInfix "key.txt (a sops-nix" w) withSecrets.warnings
    ) "warnings: ${builtins.toJSON withSecrets.warnings}")
    (expectTypeError "reservePercent above 50" { blankslate.reservePercent = 60; })
  ];

  # -------- testvm/nixos/seed-image.nix, called with vmTools stand-ins --------------
  seedImage = import ../../testvm/nixos/seed-image.nix {
    inherit lib;
    pkgs = {
      lib = lib;
      zfs = zfsPkg // { kernelModuleAttribute = "zfs_2_3"; };
      qemu_test = fakePackage "qemu";
      parted = fakePackage "parted";
      dosfstools = fakePackage "dosfstools";
      e2fsprogs = fakePackage "e2fsprogs";
      util-linux = fakePackage "util-linux";
      coreutils = fakePackage "coreutils";
      linuxPackages = {
        kernel = fakePackage "linux-6.12" // { modules = fakePackage "linux-6.12-modules"; outputs = [ "out" "modules" ]; };
        zfs_2_3 = fakePackage "zfs-kernel-2.3.2";
      };
      stdenv.hostPlatform.isx86 = true;
      stdenv.hostPlatform.system = "x86_64-linux";
      stdenv.buildPlatform.canExecute = host: host.system == "x86_64-linux";
      aggregateModules = ms: { aggregated = map (m: m.name) ms; };
      vmTools.override = overrides: {
        runInLinuxVM = drv: { inherit overrides drv; };
      };
      runCommand = name: env: script: { inherit name env script; };
    };
  };
  vmDefaultModules = [ "virtio_pci" "virtio_mmio" "virtio_blk" "virtio_balloon" "virtio_rng" "ext4" "virtiofs" "crc32c_generic" ];
  seedImageChecks = [
    (check "seed image: vmTools attaches the disk; QEMU_OPTS adds no -drive" (
      !lib.hasInfix "-drive" (seedImage.drv.env.QEMU_OPTS or "")
    ) "QEMU_OPTS = ${seedImage.drv.env.QEMU_OPTS or ""}")
    (check "seed image: the disk is $diskImage, set in preVM" (lib.hasInfix "diskImage=" seedImage.drv.env.preVM) "preVM does not set diskImage")
    (check "seed image: rootModules keeps vmTools' defaults (virtiofs for the store) and adds zfs" (
      builtins.all (m: builtins.elem m seedImage.overrides.rootModules) (vmDefaultModules ++ [ "zfs" ])
    ) "rootModules = ${builtins.toJSON seedImage.overrides.rootModules}")
    (eq "seed image: the kernel, its modules output and the zfs module are aggregated" seedImage.overrides.kernel.aggregated [
      "linux-6.12"
      "linux-6.12-modules"
      "zfs-kernel-2.3.2"
    ])
  ];

  # -------- nix/package.nix, called with a buildGoModule that returns its argument --
  # (src is a lib.fileset source and is not forced here: that would copy files.)
  pkgArgs = import ../package.nix {
    inherit lib;
    buildGoModule = args: args;
    pkg-config = fakePackage "pkg-config";
    zfs = zfsPkg;
    libuuid = fakePackage "util-linux-minimal";
    libtirpc = fakePackage "libtirpc";
    zlib = fakePackage "zlib";
    openssl = fakePackage "openssl";
  };
  packageChecks = [
    (check "package: vendorHash is a real SRI sha256" (
      builtins.match "sha256-[A-Za-z0-9+/]{43}=" pkgArgs.vendorHash != null
    ) "vendorHash = ${pkgArgs.vendorHash}")
    (eq "package: builds cmd/blankslate" pkgArgs.subPackages [ "cmd/blankslate" ])
    (eq "package: cgo on (libzfs)" pkgArgs.env.CGO_ENABLED "1")
    (eq "package: zfs and every package its .pc files require (Requires.private) are build inputs" (map (p: p.name) pkgArgs.buildInputs) [
      "zfs-user-2.3.2"
      "util-linux-minimal"
      "libtirpc"
      "zlib"
      "openssl"
    ])
    (eq "package: pkg-config is a native build input (cgo's pkg-config directive runs it)" (map (p: p.name) pkgArgs.nativeBuildInputs) [ "pkg-config" ])
    (check "package: no hand-set cgo flags, no preBuild for the vendor derivation to inherit" (
      !(pkgArgs ? preBuild) && !(pkgArgs.env ? CGO_CFLAGS) && !(pkgArgs.env ? CGO_LDFLAGS)
    ) "preBuild or CGO flags are set")
    (check "package: no static tag (nixpkgs' zfs has no .a)" (!(pkgArgs ? tags)) "tags = ${builtins.toJSON (pkgArgs.tags or null)}")
    (has "package: version stamped" pkgArgs.ldflags "-X main.version=0.1.0")
    (check "package: installs both unit files" (
      lib.hasInfix "systemd/blankslate-rollback.service" pkgArgs.postInstall
      && lib.hasInfix "systemd/blankslate-persist.service" pkgArgs.postInstall
      && lib.hasInfix "lib/systemd/system" pkgArgs.postInstall
    ) "postInstall: ${pkgArgs.postInstall}")
    (check "package: installs the audit unit (blankslate-audit.service) with the other two" (
      lib.hasInfix "systemd/blankslate-audit.service" pkgArgs.postInstall
    ) "postInstall: ${pkgArgs.postInstall}")
    (check "package: the install check reads ExecStart= of all three units" (
      lib.hasInfix "for u in blankslate-rollback blankslate-persist blankslate-audit; do" pkgArgs.installCheckPhase
    ) "installCheckPhase: ${pkgArgs.installCheckPhase}")
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
    ++ auditChecks
    ++ docChecks
    ++ assertionChecks
    ++ packageChecks
    ++ diskoChecks
    ++ syncoidChecks
    ++ movedChecks
    ++ fixtureChecks
    ++ libChecks
    ++ persistenceChecks
    ++ layoutChecks
    ++ seedImageChecks;
  failures = builtins.filter (c: !c.ok) all;

  lines =
    map (c: if c.ok then "ok - ${c.name}" else "not ok - ${c.name}: ${c.detail}") all
    ++ [
      "info - /etc/blankslate/config.json of the seed machine: ${seedJSON}"
      "info - /etc/blankslate/config.json of the custom machine: ${jsonOf custom}"
      "info - /etc/blankslate/config.json of the persistRoot example: ${nixPersistJSON}"
      "info - /etc/blankslate/config.json of the impermanence configuration tworoots: ${twoRootsJSON}"
    ]
    ++ lib.mapAttrsToList (n: c: "info - /etc/blankslate/config.json of the impermanence configuration ${n}: ${jsonOf c}") fixtures
    ++ [
      "info - ${toString (builtins.length all)} checks, ${toString (builtins.length failures)} failed"
    ];
in
if failOnError && failures != [ ] then throw (builtins.concatStringsSep "\n" lines) else lines
