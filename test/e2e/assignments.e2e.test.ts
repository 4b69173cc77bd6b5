// ProfileAssignment and impact warnings through the real Pulumi CLI: who receives a profile, duplicate
// accounts per platform, conflicts, device groups, certificate chains, reconfiguration prompts,
// removals; preview never writes; assignments made elsewhere survive.
import * as assert from "assert";
import { SEEDED_GROUPS } from "../../emulator";
import { factsFromDigest } from "../../cli/previewJson";
import type { ImpactFact } from "../../provider/impact/facts";
import type { EmulatorClient, EmulatorInfo } from "../support/emulatorClient";
import { changingSteps, type PulumiProject, type PreviewDigest, useEmulatorStack } from "./harness";

const group = (name: string) => Object.values(SEEDED_GROUPS).find((g) => g.displayName === name)!.id;
const groups = { sales: group("Sales Users"), field: group("Field Engineers"), kiosk: group("Kiosk Devices"), allStaff: group("All Staff") };

/** The facts of a preview as the review reads them (the stack record's machine channel). */
function facts(p: PreviewDigest, resourceName?: string): ImpactFact[] {
  return factsFromDigest(p as Parameters<typeof factsFromDigest>[0])
    .filter((f) => !resourceName || (f.urn ?? "").endsWith(`::${resourceName}`))
    .map((f) => f.fact);
}

describe("e2e: ProfileAssignment and impact at preview with the real Pulumi CLI", function () {
  this.timeout(1_200_000);
  let info: EmulatorInfo;
  let emulator: EmulatorClient;
  let project: PulumiProject;
  let certificateId: string;
  let rootId: string;
  let portalAssignmentId: string;

  const assignmentsOf = async (profileId: string) => (await emulator.graph("GET", `/deviceManagement/deviceConfigurations/${profileId}/assignments`)).body.value as any[];
  const writesIn = (log: { method: string; path: string; body: any }[]) =>
    log.filter((r) => !r.path.includes("/oauth2/") && (r.method !== "GET" && !(r.path.endsWith("$batch") && (r.body?.requests ?? []).every((q: any) => q.method === "GET"))));

  useEmulatorStack("assignments", async (s) => {
    ({ info, emulator, project } = s);
    // Certificate chain made outside the stack: a trusted root and an iOS SCEP profile chained to it,
    // plus a portal-made assignment of the certificate profile to All Staff.
    const root = await emulator.graph("POST", "/deviceManagement/deviceConfigurations", {
      "@odata.type": "#microsoft.graph.iosTrustedRootCertificate",
      displayName: "Contoso Root CA",
      trustedRootCertificate: Buffer.from("root").toString("base64"),
      certFileName: "root.cer",
    });
    rootId = root.body.id;
    const cert = await emulator.graph("POST", "/deviceManagement/deviceConfigurations", {
      "@odata.type": "#microsoft.graph.iosScepCertificateProfile",
      displayName: "iOS user certificate",
      scepServerUrls: ["https://scep.contoso.com"],
      "rootCertificate@odata.bind": `${info.graphEndpoint}/beta/deviceManagement/deviceConfigurations('${rootId}')`,
    });
    assert.strictEqual(cert.status, 201, JSON.stringify(cert.body));
    certificateId = cert.body.id;
    const portal = await emulator.graph("POST", `/deviceManagement/deviceConfigurations/${certificateId}/assignments`, {
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: groups.allStaff },
    });
    assert.strictEqual(portal.status, 201, JSON.stringify(portal.body));
    portalAssignmentId = portal.body.id;
  }, { program: "javascript" });

  it("says at preview who receives each profile and what happens to existing accounts, writing nothing", async () => {
    await project.setConfig({ groups, assignments: { "ios-mail": ["sales"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field", "kiosk"] } });
    await emulator.clearRequests();
    const preview = await project.previewJson();
    assert.deepStrictEqual(writesIn(await emulator.requests()), []);

    const ios = facts(preview, "ios-mail-assignment");
    const delivered = ios.find((f) => f.kind === "newRecipients") as Extract<ImpactFact, { kind: "newRecipients" }>;
    assert.deepStrictEqual(delivered.groups.map((g) => [g.displayName, g.memberCount]), [["Sales Users", 42]]);
    assert.ok(ios.some((f) => f.kind === "duplicateAccountBlocked"), JSON.stringify(ios));
    const iosWarning = (preview.diagnostics ?? []).find((d) => (d.urn ?? "").endsWith("::ios-mail-assignment") && /blocked until the user removes/.test(d.message));
    assert.ok(iosWarning, "the iOS warning is a real warning on the assignment's URN");
    assert.match(iosWarning!.urn!, /^urn:pulumi:e2e::assignments::pulumi-nodejs:dynamic\/intune:ProfileAssignment::ios-mail-assignment$/);

    const windows = facts(preview, "windows-mail-assignment").find((f) => f.kind === "duplicateAccountOverwritten") as any;
    assert.strictEqual(windows.matchedOn, "hostAndAddress");

    const knox = [...facts(preview, "knox-a-assignment"), ...facts(preview, "knox-b-assignment")];
    assert.ok(knox.some((f) => f.kind === "duplicateAccountOverwritten" && (f as any).matchedOn === "address"));
    const conflict = knox.find((f) => f.kind === "duplicateConflict") as Extract<ImpactFact, { kind: "duplicateConflict" }>;
    assert.ok(conflict, JSON.stringify(knox));
    assert.deepStrictEqual([conflict.profile, conflict.otherProfile].sort(), ["Knox: Exchange Online", "Knox: on-premises Exchange"]);
    assert.deepStrictEqual(conflict.groups.map((g) => g.displayName), ["Field Engineers"]);
    const device = knox.find((f) => f.kind === "deviceGroupTarget") as Extract<ImpactFact, { kind: "deviceGroupTarget" }>;
    assert.deepStrictEqual(device.groups.map((g) => [g.displayName, g.memberCount]), [["Kiosk Devices", 8]]);
    assert.ok((preview.diagnostics ?? []).every((d) => d.severity !== "error"));
    // People read one sentence per impact: no machine-readable line in any warning (the diagnostics are
    // what the text preview prints).
    assert.ok((preview.diagnostics ?? []).every((d) => !/\[pulumi-intune impact\]|\{"kind"/.test(d.message)), JSON.stringify(preview.diagnostics));
  });

  it("creates the assignments; a preview without changes has no impact warnings and makes no Graph calls", async () => {
    await project.up();
    const iosId = (await project.outputs()).iosMailId;
    assert.deepStrictEqual((await assignmentsOf(iosId)).map((a) => a.target.groupId), [groups.sales]);
    await emulator.clearRequests();
    const preview = await project.previewJson();
    assert.deepStrictEqual(changingSteps(preview), []);
    assert.deepStrictEqual(facts(preview), []);
    assert.deepStrictEqual((await emulator.requests()).filter((r) => !r.path.includes("/oauth2/") && !r.path.includes("openid")), []);
  });

  it("warns that users must approve the reconfiguration when an assigned profile changes", async () => {
    await project.setConfig({ groups, iosHostName: "mail.contoso.com", assignments: { "ios-mail": ["sales"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field", "kiosk"] } });
    const preview = await project.previewJson();
    const prompt = facts(preview, "ios-mail").find((f) => f.kind === "reconfigurationPrompt") as Extract<ImpactFact, { kind: "reconfigurationPrompt" }>;
    assert.deepStrictEqual(prompt.changedSettings, ["settings.hostName"]);
    assert.deepStrictEqual(prompt.groups.map((g) => [g.displayName, g.memberCount]), [["Sales Users", 42]]);
    assert.ok((preview.diagnostics ?? []).some((d) => /will be asked to approve the reconfiguration of their e-mail account/.test(d.message)));
    await project.up();
  });

  it("warns that the account is removed when a target goes away", async () => {
    await project.setConfig({ groups, iosHostName: "mail.contoso.com", assignments: { "ios-mail": ["sales"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field"] } });
    const preview = await project.previewJson();
    const removal = facts(preview, "knox-b-assignment").find((f) => f.kind === "accountRemoval") as Extract<ImpactFact, { kind: "accountRemoval" }>;
    assert.deepStrictEqual(removal.groups.map((g) => g.displayName), ["Kiosk Devices"]);
    const step = changingSteps(preview, "ProfileAssignment")[0];
    assert.strictEqual(step.op, "update");
    await project.up();
  });

  it("keeps two ProfileAssignments on one profile from erasing each other, and refuses a shared target", async () => {
    const iosId = (await project.outputs()).iosMailId;
    await project.setConfig({ groups, iosHostName: "mail.contoso.com", assignments: { "ios-mail": ["sales"], "ios-mail#2": ["field"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field"] } });
    await project.up();
    assert.deepStrictEqual((await assignmentsOf(iosId)).map((a) => a.target.groupId).sort(), [groups.sales, groups.field].sort());
    await project.setConfig({ groups, iosHostName: "mail.contoso.com", assignments: { "ios-mail": ["sales", "allStaff"], "ios-mail#2": ["field"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field"] } });
    await project.up();
    assert.deepStrictEqual((await assignmentsOf(iosId)).map((a) => a.target.groupId).sort(), [groups.sales, groups.field, groups.allStaff].sort());

    await project.setConfig({ groups, iosHostName: "mail.contoso.com", assignments: { "ios-mail": ["sales", "allStaff"], "ios-mail#2": ["field", "sales"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field"] } });
    const clash = await project.pulumi(["up", "--yes", "--skip-preview"]);
    assert.notStrictEqual(clash.code, 0);
    assert.match(clash.stdout + clash.stderr, /already has an assignment for group:[0-9a-f-]+ .* that this ProfileAssignment does not own/);
    assert.deepStrictEqual((await assignmentsOf(iosId)).map((a) => a.target.groupId).sort(), [groups.sales, groups.field, groups.allStaff].sort());
  });

  it("warns when the certificate and trusted-root profiles do not reach every group of the e-mail profile", async () => {
    // ios-mail-2 gains Kiosk Devices; ios-mail already reaches Sales and All Staff, ios-mail-2 Field Engineers.
    await project.setConfig({ groups, iosCertificateId: certificateId, certificateAssignment: ["sales"], assignments: { "ios-mail": ["sales", "allStaff"], "ios-mail#2": ["field", "kiosk"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field"] } });
    const preview = await project.previewJson();
    type Gap = Extract<ImpactFact, { kind: "certificateChainGap" }>;
    const gaps = facts(preview, "ios-mail-2-assignment").filter((f) => f.kind === "certificateChainGap") as Gap[];
    const identity = gaps.find((g) => g.role === "identityCertificate");
    const root = gaps.find((g) => g.role === "trustedRoot");
    assert.ok(identity && root, JSON.stringify(facts(preview)));
    // The certificate reaches Sales (this stack) and All Staff (portal); Field Engineers already had the
    // e-mail profile, but with a certificate it now needs the chain there too.
    assert.deepStrictEqual(identity!.missingGroups.map((g) => g.displayName).sort(), ["Field Engineers", "Kiosk Devices"]);
    assert.strictEqual(root!.certificateProfile, "Contoso Root CA");
    assert.deepStrictEqual(root!.missingGroups.map((g) => g.displayName).sort(), ["Field Engineers", "Kiosk Devices"]);
    // The profile itself switching to a certificate says the same for every group it reaches after this
    // change: the tenant's, and Kiosk Devices, which ios-mail-2 adds in the same preview.
    const onProfile = facts(preview, "ios-mail").filter((f) => f.kind === "certificateChainGap") as Gap[];
    const rootNow = onProfile.find((g) => g.role === "trustedRoot");
    assert.ok(rootNow, JSON.stringify(facts(preview, "ios-mail")));
    assert.deepStrictEqual(rootNow!.missingGroups.map((g) => g.displayName).sort(), ["All Staff", "Field Engineers", "Kiosk Devices", "Sales Users"]);
    await project.up();
    // The portal-made assignment of the certificate profile survives our up...
    assert.ok((await assignmentsOf(certificateId)).some((a) => a.id === portalAssignmentId));
  });

  it("warns at preview, with group names and counts, when an assignment or an assigned profile is deleted", async () => {
    await project.setConfig({ groups, omit: ["windows-mail"], iosCertificateId: certificateId, certificateAssignment: ["sales"], assignments: { "ios-mail": ["sales", "allStaff"], "ios-mail#2": ["field", "kiosk"], "knox-a": ["field"] } });
    const preview = await project.previewJson();
    const deletes = changingSteps(preview).filter((s) => s.op === "delete").map((s) => s.urn.split("::").pop()).sort();
    assert.deepStrictEqual(deletes, ["knox-b-assignment", "windows-mail", "windows-mail-assignment"]);
    type Removal = Extract<ImpactFact, { kind: "accountRemoval" }>;
    const knox = facts(preview, "knox-b-assignment").find((f) => f.kind === "accountRemoval") as Removal;
    assert.deepStrictEqual([knox.profile, knox.groups.map((g) => [g.displayName, g.memberCount])], ["Knox: on-premises Exchange", [["Field Engineers", 17]]]);
    const windows = facts(preview, "windows-mail").find((f) => f.kind === "accountRemoval") as Removal;
    assert.deepStrictEqual([windows.profile, windows.groups.map((g) => [g.displayName, g.memberCount])], ["Windows 10: Exchange", [["Sales Users", 42]]]);
    const warning = (preview.diagnostics ?? []).find((d) => (d.urn ?? "").endsWith("::knox-b-assignment") && d.severity === "warning");
    assert.match(warning?.message ?? "", /removed from the devices of "Field Engineers" \(17 members\)/);
  });

  it("warns too when the program declares no profile and no assignment any more", async () => {
    await project.setConfig({ groups, omit: ["ios-mail", "windows-mail", "knox-a", "knox-b"] });
    const preview = await project.previewJson();
    const deletes = changingSteps(preview).filter((s) => s.op === "delete").map((s) => s.urn.split("::").pop()).sort();
    assert.deepStrictEqual(deletes, ["ios-certificate-assignment", "ios-mail", "ios-mail-2-assignment", "ios-mail-assignment", "knox-a", "knox-a-assignment", "knox-b", "knox-b-assignment", "windows-mail", "windows-mail-assignment"]);
    type Removal = Extract<ImpactFact, { kind: "accountRemoval" }>;
    const removed = (name: string) => (facts(preview, name).find((f) => f.kind === "accountRemoval") as Removal | undefined)?.groups.map((g) => g.displayName).sort();
    // A deleted profile names every group its tenant assignments reach (both assignment resources here).
    assert.deepStrictEqual(removed("ios-mail"), ["All Staff", "Field Engineers", "Kiosk Devices", "Sales Users"]);
    assert.deepStrictEqual(removed("windows-mail"), ["Sales Users"]);
    assert.deepStrictEqual(removed("knox-b"), ["Field Engineers"]);
  });

  it("destroy removes only what the stack owns", async () => {
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    const left = await assignmentsOf(certificateId);
    assert.deepStrictEqual(left.map((a) => a.id), [portalAssignmentId]);
  });
});
