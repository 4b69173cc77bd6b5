#!/usr/bin/env bash
# Makes sure a working Pulumi CLI, the Node.js language host and the dynamic-provider launcher exist,
# and prints the absolute path of their bin directory as the LAST line of stdout (progress goes to stderr).
#
# Order: a `pulumi` on PATH whose version is >= the SDK's; else a cached build; else build from Go modules.
# The CLI cannot be downloaded here (no internet besides package registries), so we build it from the
# Go module proxy in a wrapper module, because the Pulumi modules carry replace directives.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "[pulumi-toolchain] $*" >&2; }

sdk_pkg="$(node -e 'console.log(require.resolve("@pulumi/pulumi/package.json"))' 2>/dev/null || true)"
[ -n "$sdk_pkg" ] || { log "@pulumi/pulumi is not installed; run npm ci first"; exit 1; }
sdk_dir="$(dirname "$sdk_pkg")"
version="$(node -p "require('$sdk_pkg').version")"
launcher="$sdk_dir/pulumi-resource-pulumi-nodejs"

# semver compare: is $1 >= $2 (x.y.z only)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# 1. A pulumi already on PATH that fits (and has its language host beside it or on PATH).
if command -v pulumi >/dev/null 2>&1; then
  onpath="$(command -v pulumi)"
  have="$(pulumi version 2>/dev/null | sed 's/^v//' || true)"
  bindir="$(cd "$(dirname "$(readlink -f "$onpath")")" && pwd)"
  if [ -n "$have" ] && version_ge "$have" "$version" && \
     { [ -x "$bindir/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null 2>&1; }; then
    if [ ! -x "$bindir/pulumi-resource-pulumi-nodejs" ] && ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
      log "pulumi $have on PATH lacks pulumi-resource-pulumi-nodejs; not using it"
    else
      log "using pulumi v$have from PATH ($onpath)"
      echo "$bindir"
      exit 0
    fi
  else
    log "pulumi on PATH (${have:-unknown version}) does not fit SDK v$version; using our own build"
  fi
fi

cache_root="${PULUMI_INTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-intune}"
dest="$cache_root/pulumi-v$version"
bin="$dest/bin"
mkdir -p "$cache_root"

# Our own language host (toolchain/langhost): rebuilt whenever its sources change.
langhost_src="$here/toolchain/langhost"
langhost_hash="$(cat "$langhost_src"/go.mod "$langhost_src"/go.sum "$langhost_src"/*.go | sha256sum | cut -c1-16)"

cli_ok() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "v$version" ]; }
langhost_ok() { [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cat "$bin/.langhost-hash" 2>/dev/null)" = "$langhost_hash" ]; }
cached_ok() { cli_ok && langhost_ok && [ -x "$bin/pulumi-resource-pulumi-nodejs" ]; }

# The checksum database has no entry for some Pulumi module versions (lookup answers 404), so those
# modules are taken on the proxy's word alone; everything else is still verified.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi"
export CGO_ENABLED=0
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"

build_langhost() {
  log "compiling pulumi-language-nodejs (toolchain/langhost)"
  (cd "$langhost_src" && go build -trimpath -ldflags "-s -w -X main.version=v$version" -o "$bin/pulumi-language-nodejs" .)
  echo "$langhost_hash" >"$bin/.langhost-hash"
}

# One build at a time per cache (CI and a developer shell may race).
exec 9>"$cache_root/.lock"
flock 9

if cli_ok && ! cached_ok; then
  # Only the language host or the launcher changed: a few seconds.
  command -v go >/dev/null 2>&1 || { log "no Go toolchain to build the language host"; exit 1; }
  langhost_ok || build_langhost
  cp "$launcher" "$bin/pulumi-resource-pulumi-nodejs" && chmod +x "$bin/pulumi-resource-pulumi-nodejs"
fi
if cached_ok; then
  log "using cached pulumi v$version ($bin)"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "no pulumi v$version on PATH and no Go toolchain to build it"; exit 1; }
start=$(date +%s)
log "building pulumi v$version from Go modules (cold build takes a while; cached afterwards in $dest)"

work="$dest/wrapper"
rm -rf "$work" && mkdir -p "$work" "$bin"
cd "$work"

# The CLI is built from pkg/v3 in a wrapper module: `go install` refuses modules with replace
# directives, so pkg's non-local ones are copied here. (sdk's replaces do not apply to the CLI build.)
go mod init local/pulumi-build >/dev/null 2>&1
gomod="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" | jq -r .GoMod)"
go mod edit -json "$gomod" | jq -r '(.Replace // [])[] | select(.New.Version != null) |
    "\(.Old.Path)\(if .Old.Version then "@"+.Old.Version else "" end)=\(.New.Path)@\(.New.Version)"' |
  while read -r r; do
    go mod edit -replace="$r"
    log "replace $r"
  done

log "resolving modules (go get)"
go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" >&2
go get "github.com/pulumi/pulumi/sdk/v3@v$version" "github.com/pulumi/pulumi/pkg/v3@v$version" >&2
go mod tidy >&2

log "compiling pulumi (the long part)"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
# Pulumi's own Node.js language host is a separate Go module that the module proxy here refuses to
# serve (403 "This module version is not available"), so we build our own against the same SDK version.
build_langhost
cp "$launcher" "$bin/pulumi-resource-pulumi-nodejs"
chmod +x "$bin/pulumi-resource-pulumi-nodejs"

cached_ok || { log "the built pulumi does not answer 'pulumi version' with v$version"; exit 1; }
log "built in $(( $(date +%s) - start )) s; binaries: $(du -sh "$bin" | cut -f1)"
echo "$bin"
