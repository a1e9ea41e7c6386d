# Sourced by the scripts in nix/tests: how to run Debian's nix-bin (nix-instantiate)
# as root without a Nix daemon, without /nix, and without writing outside a temporary
# directory.
#
#  - `--store $dir` makes a local store rooted in a temporary directory (a "chroot
#    store"), so evaluation never needs /nix, a daemon (NIX_REMOTE is cleared) or the
#    nixbld group; `--readonly-mode` keeps even that store empty (paths are hashed,
#    not copied).
#  - `build-users-group =` silences "the group 'nixbld' ... does not exist" on machines
#    where nix-bin is installed but no build users exist.
#  - `experimental-features =` keeps newer Nix from requiring feature flags for the
#    plain evaluation used here.

nix_env_setup() {
	if ! command -v nix-instantiate >/dev/null 2>&1; then
		echo "nix-instantiate not found: install Debian's nix-bin (apt-get install -y nix-bin)" >&2
		return 1
	fi
	NIX_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/blankslate-nix.XXXXXX")
	trap 'rm -rf "$NIX_TEST_TMP"' EXIT
	unset NIX_REMOTE NIX_PATH
	export NIX_STATE_DIR="$NIX_TEST_TMP/state"
	export NIX_LOG_DIR="$NIX_TEST_TMP/log"
	export NIX_CONF_DIR="$NIX_TEST_TMP/conf"
	export HOME="$NIX_TEST_TMP/home"
	mkdir -p "$NIX_STATE_DIR" "$NIX_LOG_DIR" "$NIX_CONF_DIR" "$HOME"
	NIX_OPTS=(
		--store "$NIX_TEST_TMP/store"
		--readonly-mode
		--option build-users-group ''
		--option experimental-features ''
	)
}
