// Impact analysis against the emulator: who receives a profile, duplicate-account rules per platform,
// conflicts, device groups, certificate chains and removals; group lookups batched, cached, read-only.
import * as assert from "assert";
import { SEEDED_GROUPS } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { assignmentImpact, profileCertificateImpact, profileUpdateImpact, registerAssignment, registerProfile } from "../../../provider/impact/analyze";
import type { ImpactFact } from "../../../provider/impact/facts";
import { lookupGroups } from "../../../provider/impact/groups";
import { ProviderRun } from "../../../provider/run";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const sales = SEEDED_GROUPS.salesUsers.id;
const field = SEEDED_GROUPS.fieldEngineers.id;
const kiosk = SEEDED_GROUPS.kioskDevices.id;
const of = <K extends ImpactFact["kind"]>(facts: ImpactFact[], kind: K) => facts.filter((f) => f.kind === kind) as Extract<ImpactFact, { kind: K }>[];
const names = (groups: { displayName: string }[]) => groups.map((g) => g.displayName).sort();

describe("integration: impact analysis", () => {
  let emu: TestEmulator;
  let client: EmulatorClient;
  let run: ProviderRun;
  const profile = async (type: string, body: object) => {
    const r = await client.graph("POST", "/deviceManagement/deviceConfigurations", { "@odata.type": `#microsoft.graph.${type}`, ...body });
    assert.strictEqual(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  const assign = async (id: string, groupId: string) =>
    assert.strictEqual((await client.graph("POST", `/deviceManagement/deviceConfigurations/${id}/assignments`, { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } })).status, 201);
  const mail = { hostName: "outlook.office365.com", accountName: "Work", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" };

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
  });
  // A fresh run per test: nothing seen, looked up or said before.
  beforeEach(() => {
    run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 1 } });
  });
  after(() => emu.close());

  it("looks groups up in one $batch with eventual consistency, and not again in the same run", async () => {
    await client.clearRequests();
    const groups = await lookupGroups(run, [sales, kiosk.toUpperCase()]);
    assert.deepStrictEqual([...groups.values()].map((g) => [g.displayName, g.userCount, g.deviceCount, g.isDeviceGroup]), [
      ["Sales Users", 42, 0, false],
      ["Kiosk Devices", 0, 8, true],
    ]);
    const first = (await client.requests()).filter((r) => !/oauth2|openid/.test(r.path) && !(r as { batchRequestId?: string }).batchRequestId);
    assert.deepStrictEqual(first.map((r) => [r.method, r.path.replace(/^\/beta/, "")]), [["POST", "/$batch"]]);
    const counts = (first[0].body as any).requests.filter((q: any) => q.url.includes("$count"));
    assert.strictEqual(counts.length, 4);
    // Header names are case-insensitive; the batch serializer lower-cases them.
    for (const q of counts) assert.strictEqual(Object.entries(q.headers ?? {}).find(([k]) => k.toLowerCase() === "consistencylevel")?.[1], "eventual", JSON.stringify(q));
    await client.clearRequests();
    await lookupGroups(run, [sales]);
    assert.deepStrictEqual((await client.requests()).filter((r) => !/oauth2|openid/.test(r.path)), []);
  });

  it("shares a lookup in flight: a hundred concurrent callers for one group make three sub-requests", async () => {
    await client.clearRequests();
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => lookupGroups(run, i % 2 ? [sales] : [sales.toUpperCase()])));
    assert.ok(all.every((m) => [...m.values()][0].displayName === "Sales Users"));
    const subRequests = (await client.requests()).filter((r) => (r as { batchRequestId?: string }).batchRequestId);
    assert.strictEqual(subRequests.length, 3, subRequests.map((r) => r.path).join("\n"));
  });

  it("names an unknown group by its id instead of failing the preview", async () => {
    const missing = "00000000-0000-0000-0000-0000000000aa";
    const g = (await lookupGroups(run, [missing])).get(missing)!;
    assert.strictEqual(g.displayName, `${missing} (not found)`);
    assert.strictEqual(g.memberCount, 0);
  });

  it("says who receives an iOS profile and that existing accounts block it; a device group gets its note", async () => {
    registerProfile(run, { urn: "urn:ios", displayName: "iOS mail", platform: "iosIpados", hostName: "outlook.office365.com", emailAddressSource: "primarySmtpAddress" });
    const facts = await assignmentImpact(run, "urn:a", { profileUrn: "urn:ios" }, [{ kind: "group", groupId: sales }, { kind: "group", groupId: kiosk }, { kind: "exclusionGroup", groupId: field }], []);
    assert.deepStrictEqual(facts.map((f) => f.kind), ["newRecipients", "duplicateAccountBlocked", "deviceGroupTarget"]);
    assert.deepStrictEqual(names(of(facts, "newRecipients")[0].groups), ["Kiosk Devices", "Sales Users"], "an exclusion group receives nothing");
    assert.deepStrictEqual(names(of(facts, "deviceGroupTarget")[0].groups), ["Kiosk Devices"]);
  });

  it("matches Windows on host and address, Knox on address alone, and Android Enterprise not at all", async () => {
    registerProfile(run, { urn: "urn:w", displayName: "Win", platform: "windows10", hostName: "h", emailAddressSource: "primarySmtpAddress" });
    registerProfile(run, { urn: "urn:k", displayName: "Knox", platform: "androidDeviceAdministrator", hostName: "h", emailAddressSource: "userPrincipalName" });
    registerProfile(run, { urn: "urn:g", displayName: "Gmail", platform: "androidEnterpriseWorkProfileGmail", hostName: "h", emailAddressSource: "primarySmtpAddress" });
    const target = [{ kind: "group", groupId: sales }];
    assert.strictEqual(of(await assignmentImpact(run, undefined, { profileUrn: "urn:w" }, target, []), "duplicateAccountOverwritten")[0].matchedOn, "hostAndAddress");
    assert.strictEqual(of(await assignmentImpact(run, undefined, { profileUrn: "urn:k" }, target, []), "duplicateAccountOverwritten")[0].matchedOn, "address");
    assert.deepStrictEqual((await assignmentImpact(run, undefined, { profileUrn: "urn:g" }, target, [])).map((f) => f.kind), ["newRecipients"]);
  });

  it("finds two Knox profiles with one address source on overlapping groups, whatever their hosts", async () => {
    registerProfile(run, { urn: "urn:k1", displayName: "Knox online", platform: "androidDeviceAdministrator", hostName: "outlook.office365.com", emailAddressSource: "primarySmtpAddress" });
    registerProfile(run, { urn: "urn:k2", displayName: "Knox on-prem", platform: "androidDeviceAdministrator", hostName: "mail.contoso.com", emailAddressSource: "primarySmtpAddress" });
    registerProfile(run, { urn: "urn:k3", displayName: "Knox UPN", platform: "androidDeviceAdministrator", hostName: "mail.contoso.com", emailAddressSource: "userPrincipalName" });
    registerAssignment(run, { urn: "urn:a2", profileUrn: "urn:k2", targets: [{ kind: "group", groupId: field }, { kind: "group", groupId: sales }] });
    registerAssignment(run, { urn: "urn:a3", profileUrn: "urn:k3", targets: [{ kind: "group", groupId: field }] });
    const facts = await assignmentImpact(run, undefined, { profileUrn: "urn:k1" }, [{ kind: "group", groupId: field }], []);
    const conflicts = of(facts, "duplicateConflict");
    assert.deepStrictEqual(conflicts.map((c) => [c.otherProfile, names(c.groups)]), [["Knox on-prem", ["Field Engineers"]]]);
  });

  it("reports removed targets, including all licensed users", async () => {
    registerProfile(run, { urn: "urn:w", displayName: "Win", platform: "windows10", hostName: "h", emailAddressSource: "primarySmtpAddress" });
    const facts = await assignmentImpact(run, undefined, { profileUrn: "urn:w" }, [], [{ kind: "group", groupId: field }, { kind: "allLicensedUsers" }]);
    assert.deepStrictEqual(facts.map((f) => f.kind), ["accountRemoval"]);
    const removal = of(facts, "accountRemoval")[0];
    assert.deepStrictEqual([names(removal.groups), removal.allUsers, removal.allDevices], [["Field Engineers"], true, false]);
  });

  it("checks the certificate chain against every group the profile reaches", async () => {
    const root = await profile("iosTrustedRootCertificate", { displayName: "Root", trustedRootCertificate: Buffer.from("r").toString("base64"), certFileName: "r.cer" });
    const cert = await profile("iosScepCertificateProfile", {
      displayName: "SCEP",
      scepServerUrls: ["https://scep.contoso.com"],
      "rootCertificate@odata.bind": `${emu.info.graphEndpoint}/beta/deviceManagement/deviceConfigurations('${root}')`,
    });
    await assign(cert, sales);
    await assign(cert, field);
    await assign(root, sales);
    registerProfile(run, { urn: "urn:ios", displayName: "iOS cert mail", platform: "iosIpados", hostName: "h", emailAddressSource: "primarySmtpAddress", identityCertificateId: cert });
    const facts = await assignmentImpact(run, undefined, { profileUrn: "urn:ios" }, [{ kind: "group", groupId: field }], [], [{ kind: "group", groupId: sales }, { kind: "group", groupId: field }]);
    const gaps = of(facts, "certificateChainGap");
    assert.deepStrictEqual(gaps.map((g) => [g.role, g.certificateProfile, names(g.missingGroups)]), [["trustedRoot", "Root", ["Field Engineers"]]]);

    // The profile, assigned in the tenant, switching to this certificate: the same check on its groups.
    const ios = await profile("iosEasEmailProfileConfiguration", { ...mail, displayName: "iOS" });
    await assign(ios, kiosk);
    const onSwitch = await profileCertificateImpact(run, undefined, { id: ios, displayName: "iOS", platform: "iosIpados", identityCertificateId: cert });
    assert.deepStrictEqual(of(onSwitch, "certificateChainGap").map((g) => [g.role, names(g.missingGroups)]), [
      ["identityCertificate", ["Kiosk Devices"]],
      ["trustedRoot", ["Kiosk Devices"]],
    ]);
  });

  it("asks assigned users to approve a settings change, and says nothing for an unassigned profile", async () => {
    const ios = await profile("iosEasEmailProfileConfiguration", { ...mail, displayName: "iOS" });
    const facts0 = await profileUpdateImpact(run, undefined, { id: ios, displayName: "iOS", platform: "iosIpados" }, ["settings.hostName"]);
    assert.deepStrictEqual(facts0, []);
    await assign(ios, sales);
    await assign(ios, field);
    const facts = await profileUpdateImpact(run, undefined, { id: ios, displayName: "iOS", platform: "iosIpados" }, ["settings.hostName"]);
    const prompt = of(facts, "reconfigurationPrompt")[0];
    assert.deepStrictEqual([prompt.changedSettings, names(prompt.groups)], [["settings.hostName"], ["Field Engineers", "Sales Users"]]);
  });

  it("asks only who has the profile now: a group this run adds gets the new settings fresh", async () => {
    const ios = await profile("iosEasEmailProfileConfiguration", { ...mail, displayName: "iOS widening" });
    await assign(ios, sales);
    // The same run assigns the profile to Field Engineers as well.
    registerProfile(run, { urn: "urn:widening", id: ios, displayName: "iOS widening", platform: "iosIpados", hostName: "h", emailAddressSource: "primarySmtpAddress" });
    registerAssignment(run, { urn: "urn:widening-a", profileUrn: "urn:widening", profileId: ios, targets: [{ kind: "group", groupId: sales }, { kind: "group", groupId: field }] });
    const facts = await profileUpdateImpact(run, undefined, { urn: "urn:widening", id: ios, displayName: "iOS widening", platform: "iosIpados" }, ["settings.hostName"]);
    assert.deepStrictEqual(names(of(facts, "reconfigurationPrompt")[0].groups), ["Sales Users"]);
  });

  it("never writes to the tenant", async () => {
    await client.clearRequests();
    registerProfile(run, { urn: "urn:ios", displayName: "iOS", platform: "iosIpados", hostName: "h", emailAddressSource: "primarySmtpAddress" });
    await assignmentImpact(run, undefined, { profileUrn: "urn:ios" }, [{ kind: "group", groupId: sales }], [{ kind: "group", groupId: field }]);
    const writes = (await client.requests()).filter((r) => !/oauth2|openid/.test(r.path) && r.method !== "GET" && !(r.path.endsWith("$batch") && (r.body as any).requests.every((q: any) => q.method === "GET")));
    assert.deepStrictEqual(writes, []);
  });
});
