#!/usr/bin/env bash
# Makes sure actionlint (GitHub Actions workflow linter) is built and cached beside the Pulumi toolchain,
# and prints its absolute path as the LAST line of stdout. Like the Pulumi CLI it is built from Go modules
# (the module proxy is reachable where release downloads are not).
set -euo pipefail
version="${ACTIONLINT_VERSION:-v1.7.12}"
cache_root="${PULUMI_INTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-intune}"
dest="$cache_root/actionlint-$version"
mkdir -p "$cache_root"
exec 9>"$cache_root/.actionlint.lock"
flock 9
if [ ! -x "$dest/actionlint" ]; then
  command -v go >/dev/null 2>&1 || { echo "[actionlint] no Go toolchain to build actionlint $version" >&2; exit 1; }
  echo "[actionlint] building github.com/rhysd/actionlint/cmd/actionlint@$version (once)" >&2
  GOBIN="$dest" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
echo "$dest/actionlint"
