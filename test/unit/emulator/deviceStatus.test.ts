// The emulator's rollout-status derivation: synthetic devices per group, reach (includes, exclusions,
// all devices / all licensed users) and the four status rules (iOS duplicate, Knox conflict, certificate,
// a certificate profile's trusted root).
import * as assert from "assert";
import { loadGraphSchema } from "../../../schema/index";
import { DeviceStatusDerivation, devicesOfGroup } from "../../../emulator/deviceStatus";
import { seedDeviceConfiguration, seedPortalAssignment } from "../../../emulator/seed";
import { EmulatorStore, SEEDED_GROUPS } from "../../../emulator/store";
import { SchemaIndex } from "../../../emulator/validation";

const index = new SchemaIndex(loadGraphSchema());
const G = { sales: SEEDED_GROUPS.salesUsers.id, field: SEEDED_GROUPS.fieldEngineers.id, kiosk: SEEDED_GROUPS.kioskDevices.id, allStaff: SEEDED_GROUPS.allStaff.id };

function ios(store: EmulatorStore, displayName: string, extra: Record<string, unknown> = {}, references = {}): string {
  const body = {
    "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
    displayName,
    hostName: "outlook.office365.com",
    accountName: "Work mail",
    emailAddressSource: "primarySmtpAddress",
    durationOfEmailToSync: "oneMonth",
    requireSsl: true,
    ...extra,
  };
  return String(seedDeviceConfiguration(store, body, references).entity.id);
}

function knox(store: EmulatorStore, displayName: string, extra: Record<string, unknown> = {}): string {
  const body = {
    "@odata.type": "#microsoft.graph.androidEasEmailProfileConfiguration",
    displayName,
    hostName: "outlook.office365.com",
    accountName: "Work mail",
    emailAddressSource: "primarySmtpAddress",
    usernameSource: "userPrincipalName",
    durationOfEmailToSync: "oneMonth",
    requireSsl: true,
    ...extra,
  };
  return String(seedDeviceConfiguration(store, body).entity.id);
}

function scep(store: EmulatorStore): string {
  return String(seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS user certificate", scepServerUrls: ["https://scep.contoso.com"] }).entity.id);
}

const assign = (store: EmulatorStore, profileId: string, ...groupIds: string[]) => groupIds.forEach((g) => seedPortalAssignment(store, profileId, { groupId: g }));
const derive = (store: EmulatorStore) => new DeviceStatusDerivation(store.listDeviceConfigurations(), store.listGroups());
function tally(store: EmulatorStore, id: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of derive(store).statuses(id)!) out[s.status] = (out[s.status] ?? 0) + 1;
  return out;
}

describe("emulator rollout status derivation", () => {
  let store: EmulatorStore;
  beforeEach(() => (store = new EmulatorStore(index)));

  it("gives each group member one deterministic device; user groups carry their user, device groups none", () => {
    const sales = store.getGroup(G.sales)!;
    const a = devicesOfGroup(sales);
    const b = devicesOfGroup(store.getGroup(G.sales)!);
    assert.strictEqual(a.length, 42);
    assert.deepStrictEqual(a, b);
    assert.strictEqual(new Set(a.map((d) => d.id)).size, 42);
    assert.match(a[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.strictEqual(a[6].deviceDisplayName, "DEV-5f1c6a0e-007");
    assert.strictEqual(a[6].user!.userPrincipalName, "user007.5f1c6a0e@contoso.example");
    const kiosk = devicesOfGroup(store.getGroup(G.kiosk)!);
    assert.strictEqual(kiosk.length, 8);
    assert.ok(kiosk.every((d) => d.user === null));
    assert.ok(!kiosk.some((d) => a.some((s) => s.id === d.id)), "groups do not share devices");
  });

  it("a lone assigned profile succeeds on every device of its groups; an unassigned one reaches nobody", () => {
    const p = ios(store, "iOS mail");
    const idle = ios(store, "idle", { hostName: "other.contoso.com" });
    assign(store, p, G.sales, G.kiosk);
    assert.deepStrictEqual(tally(store, p), { compliant: 50 });
    assert.deepStrictEqual(derive(store).statuses(idle), []);
    assert.strictEqual(derive(store).statuses("00000000-0000-0000-0000-000000000000"), undefined);
  });

  it("exclusion groups subtract; all devices and all licensed users stand for every group's members", () => {
    const p = ios(store, "iOS mail");
    seedPortalAssignment(store, p, { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" });
    seedPortalAssignment(store, p, { groupId: G.kiosk, exclude: true });
    assert.deepStrictEqual(tally(store, p), { compliant: 42 + 17 + 120 });
    const q = ios(store, "users", { hostName: "other.contoso.com" });
    seedPortalAssignment(store, q, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
    assert.deepStrictEqual(tally(store, q), { compliant: 42 + 17 + 8 + 120 });
    // Excluding a group that was never included changes nothing.
    const r = ios(store, "sales", { hostName: "third.contoso.com" });
    assign(store, r, G.sales);
    seedPortalAssignment(store, r, { groupId: G.field, exclude: true });
    assert.deepStrictEqual(tally(store, r), { compliant: 42 });
  });

  it("an assignment with intent remove delivers nothing", () => {
    const p = ios(store, "iOS mail");
    seedPortalAssignment(store, p, { groupId: G.field }, "remove");
    assert.deepStrictEqual(tally(store, p), {});
  });

  it("iOS: the later of two profiles with the same host (any case) and address errors where both reach, naming the earlier", () => {
    const first = ios(store, "first");
    const second = ios(store, "second", { hostName: "OUTLOOK.office365.com" });
    assign(store, first, G.sales);
    assign(store, second, G.sales, G.field);
    assert.deepStrictEqual(tally(store, first), { compliant: 42 });
    assert.deepStrictEqual(tally(store, second), { error: 42, compliant: 17 });
    const failed = derive(store).statuses(second)!.filter((s) => s.status === "error");
    assert.ok(failed.every((s) => s.device.groupId === G.sales));
    assert.deepStrictEqual(failed[0].reasons, [{ rule: "duplicateAccountBlocked", otherProfileId: first }]);
  });

  it("iOS: a different host or a different address source is no duplicate", () => {
    const a = ios(store, "a");
    const b = ios(store, "b", { hostName: "mail.contoso.com" });
    const c = ios(store, "c", { emailAddressSource: "userPrincipalName" });
    assign(store, a, G.field);
    assign(store, b, G.field);
    assign(store, c, G.field);
    for (const id of [a, b, c]) assert.deepStrictEqual(tally(store, id), { compliant: 17 });
  });

  it("Samsung Knox: two profiles with the same address source on a device are both in conflict, naming each other", () => {
    const a = knox(store, "Knox A");
    const b = knox(store, "Knox B", { hostName: "mail.contoso.com" });
    const other = knox(store, "Knox UPN", { emailAddressSource: "userPrincipalName" });
    assign(store, a, G.field);
    assign(store, b, G.field, G.kiosk);
    assign(store, other, G.field);
    assert.deepStrictEqual(tally(store, a), { conflict: 17 });
    assert.deepStrictEqual(tally(store, b), { conflict: 17, compliant: 8 });
    assert.deepStrictEqual(tally(store, other), { compliant: 17 });
    assert.deepStrictEqual(derive(store).statuses(a)![0].reasons, [{ rule: "duplicateAddressConflict", otherProfileId: b }]);
    assert.deepStrictEqual(derive(store).statuses(b)![0].reasons, [{ rule: "duplicateAddressConflict", otherProfileId: a }]);
    // The iOS rule is iOS only: an iOS profile with the same host and address does not touch Knox.
    const iphone = ios(store, "iOS");
    assign(store, iphone, G.field);
    assert.deepStrictEqual(tally(store, iphone), { compliant: 17 });
  });

  it("certificate authentication errors where the identity certificate profile does not reach the device", () => {
    const cert = scep(store);
    assign(store, cert, G.sales);
    const mail = ios(store, "cert mail", { authenticationMethod: "certificate" }, { identityCertificate: { collection: "deviceConfigurations", id: cert } });
    assign(store, mail, G.sales, G.field);
    assert.deepStrictEqual(tally(store, mail), { compliant: 42, error: 17 });
    const failed = derive(store).statuses(mail)!.find((s) => s.status === "error")!;
    assert.strictEqual(failed.device.groupId, G.field);
    assert.deepStrictEqual(failed.reasons, [{ rule: "certificateNotDelivered", otherProfileId: cert }]);

    // No link at all, or a link to a deleted profile: every device errors.
    const unlinked = ios(store, "unlinked", { hostName: "x.contoso.com", authenticationMethod: "certificate" });
    assign(store, unlinked, G.field);
    assert.deepStrictEqual(derive(store).statuses(unlinked)![0].reasons, [{ rule: "certificateNotDelivered", otherProfileId: null }]);
    store.deleteDeviceConfiguration(cert);
    assert.deepStrictEqual(tally(store, mail), { error: 59 });
  });

  it("a certificate profile errors where its linked trusted root does not reach the device, and its e-mail profile with it", () => {
    // GIVEN a root for sales only, and a SCEP profile linked to it for sales and field engineers
    const root = String(seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.iosTrustedRootCertificate", displayName: "iOS root", trustedRootCertificate: "AAAA" }).entity.id);
    assign(store, root, G.sales);
    const cert = String(
      seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS SCEP", scepServerUrls: ["https://scep.contoso.com"] }, { rootCertificate: { collection: "deviceConfigurations", id: root } }).entity.id,
    );
    assign(store, cert, G.sales, G.field);
    const mail = ios(store, "cert mail", { authenticationMethod: "certificate" }, { identityCertificate: { collection: "deviceConfigurations", id: cert } });
    assign(store, mail, G.sales, G.field);
    // THEN the certificate is not issued on the field engineers' devices, so their e-mail profile fails there too
    assert.deepStrictEqual(tally(store, cert), { compliant: 42, error: 17 });
    const failed = derive(store).statuses(cert)!.find((s) => s.status === "error")!;
    assert.strictEqual(failed.device.groupId, G.field);
    assert.deepStrictEqual(failed.reasons, [{ rule: "rootNotDelivered", otherProfileId: root }]);
    assert.deepStrictEqual(tally(store, mail), { compliant: 42, error: 17 });
    assert.deepStrictEqual(derive(store).statuses(mail)!.find((s) => s.status === "error")!.reasons, [{ rule: "certificateNotDelivered", otherProfileId: cert }]);
    // The root itself is fine wherever it goes.
    assert.deepStrictEqual(tally(store, root), { compliant: 42 });

    // WHEN the root reaches the field engineers too, everything succeeds
    assign(store, root, G.field);
    assert.deepStrictEqual([tally(store, cert), tally(store, mail)], [{ compliant: 59 }, { compliant: 59 }]);

    // WHEN the root is deleted, the link dangles: the certificate errors everywhere, naming the root
    store.deleteDeviceConfiguration(root);
    assert.deepStrictEqual(tally(store, cert), { error: 59 });
    assert.deepStrictEqual(derive(store).statuses(cert)![0].reasons, [{ rule: "rootNotDelivered", otherProfileId: root }]);
    assert.deepStrictEqual(tally(store, mail), { error: 59 });

    // A certificate profile without a root link is not judged by the root rule.
    const unlinked = scep(store);
    assign(store, unlinked, G.field);
    assert.deepStrictEqual(tally(store, unlinked), { compliant: 17 });
  });

  it("an error beats a conflict on the same device", () => {
    const cert = String(seedDeviceConfiguration(store, { "@odata.type": "#microsoft.graph.androidScepCertificateProfile", displayName: "Android cert", scepServerUrls: ["https://scep.contoso.com"] }).entity.id);
    const a = knox(store, "Knox A");
    const b = knox(store, "Knox B", { authenticationMethod: "certificate" });
    store.updateDeviceConfiguration(b, {}, { identityCertificate: { collection: "deviceConfigurations", id: cert } });
    assign(store, a, G.field);
    assign(store, b, G.field);
    assert.deepStrictEqual(tally(store, b), { error: 17 });
    assert.deepStrictEqual(derive(store).statuses(b)![0].reasons.map((r) => r.rule), ["duplicateAddressConflict", "certificateNotDelivered"]);
    assert.deepStrictEqual(tally(store, a), { conflict: 17 });
  });
});
