#!/usr/bin/env bash
# The install tree and the dracut module, on this host (make dracut-check, part of make
# test). It fails, never skips, when something it needs is missing: make deps installs
# dracut, zfs-dracut and the 6.12 kernel's zfs module.
#
#  1. `make install DESTDIR=…` (PREFIX=/usr and PREFIX=/usr/local): exactly the binary,
#     the three units and the module, at the paths Debian and Fedora read; the initrd
#     units byte for byte those of systemd/; the audit unit and the module pointing at
#     the binary and units of their PREFIX.
#  2. `dracut --add blankslate` with the module from that tree (the host's modules plus
#     it, through dracutbasedir; the tree's paths given in a dracut.conf.d file as the
#     module documents): the image holds the binary at /usr/bin/blankslate and
#     /bin/blankslate, the configuration, the two initrd units and not the audit one,
#     and systemd, reading the unpacked image, calls both units enabled, with the
#     links of their [Install] sections.
#  3. The gate: the same dracut without --add leaves the module out (check() returns
#     255), and --add with no binary where the configuration points fails the build.
# The images are made with --hostonly --no-kernel: the kernel's drivers are not what is
# checked here (the VM tests boot images with them) and take minutes to install.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /var/tmp/blankslate-dracut-check.XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
	echo "dracut-check: FAIL: $*" >&2
	exit 1
}
pass() { echo "dracut-check: ok: $*"; }

[ "$(id -u)" = 0 ] || fail "needs root (dracut writes device nodes and runs systemctl --root)"
for tool in dracut lsinitrd systemctl cmp; do
	command -v "$tool" >/dev/null || fail "$tool is not installed (make deps installs it)"
done
[ -d /usr/lib/dracut/modules.d/90zfs ] || fail "no zfs dracut module (zfs-dracut; make deps installs it)"
kver=$(find /lib/modules -maxdepth 1 -name '6.12.*-amd64' -printf '%f\n' | sort -V | tail -n1)
[ -n "$kver" ] || fail "no 6.12 kernel in /lib/modules (make deps installs it)"

# tree_files DIR: every file and symlink beneath DIR, relative, sorted.
tree_files() { (cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | sort); }

# 1. The install tree.
check_tree() { # PREFIX BINDIR UNITDIR
	local prefix=$1 bindir=$2 unitdir=$3 dest="$work/dest${1//\//-}"
	make -s -C "$repo" install DESTDIR="$dest" PREFIX="$prefix" >"$work/install.log" 2>&1 ||
		{ cat "$work/install.log" >&2; fail "make install PREFIX=$prefix"; }
	local want got
	want=$(printf '%s\n' "${bindir#/}/blankslate" \
		"${unitdir#/}/blankslate-audit.service" \
		"${unitdir#/}/blankslate-persist.service" \
		"${unitdir#/}/blankslate-rollback.service" \
		"${unitdir#/}/systemd-machine-id-commit.service.d/blankslate.conf" \
		usr/lib/dracut/modules.d/90blankslate/module-setup.sh | sort)
	got=$(tree_files "$dest")
	[ "$got" = "$want" ] || fail "PREFIX=$prefix installed:
$got
want:
$want"
	[ -x "$dest$bindir/blankslate" ] && cmp -s "$dest$bindir/blankslate" "$repo/bin/blankslate" ||
		fail "$bindir/blankslate is not the built binary, or not executable"
	local u
	for u in blankslate-rollback.service blankslate-persist.service; do
		cmp -s "$dest$unitdir/$u" "$repo/systemd/$u" || fail "$unitdir/$u differs from systemd/$u"
	done
	grep -qx "ExecStart=$bindir/blankslate audit" "$dest$unitdir/blankslate-audit.service" ||
		fail "blankslate-audit.service does not run $bindir/blankslate"
	local mod="$dest/usr/lib/dracut/modules.d/90blankslate/module-setup.sh"
	[ -x "$mod" ] && bash -n "$mod" || fail "the installed module is not an executable bash script"
	grep -qx "blankslate_default_binary=$bindir/blankslate" "$mod" &&
		grep -qx "blankslate_default_unitdir=$unitdir" "$mod" ||
		fail "the installed module does not name $bindir/blankslate and $unitdir"
	pass "make install PREFIX=$prefix: $(echo "$got" | tr '\n' ' ')"
}
check_tree /usr/local /usr/local/bin /usr/local/lib/systemd/system
check_tree /usr /usr/bin /usr/lib/systemd/system
dest="$work/dest-usr"

# 2. dracut --add blankslate, with the module from the install tree.
base="$work/dracut"
mkdir -p "$base/modules.d"
for f in /usr/lib/dracut/*; do
	[ "${f##*/}" = modules.d ] || ln -s "$f" "$base/"
done
for m in /usr/lib/dracut/modules.d/*; do
	[ "${m##*/}" = 90blankslate ] || ln -s "$m" "$base/modules.d/"
done
ln -s "$dest/usr/lib/dracut/modules.d/90blankslate" "$base/modules.d/"
config="$work/config.json"
printf '{"pool":"rpool","dataset":"rpool/ROOT/debian","snapshot":"start","entries":[{"path":"/etc/ssh","how":"bind","type":"directory"}]}\n' >"$config"
confdir="$work/conf.d"
mkdir -p "$confdir"
cp -a /etc/dracut.conf.d/. "$confdir/" 2>/dev/null || true
cat >"$confdir/90-blankslate-check.conf" <<EOF
blankslate_binary=$dest/usr/bin/blankslate
blankslate_unitdir=$dest/usr/lib/systemd/system
blankslate_config=$config
EOF

run_dracut() { # IMAGE ARGS...
	local img=$1
	shift
	dracutbasedir="$base" dracut --force --hostonly --no-kernel --confdir "$confdir" \
		--kver "$kver" "$@" "$img" >"$img.log" 2>&1
}

start=$SECONDS
run_dracut "$work/with.img" --add blankslate ||
	{ tail -n 30 "$work/with.img.log" >&2; fail "dracut --add blankslate"; }
grep -q "Including module: blankslate" "$work/with.img.log" || fail "dracut did not include the module"
unpacked="$work/with"
mkdir -p "$unpacked"
(cd "$unpacked" && lsinitrd --unpack "$work/with.img" 2>/dev/null) || fail "lsinitrd --unpack"
cmp -s "$unpacked/usr/bin/blankslate" "$repo/bin/blankslate" || fail "the image's /usr/bin/blankslate is not the built binary"
[ "$(readlink -f "$unpacked/bin/blankslate")" = "$(readlink -f "$unpacked/usr/bin/blankslate")" ] ||
	fail "/bin/blankslate, which the units run, is not the binary in the image"
cmp -s "$unpacked/etc/blankslate/config.json" "$config" || fail "the image's /etc/blankslate/config.json is not the configuration"
for u in blankslate-rollback.service blankslate-persist.service; do
	cmp -s "$unpacked/usr/lib/systemd/system/$u" "$repo/systemd/$u" || fail "the image's $u differs from systemd/$u"
	state=$(systemctl --root "$unpacked" is-enabled "$u" 2>&1) || true
	[ "$state" = enabled ] || fail "systemctl --root <image> is-enabled $u: $state"
done
[ -z "$(find "$unpacked" -name blankslate-audit.service)" ] || fail "blankslate-audit.service is in the initrd"
links=$(cd "$unpacked/etc/systemd/system" && find . -type l -name 'blankslate-*' -printf '%P -> %l\n' | sort)
for want in initrd.target.wants/blankslate-rollback.service \
	sysroot.mount.requires/blankslate-rollback.service \
	initrd-fs.target.requires/blankslate-persist.service; do
	grep -q "^$want -> .*/${want##*/}$" <<<"$links" || fail "no link $want in the image; links:
$links"
done
pass "dracut --add blankslate ($kver, $((SECONDS - start)) s): binary, configuration, units enabled:
$links"

# 3. The gate.
start=$SECONDS
run_dracut "$work/without.img" || { tail -n 30 "$work/without.img.log" >&2; fail "dracut without --add"; }
! grep -q "Including module: blankslate" "$work/without.img.log" &&
	! lsinitrd "$work/without.img" 2>/dev/null | grep -q 'usr/bin/blankslate$' ||
	fail "dracut without --add blankslate included the module"
pass "dracut without --add leaves the module out ($((SECONDS - start)) s)"

sed -i "s|^blankslate_binary=.*|blankslate_binary=$work/no-such-binary|" "$confdir/90-blankslate-check.conf"
if run_dracut "$work/missing.img" --add blankslate; then
	fail "dracut --add blankslate built an image with no blankslate binary"
fi
grep -q "no executable $work/no-such-binary" "$work/missing.img.log" &&
	grep -q "Module 'blankslate' cannot be installed" "$work/missing.img.log" ||
	fail "dracut failed without saying that the binary is missing:
$(tail -n 5 "$work/missing.img.log")"
pass "dracut --add blankslate without the binary fails: $(grep -h -e 'no executable' -e 'cannot be installed' "$work/missing.img.log" | tr '\n' ' ')"
