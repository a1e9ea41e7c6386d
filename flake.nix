{
  description = "blankslate: roll a ZFS root back to a blank snapshot at every boot, keep only what you declare";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      # The units, the NixOS module and the VM test are Linux-only; the VM test needs
      # KVM, so only x86_64-linux is offered.
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
    in
    {
      packages.${system} = {
        default = self.packages.${system}.blankslate;
        # Built against nixpkgs' default zfs. On a NixOS machine the module builds it
        # against config.boot.zfs.package instead (see nix/module.nix).
        blankslate = pkgs.callPackage ./nix/package.nix { };
      };

      overlays.default = final: _prev: {
        blankslate = final.callPackage ./nix/package.nix { };
      };

      nixosModules.default = ./nix/module.nix;
      nixosModules.blankslate = ./nix/module.nix;

      checks.${system} = {
        package = self.packages.${system}.blankslate;
        # Boots a ZFS-root VM with the seed layout several times (testvm/nixos).
        nixos-vm = import ./testvm/nixos {
          inherit pkgs;
          blankslateModule = self.nixosModules.default;
        };
        # The module evaluated against this nixpkgs' lib with stand-in options, the
        # same test that runs without Nix builds via nix/tests/run-eval.sh.
        module-eval = pkgs.runCommand "blankslate-module-eval" { } ''
          cat ${
            pkgs.writeText "eval-report" (
              builtins.concatStringsSep "\n" (
                import ./nix/tests/eval.nix {
                  lib = nixpkgs.lib;
                  failOnError = true;
                }
              )
            )
          }
          touch $out
        '';
      };

      devShells.${system}.default = pkgs.mkShell {
        inputsFrom = [ self.packages.${system}.blankslate ];
        packages = [
          pkgs.go
          pkgs.gopls
          pkgs.nixfmt
        ];
      };

      formatter.${system} = pkgs.nixfmt-tree;
    };
}
