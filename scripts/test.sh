#!/usr/bin/env bash
# The test command (npm test): build, get the real Pulumi CLI, pack the package as users get it, then
# run unit, integration and e2e tiers in one mocha run. Nothing is skipped: a missing CLI is an error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Tests, benchmarks and scripts are type-checked too (mocha runs them transpile-only). The check runs
# beside the build and the steps after it (it needs a core for half a minute, the build needs the other,
# and nothing waits for it); its result is read before the e2e tier starts.
typecheck_log="$(mktemp "${TMPDIR:-/tmp}/pulumi-intune-typecheck-XXXXXX")"
./node_modules/.bin/tsc -p tsconfig.test.json >"$typecheck_log" 2>&1 &
typecheck_pid=$!

echo "==> build"
npm run --silent build

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

typecheck_passed() {
  echo "==> type check of tests, benchmarks and scripts"
  if ! wait "$typecheck_pid"; then cat "$typecheck_log"; rm -f "$typecheck_log"; return 1; fi
  rm -f "$typecheck_log"
}

if [ "$#" -gt 0 ]; then
  typecheck_passed || exit 1
  echo "==> mocha $*"
  exec npx mocha --config .mocharc.json --timeout 60000 "$@"
fi

logs="$packdir/logs"
mkdir -p "$logs"
status=0
# The unit and integration tier runs beside everything that follows: it waits on sockets, timers and child
# processes more than it computes, so on two cores it fits into the gaps of the workspace install and the
# e2e tier. It needs neither the packed package nor the e2e workspace. Its output follows the e2e's.
echo "==> mocha unit and integration (beside the rest; its output follows)"
# Its own process group (setsid), so that a failed type check can stop all of it.
setsid ./node_modules/.bin/mocha --config .mocharc.json --timeout 60000 "test/unit/**/*.test.ts" "test/integration/**/*.test.ts" >"$logs/serial.txt" 2>&1 &
serial_pid=$!

echo "==> e2e workspace (the packed package installed once, shared by the parallel e2e workers)"
export PULUMI_INTUNE_E2E_WORKSPACE="$(npx ts-node --transpile-only -P tsconfig.test.json -e 'process.stdout.write(require("./test/e2e/harness").e2eWorkspace())')"
trap 'rm -rf "$packdir" "$PULUMI_INTUNE_E2E_WORKSPACE"' EXIT

# A type error fails the run before the e2e tier starts (and stops the tier already running).
if ! typecheck_passed; then
  kill -- "-$serial_pid" 2>/dev/null || true
  wait "$serial_pid" 2>/dev/null || true
  exit 1
fi
# e2e files are independent (each has its own emulator and stack): run them side by side, the longest
# first (measured), so that no long file starts last and runs alone; any file not listed follows.
slowest_first=(emailProfiles assignments fleet faultMatrix scopeTag secureEmail.schema tenantTruth.sparse tenantTruth.live policy review drift secureEmail.live export)
e2e_files=()
for name in "${slowest_first[@]}"; do e2e_files+=("test/e2e/$name.e2e.test.ts"); done
shopt -s globstar
for f in test/e2e/**/*.test.ts; do [[ " ${e2e_files[*]} " == *" $f "* ]] || e2e_files+=("$f"); done
echo "==> mocha e2e (parallel)"
npx mocha --config .mocharc.json --timeout 60000 --parallel --jobs "${E2E_JOBS:-3}" "${e2e_files[@]}" | tee "$logs/e2e.txt" || status=1
wait "$serial_pid" || status=1
echo
echo "==> mocha unit and integration: output"
cat "$logs/serial.txt"

# One closing line for both runs.
sum() { grep -ho "^tests: [0-9]* passed, [0-9]* failed, [0-9]* skipped" "$logs"/*.txt | awk -v f="$1" '{ n += $f } END { print n + 0 }'; }
echo
echo "tests: $(sum 2) passed, $(sum 4) failed, $(sum 6) skipped"
exit "$status"
