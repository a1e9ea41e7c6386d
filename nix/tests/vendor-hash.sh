#!/usr/bin/env bash
# Computes buildGoModule's vendorHash for nix/package.nix without a Nix build, and
# checks it against the file or writes it there.
#
# buildGoModule's goModules derivation (nixpkgs pkgs/build-support/go/module.nix) runs
# `go mod vendor` in package.nix's `src`, copies the resulting `vendor` directory to
# $out and declares it a fixed-output derivation with outputHashMode = "recursive":
# vendorHash is the SHA-256 of the NAR serialisation of that directory, written as SRI
# (sha256-<base64>). This script does the same on a copy of exactly the files
# package.nix puts in `src` (go.mod, go.sum, systemd/, and every *.go, *.c, *.h outside
# bench/), with GO111MODULE=on and GOTOOLCHAIN=local as there, and hashes the result
# twice, with `nix-hash --type sha256` and with `nix-store --dump | sha256sum`.
#
# The file set matters: `go mod vendor` vendors what every package of the main module
# imports, tests and all build tags included. bench/ holds other modules (bench/report
# with its own go.mod and gonum); copied without their go.mod they would be taken for
# packages of this module and `go mod vendor` would stop on their imports.
#
# Usage: nix/tests/vendor-hash.sh [--check | --write]
#   (none)   print the hash
#   --check  exit 1 when package.nix's vendorHash differs (make nix-check runs this)
#   --write  write the computed hash into package.nix
# Needs: go, nix-hash and nix-store (Debian's nix-bin), the Go module proxy or a
# module cache holding go.sum's modules.
# Caveat: vendor/modules.txt is written by the local go; if nixpkgs' go ever writes it
# differently, the Nix build reports "hash mismatch ... got: sha256-..." - use that.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-}
case "$mode" in "" | --check | --write) ;; *)
	echo "usage: $0 [--check | --write]" >&2
	exit 2
	;;
esac

# Go's module cache, before nix-env.sh points HOME at a temporary directory.
go_env=(GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)")

# shellcheck source=nix/tests/nix-env.sh
. "$here/nix-env.sh"
nix_env_setup

# The same set as package.nix's lib.fileset expression.
src="$NIX_TEST_TMP/src"
mkdir -p "$src"
(
	cd "$root"
	find . \( -name .git -o -name vendor -o -path ./bench \) -prune -o -type f \
		\( -name '*.go' -o -name '*.c' -o -name '*.h' -o -path ./go.mod -o -path ./go.sum -o -path './systemd/*' \) -print0 |
		cpio -0 -pdm --quiet "$src"
)

(
	cd "$src"
	env "${go_env[@]}" GO111MODULE=on GOTOOLCHAIN=local GOFLAGS= GOCACHE="$NIX_TEST_TMP/gocache" \
		go mod vendor
) || {
	echo "vendor-hash FAILED: go mod vendor on package.nix's source stopped (above)" >&2
	exit 1
}

if [ ! -d "$src/vendor" ] || [ -z "$(ls -A "$src/vendor")" ]; then
	echo "vendor-hash: no dependencies to vendor: set vendorHash = null; in nix/package.nix" >&2
	exit 1
fi

hex=$(nix-hash "${NIX_OPTS[@]}" --type sha256 "$src/vendor")
dumped=$(nix-store "${NIX_OPTS[@]}" --dump "$src/vendor" | sha256sum | cut -d' ' -f1)
if [ "$hex" != "$dumped" ]; then
	echo "vendor-hash FAILED: nix-hash says $hex, nix-store --dump | sha256sum says $dumped" >&2
	exit 1
fi
sri="sha256-$(printf '%s' "$hex" | python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.stdin.read().strip())).decode())')"

echo "info - go.sum sha256: $(sha256sum "$root/go.sum" | cut -d' ' -f1)"
echo "info - vendored modules:"
grep '^# ' "$src/vendor/modules.txt" | sed 's/^# /info -   /'
echo "info - vendorHash = \"$sri\";"

current=$(sed -n -E 's|^  vendorHash = "([^"]*)";.*|\1|p' "$root/nix/package.nix")
case "$mode" in
--check)
	if [ "$current" != "$sri" ]; then
		echo "vendor-hash FAILED: nix/package.nix has vendorHash \"${current:-(none)}\", the source vendors to \"$sri\"" >&2
		echo "  (go.mod, go.sum or the imports changed): run bash nix/tests/vendor-hash.sh --write" >&2
		exit 1
	fi
	echo "ok - nix/package.nix's vendorHash matches go mod vendor on its source"
	;;
--write)
	sed -i -E "s|^(  vendorHash = )\"[^\"]*\";|\1\"$sri\";|" "$root/nix/package.nix"
	grep -n 'vendorHash = ' "$root/nix/package.nix"
	;;
esac
