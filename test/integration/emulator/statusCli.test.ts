// The status command's Graph side against an in-process emulator, with the real ClientSecretCredential
// and Graph client: overviews and device statuses read through $batch (20 per request), nextLinks followed,
// the certificate profile outside the stack read too, certificate profiles and their trusted roots (in the
// stack or not) with the root a device misses named, a profile missing from the tenant reported as broken.
import * as assert from "assert";
import { SEEDED_GROUPS, seedDeviceConfiguration, seedPortalAssignment } from "../../../emulator";
import { type StackProfile, StatusRunError, buildStatusReport, readTenantStatus } from "../../../cli/status";
import { resolveSettings } from "../../../provider/config";
import { GraphApi } from "../../../provider/graph";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const iosBody = (displayName: string, extra: Record<string, unknown> = {}) => ({
  "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
  displayName,
  hostName: "outlook.office365.com",
  accountName: "Work mail",
  emailAddressSource: "primarySmtpAddress",
  durationOfEmailToSync: "oneMonth",
  requireSsl: true,
  ...extra,
});

describe("integration: pulumi-intune status reads the rollout through Graph", () => {
  let emu: TestEmulator;
  let api: GraphApi;
  before(async () => {
    emu = await startTestEmulator({ pageSize: 5 });
    api = new GraphApi(resolveSettings((k) => emu.config[k], {}));
  });
  after(() => emu.close());
  beforeEach(() => emu.server.store.reset());

  function profile(name: string, extra: Record<string, unknown> = {}, groups: string[] = [SEEDED_GROUPS.fieldEngineers.id], references = {}): StackProfile {
    const stored = seedDeviceConfiguration(emu.server.store, iosBody(name, extra), references);
    for (const g of groups) seedPortalAssignment(emu.server.store, String(stored.entity.id), { groupId: g });
    return { name, id: String(stored.entity.id), displayName: name, platform: "iosIpados", settings: { hostName: stored.entity.hostName, emailAddressSource: stored.entity.emailAddressSource, authenticationMethod: stored.entity.authenticationMethod } };
  }

  it("batches the reads (20 per $batch) and names the other profile", async () => {
    const profiles = [profile("first"), profile("second")];
    for (let i = 0; i < 6; i++) profiles.push(profile(`other-${i}`, { hostName: `h${i}.contoso.com` }));
    emu.server.clearRequests();
    const tenant = await readTenantStatus(api, profiles);
    const log = emu.server.requests().filter((r) => !r.path.includes("oauth2") && !r.path.includes("openid") && !r.path.includes("discovery"));
    const batches = log.filter((r) => r.path.endsWith("$batch"));
    assert.deepStrictEqual(batches.map((b) => (b.body as any).requests.length), [20, 4]);
    // $top=999 is honoured, so no nextLink follow-up is needed for 17 devices.
    assert.strictEqual(tenant.deviceStatuses[profiles[1].id].length, 17);
    const report = buildStatusReport("it", profiles, tenant);
    const second = report.profiles.find((p) => p.name === "second")!;
    assert.deepStrictEqual([second.devices.error, second.users.error, second.issues.length], [17, 17, 17]);
    assert.deepStrictEqual(second.issues[0].otherProfiles.map((o) => o.name), ["first"]);
    assert.ok(report.profiles.filter((p) => p.name !== "second").every((p) => p.devices.succeeded === 17 && p.issues.length === 0));
  });

  it("reads the certificate profile outside the stack and names it where it does not reach", async () => {
    const cert = seedDeviceConfiguration(emu.server.store, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS user certificate", scepServerUrls: ["https://scep.contoso.com"] });
    const certId = String(cert.entity.id);
    seedPortalAssignment(emu.server.store, certId, { groupId: SEEDED_GROUPS.salesUsers.id });
    const mail = profile("cert mail", { authenticationMethod: "certificate" }, [SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.kioskDevices.id], { identityCertificate: { collection: "deviceConfigurations", id: certId } });
    mail.identityCertificateId = certId;
    const report = buildStatusReport("it", [mail], await readTenantStatus(api, [mail]));
    const p = report.profiles[0];
    assert.deepStrictEqual([p.devices.succeeded, p.devices.error], [42, 8]);
    assert.strictEqual(p.issues.length, 8);
    assert.deepStrictEqual(p.issues[0].otherProfiles, [{ name: null, id: certId, displayName: "iOS user certificate" }]);
    assert.strictEqual(p.issues[0].user, null, "kiosk devices have no user");
  });

  it("follows @odata.nextLink past the 999 rows of the first page", async () => {
    const big = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    emu.server.store.addGroup({ id: big, displayName: "Everyone at HQ", description: "big", memberKind: "user", memberCount: 1203 });
    const p = profile("paged", {}, [big]);
    emu.server.clearRequests();
    const tenant = await readTenantStatus(api, [p]);
    assert.strictEqual(tenant.deviceStatuses[p.id].length, 1203);
    assert.strictEqual(new Set(tenant.deviceStatuses[p.id].map((r) => r.id)).size, 1203);
    assert.ok(emu.server.requests().some((r) => r.path.includes("deviceStatuses") && r.path.includes("skiptoken") && !r.batchRequestId), "the second page is a plain GET of the nextLink");
  });

  it("reports certificate delivery per device and names the missing root behind a certificate and an e-mail error", async () => {
    // GIVEN (portal-made) a root for sales only, a SCEP profile linked to it for sales and kiosks, and a
    // certificate e-mail profile for sales and kiosks: the kiosks get the SCEP profile but not its root
    const store = emu.server.store;
    const root = String(seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.iosTrustedRootCertificate", displayName: "iOS root CA", trustedRootCertificate: "AAAA" }).entity.id);
    seedPortalAssignment(store, root, { groupId: SEEDED_GROUPS.salesUsers.id });
    const scep = String(
      seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS identity", scepServerUrls: ["https://scep.contoso.com"] }, { rootCertificate: { collection: "deviceConfigurations", id: root } }).entity.id,
    );
    for (const g of [SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.kioskDevices.id]) seedPortalAssignment(store, scep, { groupId: g });
    const mail = profile("cert mail", { authenticationMethod: "certificate" }, [SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.kioskDevices.id], { identityCertificate: { collection: "deviceConfigurations", id: scep } });
    mail.identityCertificateId = scep;
    const scepInStack: StackProfile = { kind: "certificateProfile", name: "ios-scep", id: scep, displayName: "iOS identity", platform: "iosIpados", settings: {}, trustedRootId: root };

    // WHEN status reads the stack (the root is not in it)
    const report = buildStatusReport("it", [mail, scepInStack], await readTenantStatus(api, [mail, scepInStack]));

    // THEN the SCEP profile is in error on the 8 kiosk devices, naming the root, and so is the e-mail profile
    const [m, c] = [report.profiles.find((p) => p.name === "cert mail")!, report.profiles.find((p) => p.name === "ios-scep")!];
    assert.deepStrictEqual([c.kind, c.devices.succeeded, c.devices.error, c.issues.length], ["certificateProfile", 42, 8, 8]);
    assert.deepStrictEqual(c.issues[0].otherProfiles, [{ name: null, id: root, displayName: "iOS root CA" }]);
    assert.match(c.issues[0].reason, /its trusted root "iOS root CA" is not assigned to this device/);
    assert.deepStrictEqual([m.devices.succeeded, m.devices.error], [42, 8]);
    assert.deepStrictEqual(m.issues[0].otherProfiles.map((o) => o.displayName), ["iOS identity", "iOS root CA"]);
    assert.match(m.issues[0].reason, /^certificate authentication, but the identity certificate was not delivered to this device: its certificate profile "iOS identity" is in error there because its trusted root "iOS root CA" is not assigned to this device$/);

    // WHEN the root is deleted (the link dangles), every device errors and the root is named as missing
    store.deleteDeviceConfiguration(root);
    const after = buildStatusReport("it", [mail, scepInStack], await readTenantStatus(api, [mail, scepInStack]));
    const scepAfter = after.profiles.find((p) => p.name === "ios-scep")!;
    assert.deepStrictEqual([scepAfter.devices.succeeded, scepAfter.devices.error], [0, 50]);
    assert.match(scepAfter.issues[0].reason, /its trusted root ".*" is missing \(deleted; the link dangles\)/);
    assert.match(after.profiles.find((p) => p.name === "cert mail")!.issues[0].reason, /because its trusted root ".*" is missing/);
  });

  it("reports a stack profile that is gone from the tenant as broken", async () => {
    const p = profile("gone");
    emu.server.store.deleteDeviceConfiguration(p.id);
    await assert.rejects(readTenantStatus(api, [p]), (e: unknown) => e instanceof StatusRunError && /e-mail profile `gone` \(.*\) is in the stack but not in the tenant \(404\)/.test((e as Error).message));
  });
});
