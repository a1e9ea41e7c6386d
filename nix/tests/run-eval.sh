#!/usr/bin/env bash
# Evaluation test of the NixOS module (nix/tests/eval.nix) against nixpkgs' lib, with
# Debian's nix-bin and nothing built.
#
# Usage: nix/tests/run-eval.sh [LIB]
#   LIB (or $NIXPKGS_LIB) is any of:
#     - nixpkgs' lib directory (the one holding default.nix, modules.nix, types.nix);
#     - a checkout of nixpkgs or of nix-community/nixpkgs.lib (holding lib/);
#     - a bare git repository of either (its HEAD's lib/ is extracted to a temp dir).
#   Get one with: git clone --depth 1 https://github.com/nix-community/nixpkgs.lib
#   (never commit it to this repository).
#
#   With no LIB, nix/tests/lib is used: this project's stand-in for the part of
#   nixpkgs' lib the module and the test use (see its header), so that the test runs
#   wherever Debian's nix-bin does, CI included. A real lib is preferred when given.
#
# Exit status: 0 when every check passed; 1 when a check failed or the module did not
# evaluate; 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
libarg=${1:-${NIXPKGS_LIB:-}}


# Go's caches, before nix-env.sh points HOME at a temporary directory.
go_env=()
if command -v go >/dev/null 2>&1; then
	go_env=(GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOPATH="$(go env GOPATH)")
fi

# shellcheck source=nix/tests/nix-env.sh
. "$here/nix-env.sh"
nix_env_setup

if [ -z "$libarg" ]; then
	lib="$here/lib"
	echo "info - lib: the stand-in in nix/tests/lib (no nixpkgs lib given)"
elif [ -f "$libarg/modules.nix" ] && [ -f "$libarg/default.nix" ]; then
	lib=$(cd "$libarg" && pwd)
elif [ -f "$libarg/lib/modules.nix" ]; then
	lib=$(cd "$libarg/lib" && pwd)
elif git --git-dir="$libarg" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	mkdir -p "$NIX_TEST_TMP/lib-src"
	git --git-dir="$libarg" archive HEAD lib | tar -x -C "$NIX_TEST_TMP/lib-src"
	lib="$NIX_TEST_TMP/lib-src/lib"
	echo "info - lib extracted from $libarg at $(git --git-dir="$libarg" rev-parse --short HEAD)"
else
	echo "run-eval: $libarg is neither nixpkgs' lib, a checkout holding lib/, nor a git repository" >&2
	exit 2
fi
[ "$lib" = "$here/lib" ] || echo "info - nixpkgs lib $(cat "$lib/.version" 2>/dev/null || echo '(no .version)') from $lib"

if ! json=$(nix-instantiate "${NIX_OPTS[@]}" --eval --strict --json \
	--arg lib "import $lib" "$here/eval.nix" 2>"$NIX_TEST_TMP/stderr"); then
	cat "$NIX_TEST_TMP/stderr" >&2
	echo "eval test FAILED: the module did not evaluate" >&2
	exit 1
fi
# Warnings that evaluation printed (e.g. deprecations in lib) are shown, not fatal.
if [ -s "$NIX_TEST_TMP/stderr" ]; then sed 's/^/stderr: /' "$NIX_TEST_TMP/stderr" >&2; fi

if command -v jq >/dev/null 2>&1; then
	report=$(printf '%s' "$json" | jq -r '.[]')
elif command -v python3 >/dev/null 2>&1; then
	report=$(printf '%s' "$json" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
else
	echo "run-eval: need jq or python3 to read the result" >&2
	exit 2
fi

# The JSON the module writes must be what the binary accepts: feed the generated files
# to the binary's own parser (config.Parse) when Go is available.
if command -v go >/dev/null 2>&1; then
	jc="$NIX_TEST_TMP/jsoncheck"
	mkdir -p "$jc"
	printf '%s\n' "$report" | sed -n 's/^info - \/etc\/blankslate\/config.json of the seed machine: //p' >"$jc/seed"
	printf '%s\n' "$report" | sed -n 's/^info - \/etc\/blankslate\/config.json of the custom machine: //p' >"$jc/custom"
	printf '%s\n' "$report" | sed -n 's/^info - \/etc\/blankslate\/config.json of the persistRoot example: //p' >"$jc/persistRoot-example"
	# the impermanence configurations (nix/tests/impermanence), renamed only
	fixtures=()
	for n in $(printf '%s\n' "$report" | sed -n 's/^info - \/etc\/blankslate\/config.json of the impermanence configuration \([a-z]*\): .*/\1/p'); do
		printf '%s\n' "$report" | sed -n "s/^info - \/etc\/blankslate\/config.json of the impermanence configuration $n: //p" >"$jc/impermanence-$n"
		fixtures+=("impermanence-$n")
	done
	[ "${#fixtures[@]}" -ge 4 ] || report+=$'\n'"not ok - expected 4 impermanence configurations, found ${#fixtures[@]}"
	cat >"$jc/go.mod" <<EOF
module jsoncheck
go 1.21
require github.com/blankslate/blankslate v0.0.0
replace github.com/blankslate/blankslate => $(cd "$here/../.." && pwd)
EOF
	cat >"$jc/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"
	"reflect"

	"github.com/blankslate/blankslate/config"
)

func main() {
	for _, f := range os.Args[1:] {
		data, err := os.ReadFile(f)
		if err == nil {
			_, err = config.Parse(data)
		}
		if err != nil {
			fmt.Printf("not ok - the binary's config.Parse rejects the %s configuration: %v\n", f, err)
			continue
		}
		fmt.Printf("ok - the binary's config.Parse accepts the %s configuration\n", f)
	}
	c, _ := config.Parse(mustRead("seed"))
	if c != nil && c.KeepRoots() != 1 {
		fmt.Println("not ok - the seed machine does not keep the previous root (keep.roots 1)")
	}
	if c != nil {
		c.Layout = nil // the module always writes one; the built-in default has none
		c.Keep = nil   // the module keeps one previous root by default; the binary none
	}
	if c != nil && reflect.DeepEqual(c, config.Default()) {
		fmt.Println("ok - the seed machine's configuration equals the binary's built-in default")
	} else {
		fmt.Println("not ok - the seed machine's configuration differs from the binary's built-in default")
	}
}

func mustRead(f string) []byte { b, _ := os.ReadFile(f); return b }
EOF
	if goout=$(cd "$jc" && env "${go_env[@]}" GOFLAGS=-mod=mod GOWORK=off go run . seed custom persistRoot-example "${fixtures[@]}" 2>"$jc/go.err"); then
		report+=$'\n'"$goout"
	else
		report+=$'\n'"not ok - could not run the binary's parser: $(tail -3 "$jc/go.err" | tr '\n' ' ')"
	fi
else
	report+=$'\n'"info - go not found: the generated JSON was not fed to the binary's parser"
fi

printf '%s\n' "$report"
failed=$(printf '%s\n' "$report" | grep -c '^not ok' || true)
passed=$(printf '%s\n' "$report" | grep -c '^ok' || true)
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
	echo "eval test FAILED: $failed of $((passed + failed)) checks failed"
	exit 1
fi
echo "eval test PASSED: $passed checks"
