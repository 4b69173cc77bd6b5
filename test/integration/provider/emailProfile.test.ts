// The EmailProfile handler against the emulator, through the real ClientSecretCredential and Graph
// client: CRUD, PATCH of only what changed, certificate links, lost create responses, partial creates,
// adoption, and the bad-input corpus failing in check without a single request.
import * as assert from "assert";
import { resolveSettings } from "../../../provider/config";
import { handler } from "../../../provider/dispatch";
import { ProviderRun } from "../../../provider/run";
import { badInputs, inputs } from "../../support/emailCorpus";
import { EmulatorClient, type LoggedRequest } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

type Props = Record<string, any>;
const isInitError = (e: unknown) => (e as Error | undefined)?.name === "IntuneResourceInitError";
const graphCalls = (log: LoggedRequest[]) => log.filter((r) => !/oauth2|openid/.test(r.path));

describe("integration: EmailProfile handler", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  let run: ProviderRun;
  const profiles = () => handler("EmailProfile", run);
  const checked = async (news: Props) => {
    const r = await profiles().check({}, news);
    assert.deepStrictEqual(r.failures ?? [], []);
    return r.inputs as Props;
  };
  const live = async (id: string) => (await client.graph("GET", `/deviceManagement/deviceConfigurations/${id}`)).body;
  const emailProfiles = async (displayName: string) =>
    ((await client.graph("GET", "/deviceManagement/deviceConfigurations")).body.value as Props[]).filter((p) => p.displayName === displayName);

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
  });
  after(() => emu.close());

  it("fails every bad input of the corpus in check, making no request at all", async () => {
    await client.clearRequests();
    for (const [label, platform, change, property] of badInputs) {
      const r = await profiles().check({}, inputs(platform, change));
      assert.ok(r.failures?.some((f) => f.property === property), `${label}: ${JSON.stringify(r.failures)}`);
    }
    assert.deepStrictEqual(graphCalls(await client.requests()), []);
  });

  it("creates, reads, updates only what changed, and deletes (404 counts as done)", async () => {
    const news = await checked(inputs("windows10", { displayName: "Integration Windows", settings: { syncCalendar: true } }));
    const { id, outs } = await profiles().create(news);
    assert.strictEqual(outs!.odataType, "#microsoft.graph.windows10EasEmailProfileConfiguration");
    assert.strictEqual(outs!.version, 1);
    const read = await profiles().read(id, outs!);
    // What read reports as inputs is what check produced: refresh shows no drift.
    assert.deepStrictEqual(read.inputs!.settings, news.settings);

    const changed = await checked(inputs("windows10", { displayName: "Integration Windows", settings: { syncCalendar: true, durationOfEmailToSync: "oneWeek" } }));
    await client.clearRequests();
    const updated = await profiles().update(id, news, changed);
    const patches = graphCalls(await client.requests()).filter((r) => r.method === "PATCH");
    assert.deepStrictEqual(patches.map((p) => p.body), [{ "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", durationOfEmailToSync: "oneWeek" }]);
    assert.strictEqual(updated.outs!.version, 2);

    await client.graph("PATCH", `/deviceManagement/deviceConfigurations/${id}`, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", syncCalendar: false });
    assert.strictEqual((await profiles().read(id, updated.outs!)).inputs!.settings.syncCalendar, false, "drift shows in read's inputs");

    await profiles().delete(id, updated.outs!);
    assert.strictEqual((await client.graph("GET", `/deviceManagement/deviceConfigurations/${id}`)).status, 404);
    await profiles().delete(id, updated.outs!);
    assert.deepStrictEqual(await profiles().read(id, updated.outs!), { id: "" });
  });

  it("binds the identity certificate on create and moves it with $ref", async () => {
    const scep = async (name: string) =>
      (await client.graph("POST", "/deviceManagement/deviceConfigurations", { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: name, scepServerUrls: ["https://scep.contoso.com"] })).body.id as string;
    const [a, b] = [await scep("SCEP A"), await scep("SCEP B")];
    const news = await checked(inputs("iosIpados", { displayName: "Integration cert", settings: { authenticationMethod: "certificate" }, identityCertificateId: a }));
    await client.clearRequests();
    const { id, outs } = await profiles().create(news);
    const post = graphCalls(await client.requests()).find((r) => r.method === "POST")!;
    assert.match((post.body as Props)["identityCertificate@odata.bind"], new RegExp(`/beta/deviceManagement/deviceConfigurations/${a}$`));
    assert.strictEqual((await profiles().read(id, outs!)).inputs!.identityCertificateId, a);

    const moved = { ...news, identityCertificateId: b };
    await client.clearRequests();
    await profiles().update(id, news, moved);
    const writes = graphCalls(await client.requests()).filter((r) => r.method !== "GET" && !r.path.endsWith("/$batch"));
    assert.deepStrictEqual(writes.map((r) => [r.method, r.path.replace(id, "{id}")]), [
      ["PUT", "/beta/deviceManagement/deviceConfigurations/{id}/microsoft.graph.iosEasEmailProfileConfiguration/identityCertificate/$ref"],
    ]);
    const linked = await client.graph("GET", `/deviceManagement/deviceConfigurations/${id}/microsoft.graph.iosEasEmailProfileConfiguration/identityCertificate`);
    assert.strictEqual(linked.body.id, b);
  });

  it("refresh reads a profile alone, and its links too once its settings can use one (an out-of-band certificate shows)", async () => {
    const profiles = "/deviceManagement/deviceConfigurations";
    // Each refresh is its own provider run (a run that has read many profiles lists them instead; readAhead.ts).
    const refreshRun = () => new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
    const scep = (await client.graph("POST", profiles, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "SCEP for refresh", scepServerUrls: ["https://scep.contoso.com"] })).body.id as string;
    const news = await checked(inputs("iosIpados", { displayName: "Integration refresh economy" }));
    const { id, outs } = await handler("EmailProfile", run).create(news);
    // Each GET Intune counts: plain requests and $batch sub-requests, not the envelope.
    const gets = async () => graphCalls(await client.requests()).filter((r) => r.method === "GET").map((r) => r.path.replace(id, "{id}"));
    await client.clearRequests();
    await handler("EmailProfile", refreshRun()).read(id, outs!);
    assert.deepStrictEqual(await gets(), [`/beta${profiles}/{id}`]);

    // In the portal: certificate authentication with a SCEP profile.
    const odataType = "#microsoft.graph.iosEasEmailProfileConfiguration";
    assert.strictEqual((await client.graph("PATCH", `${profiles}/${id}`, { "@odata.type": odataType, authenticationMethod: "certificate" })).status, 204);
    const ref = await client.graph("PUT", `${profiles}/${id}/microsoft.graph.iosEasEmailProfileConfiguration/identityCertificate/$ref`, { "@odata.id": `${emu.info.graphEndpoint}/beta${profiles}/${scep}` });
    assert.ok(ref.status < 300, JSON.stringify(ref.body));
    const read = await handler("EmailProfile", refreshRun()).read(id, outs!);
    assert.strictEqual(read.inputs!.identityCertificateId, scep);
    assert.strictEqual(read.inputs!.settings.authenticationMethod, "certificate");
  });

  it("an update reads back the profile and the links a refresh would read, not every link of the type", async () => {
    const collection = "/deviceManagement/deviceConfigurations";
    const links = "/microsoft.graph.iosEasEmailProfileConfiguration/";
    const gets = async (id: string) =>
      graphCalls(await client.requests())
        .filter((r) => r.method === "GET")
        .map((r) => r.path.replace(id, "{id}"))
        .sort();
    // No certificate anywhere: the PATCH of a setting is read back alone (an iOS profile has four links).
    const plain = await checked(inputs("iosIpados", { displayName: "Integration update economy" }));
    const a = await profiles().create(plain);
    const plainChanged = await checked(inputs("iosIpados", { displayName: "Integration update economy", settings: { blockMovingMessagesToOtherEmailAccounts: true } }));
    await client.clearRequests();
    const updated = await profiles().update(a.id, a.outs!, plainChanged);
    assert.deepStrictEqual(await gets(a.id), [`/beta${collection}/{id}`]);
    assert.strictEqual(updated.outs!.settings.blockMovingMessagesToOtherEmailAccounts, true);

    // A bound identity certificate: read back with the profile (certificate authentication can use every
    // link, so all are read, as a refresh would), and still recorded after the update.
    const scep = (await client.graph("POST", collection, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "SCEP for update", scepServerUrls: ["https://scep.contoso.com"] })).body.id as string;
    const bound = await checked(inputs("iosIpados", { displayName: "Integration update cert", settings: { authenticationMethod: "certificate" }, identityCertificateId: scep }));
    const b = await profiles().create(bound);
    const boundChanged = await checked(inputs("iosIpados", { displayName: "Integration update cert", settings: { authenticationMethod: "certificate", blockMovingMessagesToOtherEmailAccounts: true }, identityCertificateId: scep }));
    await client.clearRequests();
    const after = await profiles().update(b.id, b.outs!, boundChanged);
    const read = await gets(b.id);
    assert.ok(read.includes(`/beta${collection}/{id}${links}identityCertificate`), read.join("\n"));
    assert.strictEqual(after.outs!.identityCertificateId, scep);
  });

  it("finds the profile of a create whose response was lost after the commit: exactly one profile", async () => {
    const news = await checked(inputs("androidDeviceAdministrator", { displayName: "Integration lost response" }));
    await client.injectFault({ match: { method: "POST", path: "deviceConfigurations" }, fault: "reset-after", count: 1 });
    const { id } = await profiles().create(news);
    const found = await emailProfiles("Integration lost response");
    assert.deepStrictEqual(found.map((p) => p.id), [id]);
  });

  it("keeps a profile whose certificate link failed after the create in state, to be finished by the next up", async () => {
    const news = await checked(inputs("iosIpados", { displayName: "Integration partial", settings: { authenticationMethod: "certificate" }, identityCertificateId: "00000000-0000-0000-0000-00000000dead" }));
    await assert.rejects(profiles().create(news), (e: Error) => {
      // Binding a missing certificate on create is refused by Graph before anything is written...
      assert.ok(!isInitError(e), e.message);
      return true;
    });
    assert.deepStrictEqual(await emailProfiles("Integration partial"), [], "nothing is left behind");

    // ...but a failure after the create (the read-back here) leaves a recorded, resumable resource.
    await client.injectFault({ match: { method: "GET", path: "deviceConfigurations/" }, fault: "error", count: 20 });
    const ok = await checked(inputs("iosIpados", { displayName: "Integration partial" }));
    const err = await profiles().create(ok).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.clearFaults();
    assert.ok(isInitError(err), String(err));
    const [created] = await emailProfiles("Integration partial");
    assert.strictEqual((err as { id: string }).id, created.id);
    const next = await profiles().update(created.id, (err as { properties: Props }).properties, ok);
    assert.strictEqual(next.outs!.displayName, "Integration partial");
  });

  it("adopts an existing profile and refuses one of another type", async () => {
    const existing = await client.graph("POST", "/deviceManagement/deviceConfigurations", {
      "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
      displayName: "Made in the portal",
      hostName: "outlook.office365.com",
      accountName: "Portal",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "userPrincipalName",
    });
    const news = await checked(inputs("iosIpados", { displayName: "Adopted", adoptExistingId: existing.body.id }));
    const { id } = await profiles().create(news);
    assert.strictEqual(id, existing.body.id);
    assert.strictEqual((await live(id)).displayName, "Adopted");
    const wrong = await checked(inputs("windows10", { displayName: "Adopted", adoptExistingId: existing.body.id }));
    await assert.rejects(profiles().create(wrong), /is a #microsoft\.graph\.iosEasEmailProfileConfiguration, but platform "windows10"/);
  });
});
