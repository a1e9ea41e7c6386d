#!/usr/bin/env bash
# Parse every .nix file in the repository with `nix-instantiate --parse` (syntax only:
# nothing is evaluated or built). Exits 1 if any file fails to parse, 0 otherwise.
# Usage: nix/tests/parse-all.sh [REPO_ROOT]   (default: the repository of this script)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${1:-$(cd "$here/../.." && pwd)}
# shellcheck source=nix/tests/nix-env.sh
. "$here/nix-env.sh"
nix_env_setup

mapfile -d '' files < <(find "$root" \
	\( -name .git -o -name node_modules -o -name vendor -o -name result -o -name 'result-*' \) -prune -o \
	-type f -name '*.nix' -print0 | sort -z)

if [ "${#files[@]}" -eq 0 ]; then
	echo "parse: no .nix files under $root" >&2
	exit 1
fi

bad=0
for f in "${files[@]}"; do
	rel=${f#"$root"/}
	if out=$(nix-instantiate "${NIX_OPTS[@]}" --parse "$f" 2>&1 >/dev/null); then
		echo "parse ok   $rel"
	else
		echo "parse FAIL $rel"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
done

echo "parse: ${#files[@]} files, $bad failed"
[ "$bad" -eq 0 ]
