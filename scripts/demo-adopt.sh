#!/usr/bin/env bash
# Bringing an existing tenant under Pulumi, on the local Intune emulator: a tenant full of portal-made
# objects → `pulumi-intune export` → `npm install` of the packed package → `pulumi up` (adopts every
# object, no Graph write) → `pulumi preview` (no changes). Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
demo="$root/.demo-adopt"
rm -rf "$demo"
mkdir -p "$demo"

echo "==> starting the Intune Graph emulator with a portal-made tenant"
EMULATOR_FLAGS=(--portal-tenant)
# shellcheck source=scripts/start-emulator.sh
source scripts/start-emulator.sh
# Signed in like the provider without a stack: the AZURE_* / INTUNE_GRAPH_ENDPOINT environment.
export AZURE_TENANT_ID="$(field tenantId)" AZURE_CLIENT_ID="$(field clientId)" AZURE_CLIENT_SECRET="$(field clientSecret)"
export INTUNE_GRAPH_ENDPOINT="$(field graphEndpoint)" AZURE_AUTHORITY_HOST="$(field authorityHost)" NODE_EXTRA_CA_CERTS="$(field caCertPath)"
control() { node -e 'fetch(process.argv[1] + process.argv[2], { method: process.argv[3] ?? "GET" }).then(async (r) => process.stdout.write(await r.text()))' "$INTUNE_GRAPH_ENDPOINT" "$@"; }

echo "==> pulumi-intune export"
node dist/cli/bin.js export --out "$demo/project"
echo "==> npm install (the packed pulumi-intune and the project's own dependencies)"
npm pack --silent --pack-destination "$demo" >/dev/null
(cd "$demo/project" && npm install --no-audit --no-fund --loglevel=error "$(ls "$demo"/pulumi-intune-*.tgz)")

export PULUMI_BACKEND_URL="file://$demo/state" PULUMI_CONFIG_PASSPHRASE="demo" PULUMI_HOME="$demo/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "$demo/state"
cd "$demo/project"
pulumi stack init adopted --non-interactive >/dev/null
control /_emulator/requests DELETE
echo "==> pulumi up (adopts what the portal made)"
pulumi up --yes --skip-preview --non-interactive
writes="$(control /_emulator/requests | node -e 'let t="";process.stdin.on("data",(d)=>t+=d).on("end",()=>{const w=JSON.parse(t).filter((r)=>r.method!=="GET"&&!/oauth2|\$batch$/.test(r.path));console.log(w.length)})')"
echo "    Graph writes during up: $writes"
[ "$writes" = "0" ] || { echo "adopting the export wrote to the tenant" >&2; exit 1; }
echo "==> pulumi preview (must show no changes)"
pulumi preview --expect-no-changes --non-interactive
echo "demo finished: $(pulumi stack --show-urns --non-interactive | grep -o 'urn:pulumi:[^ ]*dynamic/intune:[^ ]*' | sort -u | wc -l) resources adopted, no Graph write"
