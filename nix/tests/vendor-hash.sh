#!/usr/bin/env bash
# Compute buildGoModule's vendorHash for nix/package.nix without a Nix build, and
# optionally write it into the file.
#
# buildGoModule's goModules derivation (nixpkgs pkgs/build-support/go/module.nix) runs
# `go mod vendor` in the source and stores the resulting `vendor` directory as a
# fixed-output derivation with outputHashMode = "recursive": vendorHash is the SHA-256
# of the NAR serialisation of that directory. This script does the same on a copy of
# exactly the files package.nix puts in `src` (go.mod, go.sum, *.go, *.c, *.h), with
# GO111MODULE=on and GOTOOLCHAIN=local as there, and hashes it with `nix-store --dump`.
#
# Usage: nix/tests/vendor-hash.sh [--write]
# Needs: go, nix-store (Debian's nix-bin), network access to the Go module proxy.
# Caveat: vendor/modules.txt is written by the local go; if nixpkgs' go writes it
# differently, the Nix build reports "hash mismatch ... got: sha256-..." - use that.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=nix/tests/nix-env.sh
. "$here/nix-env.sh"
nix_env_setup

src="$NIX_TEST_TMP/src"
mkdir -p "$src"
(
	cd "$root"
	find . \( -name .git -o -name vendor \) -prune -o -type f \
		\( -name '*.go' -o -name '*.c' -o -name '*.h' -o -path ./go.mod -o -path ./go.sum \) -print0 |
		cpio -0 -pdm --quiet "$src"
)

(
	cd "$src"
	export GO111MODULE=on GOTOOLCHAIN=local GOFLAGS=
	export GOPATH="$NIX_TEST_TMP/gopath" GOCACHE="$NIX_TEST_TMP/gocache"
	go mod vendor
)

if [ ! -d "$src/vendor" ] || [ -z "$(ls -A "$src/vendor")" ]; then
	echo "no dependencies to vendor: set vendorHash = null; in nix/package.nix" >&2
	exit 1
fi

hex=$(nix-store "${NIX_OPTS[@]}" --dump "$src/vendor" | sha256sum | cut -d' ' -f1)
sri="sha256-$(printf '%s' "$hex" | python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.stdin.read().strip())).decode())')"

echo "go.sum sha256: $(sha256sum "$root/go.sum" | cut -d' ' -f1)"
echo "vendored modules:"
grep '^# ' "$src/vendor/modules.txt" | sed 's/^# /  /'
echo "vendorHash = \"$sri\";"

if [ "${1:-}" = "--write" ]; then
	sed -i -E "s|^(  vendorHash = )\"[^\"]*\";|\1\"$sri\";|" "$root/nix/package.nix"
	grep -n 'vendorHash = ' "$root/nix/package.nix"
fi
