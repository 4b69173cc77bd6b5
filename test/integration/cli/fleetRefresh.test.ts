// `fleet drift` reading a stack itself (cli/fleetRefresh.ts) against the emulator: a state as `pulumi stack
// export --show-secrets` writes it (provider inputs with the client secret as a secret), read with the
// provider code of this repository. No drift right after the writes; a portal change and a portal delete are
// drift naming the property and the resource; the configuration comes from the state's provider inputs.
import * as assert from "assert";
import { driftFromRefresh } from "../../../cli/drift";
import { type InstalledProvider, refreshDigest, type StateDeployment, type StateResource } from "../../../cli/fleetRefresh";
import { SEEDED_GROUPS } from "../../../emulator";
import { ProtocolKeys, type ResourceKind, typeToken } from "../../../protocol";
import { resolveSettings } from "../../../provider/config";
import { handler } from "../../../provider/dispatch";
import { ProviderRun } from "../../../provider/run";
import { inputs } from "../../support/emailCorpus";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const source: InstalledProvider = { handler, newRun: (get, env) => new ProviderRun(() => resolveSettings(get, env)) };
const secret = (v: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });
const PROVIDER_URN = "urn:pulumi:t::fleet::pulumi:providers:pulumi-nodejs::default";
/** Keys sorted at every level, by hand (not with the code under test). */
const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sorted(x)])) : v;

describe("integration: fleet drift reads a stack without an engine", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  const resources: StateResource[] = [];

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    const config = Object.fromEntries(Object.keys(emu.config).map((k) => [k, emu.config[k]]));
    resources.push({ urn: PROVIDER_URN, type: "pulumi:providers:pulumi-nodejs", custom: true, id: "p1", inputs: { ...config, "intune:clientSecret": secret(config["intune:clientSecret"]) } });
    // Created as the engine would: check, then create; the state keeps check's inputs and create's outputs.
    const run = new ProviderRun(resolveSettings((k) => emu.config[k], {}));
    const module = { [ProtocolKeys.providerModule]: "exports.handler = () => ({})" };
    const make = async (kind: ResourceKind, name: string, news: Record<string, unknown>) => {
      const h = handler(kind, run);
      const checked = await h.check({}, news);
      assert.deepStrictEqual(checked.failures ?? [], []);
      const created = await h.create(checked.inputs);
      // As `stack export` prints them: JSON from Go maps, every object's keys sorted.
      resources.push(
        JSON.parse(JSON.stringify({ urn: `urn:pulumi:t::fleet::${typeToken(kind)}::${name}`, type: typeToken(kind), custom: true, id: created.id, inputs: sorted({ ...checked.inputs, ...module }), outputs: sorted({ ...created.outs, ...module }), provider: `${PROVIDER_URN}::p1` })),
      );
      return created.id;
    };
    const ios = await make("EmailProfile", "ios-mail", inputs("iosIpados", { displayName: "Fleet iOS" }));
    await make("EmailProfile", "android-mail", inputs("androidEnterpriseWorkProfileGmail", { displayName: "Fleet Android" }));
    await make("ProfileAssignment", "ios-sales", { profileId: ios, targets: [{ kind: "group", groupId: SEEDED_GROUPS.salesUsers.id }] });
  });
  after(() => emu.close());

  const drift = async () => driftFromRefresh("t", await refreshDigest({ resources } satisfies StateDeployment, source, {}));
  const ofResource = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))!;

  it("finds no drift right after the writes", async () => {
    assert.deepStrictEqual((await drift()).drifted, []);
  });

  it("names a portal change by property, and a portal delete by resource", async () => {
    const ios = ofResource("ios-mail");
    await client.graph("PATCH", `/deviceManagement/deviceConfigurations/${ios.id}`, { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", hostName: "mail.portal.example" });
    await client.graph("DELETE", `/deviceManagement/deviceConfigurations/${ofResource("android-mail").id}`);
    const found = (await drift()).drifted.map((d) => [d.name, d.state, d.properties.map((p) => [p.path, p.live])]);
    assert.deepStrictEqual(found, [
      ["android-mail", "deleted", []],
      ["ios-mail", "changed", [["settings.hostName", "mail.portal.example"]]],
    ]);
  });

  it("signs in with the state's provider configuration, not another", async () => {
    const provider = resources[0];
    const saved = provider.inputs;
    provider.inputs = { ...saved, "intune:clientSecret": secret("not-the-secret") };
    try {
      await assert.rejects(drift(), /401|invalid_client|AADSTS|secret/i);
    } finally {
      provider.inputs = saved;
    }
  });
});
