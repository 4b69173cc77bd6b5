#!/usr/bin/env bash
# Runs the demo stack (root Pulumi.yaml) against the local Intune Graph emulator with the real Pulumi
# CLI: preview, up, a preview that must show no changes, a change reviewed with `pulumi-intune review`
# (who gets prompted to approve it), certificate-based e-mail added with SecureEmail and its rollout
# (`pulumi-intune status`: every device got the root, the certificate and the mail account), then
# destroy. Everything stays on 127.0.0.1.
#   KEEP=1 npm run demo   leaves the stack and the emulator state (in .demo/) for a look afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
demo="$root/.demo"
mkdir -p "$demo"

echo "==> starting the Intune Graph emulator"
EMULATOR_FLAGS=(--state "$demo/emulator-state.json")
# shellcheck source=scripts/start-emulator.sh
source scripts/start-emulator.sh
# The demo program is this repository itself: its resources' provider module loads the package by name.
ln -sfn .. node_modules/pulumi-intune
echo "    graph endpoint $(field graphEndpoint)"

export PULUMI_BACKEND_URL="file://$demo/state" PULUMI_CONFIG_PASSPHRASE="demo" PULUMI_HOME="$demo/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export NODE_EXTRA_CA_CERTS="$(field caCertPath)"
mkdir -p "$demo/state"
pulumi stack select demo --create --non-interactive >/dev/null
pulumi config set intune:tenantId "$(field tenantId)" --non-interactive
pulumi config set intune:clientId "$(field clientId)" --non-interactive
pulumi config set intune:graphEndpoint "$(field graphEndpoint)" --non-interactive
pulumi config set intune:authorityHost "$(field authorityHost)" --non-interactive
pulumi config set --secret intune:clientSecret "$(field clientSecret)" --non-interactive
# The emulator's seeded groups stand in for the tenant's "Sales Users" and "Field Engineers".
group() { node -e 'const g=Object.values(require("./dist/emulator").SEEDED_GROUPS).find((g)=>g.displayName===process.argv[1]); console.log(g.id)' "$1"; }
pulumi config set salesGroupId "$(group "Sales Users")" --non-interactive
pulumi config set fieldGroupId "$(group "Field Engineers")" --non-interactive
pulumi config rm exchangeHost --non-interactive >/dev/null 2>&1 || true

echo "==> pulumi preview"
pulumi preview --diff --non-interactive
echo "==> pulumi up"
pulumi up --yes --skip-preview --non-interactive
echo "==> pulumi preview (must show no changes)"
pulumi preview --expect-no-changes --non-interactive
pulumi stack output --non-interactive
echo "==> change the Exchange host of every profile: what will that do to people? (pulumi preview --json | pulumi-intune review)"
pulumi config set exchangeHost mail.contoso.com --non-interactive
pulumi preview --json --non-interactive >"$demo/preview.json"
node dist/cli/bin.js review "$demo/preview.json" | tee "$demo/review.md"
pulumi config rm exchangeHost --non-interactive >/dev/null
echo "==> secure e-mail: a trusted root, a SCEP certificate and an iOS e-mail profile that uses it, to one group (SecureEmail); then the rollout"
pulumi config set secureEmail true --non-interactive
pulumi up --yes --skip-preview --non-interactive
node dist/cli/bin.js status --stack demo | tee "$demo/status.md"
pulumi config rm secureEmail --non-interactive >/dev/null
if [ "${KEEP:-}" != "1" ]; then
  echo "==> pulumi destroy"
  pulumi destroy --yes --skip-preview --non-interactive
  pulumi stack rm demo --yes --non-interactive >/dev/null
fi
echo "demo finished"
