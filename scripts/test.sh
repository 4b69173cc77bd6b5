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

echo "==> fleet test tools (Azurite as the shared state backend, actionlint), cached"
bash scripts/azurite.sh >/dev/null
bash scripts/actionlint.sh >/dev/null

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

if [ "$#" -gt 0 ]; then
  echo "==> mocha $*"
  exec npx mocha --config .mocharc.json --timeout 60000 "$@"
fi

echo "==> e2e workspace (the packed package installed once, shared by the parallel e2e workers)"
export PULUMI_INTUNE_E2E_WORKSPACE="$(npx ts-node --transpile-only -P tsconfig.test.json -e 'process.stdout.write(require("./test/e2e/harness").e2eWorkspace())')"
trap 'rm -rf "$packdir" "$PULUMI_INTUNE_E2E_WORKSPACE"' EXIT

logs="$packdir/logs"
mkdir -p "$logs"
status=0
echo "==> mocha unit and integration"
npx mocha --config .mocharc.json --timeout 60000 "test/unit/**/*.test.ts" "test/integration/**/*.test.ts" | tee "$logs/serial.txt" || status=1
# e2e files are independent (each has its own emulator and stack): run them side by side.
echo "==> mocha e2e (parallel)"
npx mocha --config .mocharc.json --timeout 60000 --parallel --jobs "${E2E_JOBS:-3}" "test/e2e/**/*.test.ts" | tee "$logs/e2e.txt" || status=1

# One closing line for both runs.
sum() { grep -ho "^tests: [0-9]* passed, [0-9]* failed, [0-9]* skipped" "$logs"/*.txt | awk -v f="$1" '{ n += $f } END { print n + 0 }'; }
echo
echo "tests: $(sum 2) passed, $(sum 4) failed, $(sum 6) skipped"
exit "$status"
