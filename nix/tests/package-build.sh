#!/usr/bin/env bash
# Builds nix/package.nix's derivation the way buildGoModule would, without Nix: its
# attributes (buildInputs, nativeBuildInputs, env, ldflags, subPackages, tags,
# preBuild, postInstall, checkPhase, installCheckPhase) are read from package.nix
# itself with nix-instantiate --eval, and run with Debian's Go against a temporary tree
# shaped like nixpkgs' outputs:
#
#   zfs.dev/include/libzfs, include/libspl          (Debian's headers)
#   zfs.dev/lib/pkgconfig/libzfs.pc, libzfs_core.pc  with nixpkgs' real Requires.private:
#       libzfs:      libcrypto zlib                  (openzfs lib/libzfs/libzfs.pc.in)
#       libzfs_core: blkid uuid libtirpc zlib        (lib/libzfs_core/libzfs_core.pc.in)
#   zfs.out/lib/libzfs.so ...                        (Debian's shared libraries)
#   libuuid.dev/lib/pkgconfig/{blkid,uuid}.pc, libtirpc.dev/.../libtirpc.pc,
#   zlib.dev/.../zlib.pc, openssl.dev/.../{libcrypto,libssl,openssl}.pc
#
# pkg-config sees only the .pc directories of the packages package.nix lists as build
# inputs (PKG_CONFIG_LIBDIR, as nixpkgs' pkg-config setup hook gives it, with no system
# directory), so a missing build input fails here as it fails in Nix.
#
# Usage: nix/tests/package-build.sh [--self-test] [LIB]
#   LIB: nixpkgs' lib (as for run-eval.sh); default: the stand-in nix/tests/lib.
#   --self-test: also proves the check bites: the build must FAIL when libtirpc.pc
#   (a Requires.private of libzfs_core.pc) is missing, and when a phase hides a
#   pkg-config failure behind `export X="$(...)"`.
# Exit status: 0 built, tested and checked; 1 any failure (never a silent skip).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
selftest=0
if [ "${1:-}" = "--self-test" ]; then
	selftest=1
	shift
fi
libarg=${1:-${NIXPKGS_LIB:-}}

fail() {
	echo "package-build FAILED: $*" >&2
	exit 1
}

for tool in go pkg-config gcc python3; do
	command -v "$tool" >/dev/null || fail "$tool not found (make deps installs it)"
done
for f in /usr/include/libzfs/libzfs.h /usr/include/libspl/sys/types.h; do
	[ -e "$f" ] || fail "$f missing: install libzfslinux-dev (make deps)"
done
for pc in blkid uuid libtirpc zlib libcrypto; do
	pkg-config --exists "$pc" || fail "Debian's $pc.pc missing (libblkid-dev uuid-dev libtirpc-dev zlib1g-dev libssl-dev; make deps)"
done

go_env=(GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOPATH="$(go env GOPATH)")

# shellcheck source=nix/tests/nix-env.sh
. "$here/nix-env.sh"
nix_env_setup

if [ -z "$libarg" ]; then
	lib="$here/lib"
elif [ -f "$libarg/modules.nix" ]; then
	lib=$(cd "$libarg" && pwd)
elif [ -f "$libarg/lib/modules.nix" ]; then
	lib=$(cd "$libarg/lib" && pwd)
else
	fail "$libarg is not nixpkgs' lib"
fi

# ------------------------------------------------------------ the derivation ----
# package.nix called with stand-in packages whose paths name them; only attributes
# that exist are printed.
attrs_json=$(nix-instantiate "${NIX_OPTS[@]}" --eval --strict --json --expr "
  let
    lib = import $lib;
    fake = name: { type = \"derivation\"; inherit name; outPath = \"@\" + name + \"@\"; };
    a = import $root/nix/package.nix {
      inherit lib;
      buildGoModule = args: args;
      pkg-config = fake \"pkg-config\";
      zfs = fake \"zfs\";
      libuuid = fake \"libuuid\";
      libtirpc = fake \"libtirpc\";
      zlib = fake \"zlib\";
      openssl = fake \"openssl\";
    };
    keep = [ \"buildInputs\" \"nativeBuildInputs\" \"env\" \"ldflags\" \"subPackages\" \"tags\"
             \"preBuild\" \"postBuild\" \"postInstall\" \"checkPhase\" \"installCheckPhase\" \"doCheck\" \"version\" ];
  in
  builtins.mapAttrs (n: v: if n == \"buildInputs\" || n == \"nativeBuildInputs\" then map (p: p.name) v else v)
    (lib.filterAttrs (n: _: builtins.elem n keep) a)
") || fail "nix/package.nix did not evaluate"

get() { printf '%s' "$attrs_json" | python3 -c "import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print(v if isinstance(v,str) else ('' if v is None else ' '.join(v) if isinstance(v,list) else json.dumps(v)))" "$1"; }
build_inputs=$(get buildInputs)
native_inputs=$(get nativeBuildInputs)
cgo=$(printf '%s' "$attrs_json" | python3 -c "import json,sys; print(json.load(sys.stdin).get('env',{}).get('CGO_ENABLED',''))")
echo "info - buildInputs: $build_inputs; nativeBuildInputs: $native_inputs; CGO_ENABLED=$cgo"
[ "$cgo" = 1 ] || fail "env.CGO_ENABLED is not \"1\": libzfs needs cgo"
case " $native_inputs " in *" pkg-config "*) ;; *) fail "pkg-config is not in nativeBuildInputs" ;; esac

# A phase that hides a command's exit status: `export X="$(cmd)"` or `local X=$(cmd)`
# succeed even when cmd fails, under set -e too.
for phase in preBuild postBuild postInstall checkPhase installCheckPhase; do
	if get "$phase" | grep -nE '^\s*(export|local|declare|readonly)\s+[A-Za-z_][A-Za-z0-9_]*=.*\$\(' >/dev/null; then
		fail "$phase hides a command's exit status (export/local VAR=\$(...)): assign first, then export"
	fi
done

# The go.sum hash cited next to vendorHash is the one in the tree.
cited=$(grep -oE 'go\.sum sha256 [0-9a-f]{64}' "$root/nix/package.nix" | awk '{print $3}' || true)
actual=$(sha256sum "$root/go.sum" | cut -d' ' -f1)
[ "$cited" = "$actual" ] || fail "nix/package.nix cites go.sum sha256 ${cited:-(none)}, go.sum is $actual: run nix/tests/vendor-hash.sh and update the comment"

# ------------------------------------------------------- the fake nixpkgs tree ----
tree="$NIX_TEST_TMP/tree"
debpc=/usr/lib/x86_64-linux-gnu/pkgconfig
mkdir -p "$tree"/{zfs.dev/include,zfs.dev/lib/pkgconfig,zfs.out/lib}
ln -s /usr/include/libzfs "$tree/zfs.dev/include/libzfs"
ln -s /usr/include/libspl "$tree/zfs.dev/include/libspl"
for l in libzfs libzfs_core libnvpair libuutil; do
	for f in /lib/x86_64-linux-gnu/"$l".so*; do ln -s "$f" "$tree/zfs.out/lib/"; done
done
zver=$(pkg-config --modversion libzfs 2>/dev/null || echo 2.3)
write_pc() { # name requires-private libs
	cat >"$tree/zfs.dev/lib/pkgconfig/$1.pc" <<EOF
prefix=$tree/zfs.out
libdir=$tree/zfs.out/lib
includedir=$tree/zfs.dev/include

Name: $1
Description: $1 (nixpkgs-shaped stand-in for package-build.sh)
Version: $zver
$4
Requires.private: $2
Cflags: -I\${includedir}/libzfs -I\${includedir}/libspl
Libs: -L\${libdir} $3
EOF
}
write_pc libzfs "libcrypto zlib" "-lzfs -lnvpair" "Requires: libzfs_core"
write_pc libzfs_core "blkid uuid libtirpc zlib" "-lzfs_core -lnvpair" ""
dep_pc() { # package pc...
	local pkg=$1
	shift
	mkdir -p "$tree/$pkg.dev/lib/pkgconfig"
	for pc in "$@"; do cp "$debpc/$pc.pc" "$tree/$pkg.dev/lib/pkgconfig/"; done
}
dep_pc libuuid blkid uuid
dep_pc libtirpc libtirpc
dep_pc zlib zlib
dep_pc openssl libcrypto libssl openssl

# ------------------------------------------------------------------ the build ----
src="$NIX_TEST_TMP/src"
mkdir -p "$src"
(
	cd "$root"
	find . \( -name .git -o -name vendor -o -path ./bench \) -prune -o -type f \
		\( -name '*.go' -o -name '*.c' -o -name '*.h' -o -path ./go.mod -o -path ./go.sum -o -path './systemd/*' \) -print0 |
		cpio -0 -pdm --quiet "$src"
)
(cd "$src" && env "${go_env[@]}" GOFLAGS= GOTOOLCHAIN=local go mod vendor) || fail "go mod vendor"

# Runs the derivation's phases in a clean bash, as stdenv would (set -eu -o pipefail).
# $1: a label; $2: a .pc file to remove first (self-test), or "".
run_build() {
	local label=$1 drop=$2 out="$NIX_TEST_TMP/out-$1"
	if [ -n "$drop" ]; then
		find "$tree" -name "$drop.pc" -delete
	fi
	local pcpath=""
	for p in $build_inputs; do
		[ -d "$tree/$p.dev/lib/pkgconfig" ] && pcpath+="${pcpath:+:}$tree/$p.dev/lib/pkgconfig"
	done
	mkdir -p "$out"
	(
		cd "$src"
		env -i PATH="$PATH" HOME="$NIX_TEST_TMP/home" "${go_env[@]}" \
			PKG_CONFIG_LIBDIR="$pcpath" PKG_CONFIG_PATH= \
			CGO_ENABLED="$cgo" GOFLAGS="-mod=vendor -trimpath" GOTOOLCHAIN=local GOPROXY=off \
			out="$out" GOBIN="$out/bin" \
			ldflags="$(get ldflags)" tags="$(get tags)" subPackages="$(get subPackages)" \
			preBuild="$(get preBuild)" postInstall="$(get postInstall)" \
			checkPhase="$(get checkPhase)" installCheckPhase="$(get installCheckPhase)" \
			bash -c '
set -eu -o pipefail
runHook() { :; }
echo "pkg-config (what cgo'"'"'s pkg-config directive runs): $(pkg-config --cflags --libs libzfs libzfs_core)" || exit 1
pkg-config --cflags --libs libzfs libzfs_core >/dev/null
eval "$preBuild"
for p in $subPackages; do
	go install -p 4 ${tags:+-tags=${tags// /,}} -ldflags="$ldflags -buildid=" "./$p"
done
eval "$postInstall"
eval "$checkPhase"
eval "$installCheckPhase"
'
	) >"$NIX_TEST_TMP/$label.log" 2>&1
}

if ! run_build build ""; then
	tail -40 "$NIX_TEST_TMP/build.log" >&2
	fail "the build of nix/package.nix against the nixpkgs-shaped tree failed (log above)"
fi
grep -E '^(pkg-config|ok|FAIL|---)' "$NIX_TEST_TMP/build.log" | head -40
echo "ok - nix/package.nix builds, tests and installs against nixpkgs-shaped zfs outputs"

if [ "$selftest" = 1 ]; then
	if run_build no-tirpc libtirpc; then
		fail "self-test: the build passed although libtirpc.pc (Requires.private of libzfs_core.pc) was missing"
	fi
	grep -m1 -i 'libtirpc' "$NIX_TEST_TMP/no-tirpc.log" | sed 's/^/    /' || true
	echo "ok - self-test: without libtirpc.pc the build fails, as it does in Nix"
	hidden=$(mktemp "$NIX_TEST_TMP/hidden.XXXX")
	printf 'preBuild = "export CGO_CFLAGS=\\"$(pkg-config --cflags libzfs)\\"";\n' >"$hidden"
	if printf '%s\n' "$(cat "$hidden")" | sed 's/^preBuild = "//; s/";$//; s/\\"/"/g' |
		grep -qE '^\s*(export|local|declare|readonly)\s+[A-Za-z_][A-Za-z0-9_]*=.*\$\('; then
		echo "ok - self-test: a preBuild like export CGO_CFLAGS=\"\$(pkg-config ...)\" is refused"
	else
		fail "self-test: the hidden-exit-status pattern is not recognised"
	fi
fi
echo "package-build PASSED"
