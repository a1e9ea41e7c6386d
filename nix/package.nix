# The blankslate binary and its three units: the two that run in the initrd
# (blankslate-rollback, blankslate-persist) and the one that runs in the booted system
# (blankslate-audit).
#
# Linking: dynamic, on purpose. The project's static build (`-tags static`, see
# internal/zfs/libzfs/link_static.go) links Debian's libzfs.a and friends; nixpkgs' zfs is
# built by stdenv with --disable-static and ships no .a archives, so a static Nix build
# would need an overridden zfs (and static libtirpc, libblkid, libudev ...). None of
# that is needed:
# NixOS's systemd initrd builder (make-initrd-ng) copies every binary named in
# boot.initrd.systemd.extraBin together with the shared libraries it is linked against,
# the same way it brings zpool and zfs (nixpkgs nixos/modules/system/boot/systemd/
# initrd.nix, nixos/modules/tasks/filesystems/zfs.nix). The `static` build tag of
# internal/zfs/libzfs is therefore not set here, and only cgo.go's
# `#cgo pkg-config: libzfs libzfs_core` applies.
#
# libzfs must match the kernel module: the NixOS module calls this file with
# `zfs = config.boot.zfs.package`, the same package that provides the initrd's zpool/zfs
# and selects the kernel module (boot.zfs.modulePackage).
#
# cgo flags: the binding asks pkg-config itself (`#cgo pkg-config: libzfs libzfs_core`),
# so nothing here sets CGO_CFLAGS or CGO_LDFLAGS. pkg-config must be able to resolve
# both .pc files completely: nixpkgs' zfs installs them in its `dev` output with
# `Requires.private` naming blkid and uuid (util-linux's libuuid), libtirpc, zlib and
# libcrypto (openssl) - openzfs lib/libzfs/libzfs.pc.in and
# lib/libzfs_core/libzfs_core.pc.in - and propagates none of them, so each is listed in
# buildInputs below; without one, `pkg-config --cflags libzfs` exits 1 and cgo stops.
# nix/tests/package-build.sh runs this file's build against a tree shaped like those
# outputs, with the real Requires.private, and fails when one is missing.
#
# The vendor derivation (buildGoModule's goModules) only runs `go mod vendor`: it
# compiles nothing, needs no C library and inherits no buildInputs, and there is no
# preBuild here for it to inherit (nixpkgs pkgs/build-support/go/module.nix).
#
# vendorHash: the NAR sha256 of the `vendor` directory that `go mod vendor` writes, which
# is what buildGoModule's goModules fixed-output derivation produces
# (nixpkgs pkgs/build-support/go/module.nix: `go mod vendor`, then `cp -r vendor $out`,
# outputHashMode = "recursive"). It depends on go.mod, go.sum and on which packages the
# code imports. `make nix-check` recomputes it (nix/tests/vendor-hash.sh --check) and
# fails when this file disagrees; `bash nix/tests/vendor-hash.sh --write` updates it. On
# a machine with Nix, a wrong hash also makes the build print the right one.
{
  lib,
  buildGoModule,
  pkg-config,
  zfs,
  libuuid,
  libtirpc,
  zlib,
  openssl,
  version ? "0.1.0",
}:

buildGoModule {
  pname = "blankslate";
  inherit version;

  # Only what the build reads, so that editing the NixOS test or the README does not
  # rebuild the binary. bench/ is left out: its Go is another module (bench/report,
  # gonum for the plots) and its C the benchmark's guest helpers; with only the top
  # go.mod in the source, `go mod vendor` would take bench/report for a package of
  # this module and fail on its imports.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../go.mod
      ../go.sum
      ../systemd
      (lib.fileset.difference (lib.fileset.fileFilter (
        f: f.hasExt "go" || f.hasExt "c" || f.hasExt "h"
      ) ../.) ../bench)
    ];
  };

  # Matches go.sum sha256 cb32c63b40b497bceba2d3ec113a2a301311a78d7b32da7f08535beb7645de6c
  # (coreos/go-systemd/v22 v22.7.0, sirupsen/logrus v1.10.2, golang.org/x/sys v0.35.0)
  # and the imports of the tree; computed and checked by nix/tests/vendor-hash.sh.
  vendorHash = "sha256-UjlqoUqnTTvXe9mbZM1EceGsh6u7h7zM6njic8WIvR8=";

  subPackages = [ "cmd/blankslate" ];

  env.CGO_ENABLED = "1";
  nativeBuildInputs = [ pkg-config ];
  # zfs first (its dev output holds libzfs.pc and libzfs_core.pc), then every package
  # that those files name in Requires.private: libuuid (blkid.pc and uuid.pc),
  # libtirpc, zlib, openssl (libcrypto.pc).
  buildInputs = [
    zfs
    libuuid
    libtirpc
    zlib
    openssl
  ];

  ldflags = [
    "-s"
    "-w"
    "-X main.version=${version}"
  ];

  # The unit files are installed unchanged (no path is substituted): their
  # ExecStart=/bin/blankslate is satisfied in the initrd by the NixOS module (extraBin)
  # and by dracut's /bin -> usr/bin. The booted NixOS system has no /bin/blankslate, so
  # for blankslate-audit.service the module replaces ExecStart= with this package's
  # bin/blankslate in a drop-in (nix/module.nix).
  postInstall = ''
    install -Dm444 -t $out/lib/systemd/system \
      systemd/blankslate-rollback.service systemd/blankslate-persist.service \
      systemd/blankslate-audit.service
  '';

  # Unit tests of every package, except two that cannot run in the Nix sandbox:
  #  - testvm/ boots qemu with real ZFS;
  #  - mounts/ mounts file systems and must run as root (its TestMain re-executes
  #    itself in a private mount namespace, and its tests fail when not root); the
  #    sandbox's build user is not root. `make test` runs both on Debian.
  # (buildGoModule's default check phase would only test subPackages.)
  checkPhase = ''
    runHook preCheck
    export GOFLAGS=''${GOFLAGS//-trimpath/}
    go test -vet=off $(go list ./... | grep -v -e '/testvm' -e '/mounts$')
    runHook postCheck
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/blankslate version | grep -F ${lib.escapeShellArg version}
    for u in blankslate-rollback blankslate-persist blankslate-audit; do
      grep -q '^ExecStart=/bin/blankslate ' $out/lib/systemd/system/$u.service
    done
    runHook postInstallCheck
  '';

  meta = {
    description = "Rolls a ZFS root back to a blank snapshot in the systemd initrd and re-attaches declared paths";
    homepage = "https://github.com/blankslate/blankslate";
    mainProgram = "blankslate";
    platforms = lib.platforms.linux;
  };
}
