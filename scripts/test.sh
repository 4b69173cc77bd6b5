#!/usr/bin/env bash
# The test command (npm test): build, get the real Pulumi CLI, pack the package as users get it, then
# run unit, integration and e2e tiers in one mocha run. Nothing is skipped: a missing CLI is an error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> build"
npm run --silent build
# Tests, benchmarks and scripts are type-checked too (mocha runs them transpile-only).
./node_modules/.bin/tsc -p tsconfig.test.json

echo "==> pulumi toolchain"
bin="$(bash scripts/pulumi-toolchain.sh | tail -n 1)"
export PULUMI_INTUNE_PULUMI_BIN="$bin"
echo "pulumi $("$bin/pulumi" version) at $bin"

echo "==> npm pack"
packdir="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-intune-pack-XXXXXX")"
trap 'rm -rf "$packdir"' EXIT
npm pack --silent --pack-destination "$packdir" >/dev/null
export PULUMI_INTUNE_TARBALL="$(ls "$packdir"/pulumi-intune-*.tgz)"

echo "==> test certificate authority"
# In-process emulators (integration tests) and Node's TLS (fetch, MSAL) must agree on one CA, and
# NODE_EXTRA_CA_CERTS is read only when node starts, so the CA exists before mocha does.
export PULUMI_INTUNE_TEST_CA_DIR="$packdir/test-ca"
node -e 'require("./dist/emulator").ensureCertificates(process.argv[1])' "$PULUMI_INTUNE_TEST_CA_DIR"
export NODE_EXTRA_CA_CERTS="$PULUMI_INTUNE_TEST_CA_DIR/ca.pem"

tiers=("test/unit/**/*.test.ts" "test/integration/**/*.test.ts" "test/e2e/**/*.test.ts")
if [ "$#" -gt 0 ]; then tiers=("$@"); fi

echo "==> mocha ${tiers[*]}"
npx mocha --config .mocharc.json --timeout 60000 "${tiers[@]}"
