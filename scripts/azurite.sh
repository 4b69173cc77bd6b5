#!/usr/bin/env bash
# Makes sure Azurite (Microsoft's Azure Storage emulator, npm `azurite`) is installed in the cache beside
# the Pulumi toolchain and prints the path of its `azurite-blob` binary as the LAST line of stdout.
# The fleet tests keep Pulumi state in it (`azblob://` backend). 3.35.0 is the last release that runs on
# Node 20 (3.36 needs Node 21+); it is not a package dependency because only the tests need it.
set -euo pipefail
version="${AZURITE_VERSION:-3.35.0}"
cache_root="${PULUMI_INTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-intune}"
dest="$cache_root/azurite-$version"
bin="$dest/node_modules/.bin/azurite-blob"
mkdir -p "$cache_root"
exec 9>"$cache_root/.azurite.lock"
flock 9
if [ ! -x "$bin" ]; then
  echo "[azurite] installing azurite@$version into $dest (once; about 190 MB)" >&2
  rm -rf "$dest" && mkdir -p "$dest"
  (cd "$dest" && echo '{"name":"azurite-cache","private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "azurite@$version" >&2)
fi
echo "$bin"
