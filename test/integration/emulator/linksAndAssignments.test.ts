import * as assert from "assert";
import { SEEDED_GROUPS, seedPortalAssignment } from "../../../emulator";
import { assertGraphError, iosProfile } from "./helpers";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const DC = "/deviceManagement/deviceConfigurations";
const PKCS = {
  "@odata.type": "#microsoft.graph.iosPkcsCertificateProfile",
  displayName: "iOS PKCS",
  certificationAuthority: "ca.contoso.example",
  certificationAuthorityName: "Contoso CA",
  certificateTemplateName: "User",
};

describe("emulator integration: certificate links and assignments", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator();
  });
  after(() => h.server.close());
  beforeEach(() => h.server.store.reset());

  it("binds a certificate with @odata.bind, reads it on the typed route, and changes it with $ref", async () => {
    const cert = (await h.graph("POST", DC, PKCS)).body;
    const other = (await h.graph("POST", DC, { ...PKCS, displayName: "second" })).body;
    const url = `${h.client.info.graphEndpoint}/beta${DC}('${cert.id}')`;
    const mail = await h.graph("POST", DC, iosProfile({ "identityCertificate@odata.bind": url }));
    assert.strictEqual(mail.status, 201);
    assert.ok(!("identityCertificate" in mail.body));
    const typed = `${DC}/${mail.body.id}/microsoft.graph.iosEasEmailProfileConfiguration/identityCertificate`;
    const linked = await h.graph("GET", typed);
    assert.strictEqual(linked.status, 200);
    assert.strictEqual(linked.body.id, cert.id);
    assert.strictEqual(linked.body["@odata.type"], "#microsoft.graph.iosPkcsCertificateProfile");

    assert.strictEqual((await h.graph("PUT", `${typed}/$ref`, { "@odata.id": `${h.client.info.graphEndpoint}/beta${DC}/${other.id}` })).status, 204);
    assert.strictEqual((await h.graph("GET", typed)).body.id, other.id);
    assert.strictEqual((await h.graph("GET", `${DC}/${mail.body.id}`)).body.version, 2);
    assert.strictEqual((await h.graph("DELETE", `${typed}/$ref`)).status, 204);
    assertGraphError(await h.graph("GET", typed), 404, "ResourceNotFound");
    assert.strictEqual((await h.graph("GET", `${DC}/${mail.body.id}`)).body.version, 3);
  });

  it("rejects links to missing or unsuitable targets, and $expand", async () => {
    const trusted = (await h.graph("POST", DC, { "@odata.type": "#microsoft.graph.iosTrustedRootCertificate", displayName: "root", certFileName: "r.cer" })).body;
    const missing = `${DC}/00000000-0000-0000-0000-000000000000`;
    assertGraphError(await h.graph("POST", DC, iosProfile({ "identityCertificate@odata.bind": missing })), 400, "BadRequest", /does not exist/);
    assertGraphError(
      await h.graph("POST", DC, iosProfile({ "identityCertificate@odata.bind": `${DC}/${trusted.id}` })),
      400,
      "BadRequest",
      /iosTrustedRootCertificate.*iosCertificateProfileBase/,
    );
    assertGraphError(await h.graph("POST", DC, iosProfile({ "rootCertificate@odata.bind": `${DC}/${trusted.id}` })), 400, "BadRequest", /rootCertificate/);
    assertGraphError(await h.graph("GET", `${DC}?$expand=identityCertificate`), 400, "BadRequest", /\$expand/);
  });

  it("links derived credential settings from the derivedCredentials collection", async () => {
    const cred = await h.graph("POST", "/deviceManagement/derivedCredentials", { displayName: "Purebred", issuer: "purebred", notificationType: "email,companyPortal" });
    assert.strictEqual(cred.status, 201);
    const mail = await h.graph("POST", DC, iosProfile({ "derivedCredentialSettings@odata.bind": `/deviceManagement/derivedCredentials/${cred.body.id}` }));
    assert.strictEqual(mail.status, 201);
    const read = await h.graph("GET", `${DC}/${mail.body.id}/microsoft.graph.iosEasEmailProfileConfiguration/derivedCredentialSettings`);
    assert.strictEqual(read.body.displayName, "Purebred");
    assert.strictEqual(read.body.notificationType, "companyPortal,email");
  });

  it("leaves a link dangling when its target is deleted (reads 404)", async () => {
    const cert = (await h.graph("POST", DC, PKCS)).body;
    const mail = (await h.graph("POST", DC, iosProfile({ "smimeSigningCertificate@odata.bind": `${DC}('${cert.id}')` }))).body;
    assert.strictEqual((await h.graph("DELETE", `${DC}/${cert.id}`)).status, 200);
    assertGraphError(await h.graph("GET", `${DC}/${mail.id}/microsoft.graph.iosEasEmailProfileConfiguration/smimeSigningCertificate`), 404, "ResourceNotFound");
  });

  it("assign replaces the whole set; assignments can be listed, read, added and deleted", async () => {
    const mail = (await h.graph("POST", DC, iosProfile())).body;
    const group = (groupId: string, exclude = false) => ({
      target: { "@odata.type": exclude ? "#microsoft.graph.exclusionGroupAssignmentTarget" : "#microsoft.graph.groupAssignmentTarget", groupId },
    });
    const first = await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [group(SEEDED_GROUPS.salesUsers.id), group(SEEDED_GROUPS.kioskDevices.id, true)] });
    assert.strictEqual(first.status, 200);
    assert.deepStrictEqual(first.body.value.map((a: any) => a.id), [`${mail.id}_${SEEDED_GROUPS.salesUsers.id}`, `${mail.id}_${SEEDED_GROUPS.kioskDevices.id}`]);
    assert.strictEqual(first.body.value[0].target.deviceAndAppManagementAssignmentFilterType, "none");
    const second = await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [{ target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } }] });
    assert.strictEqual(second.body.value.length, 1);
    const listed = await h.graph("GET", `${DC}/${mail.id}/assignments`);
    assert.deepStrictEqual(listed.body.value.map((a: any) => a.target["@odata.type"]), ["#microsoft.graph.allLicensedUsersAssignmentTarget"]);

    const added = await h.graph("POST", `${DC}/${mail.id}/assignments`, group(SEEDED_GROUPS.fieldEngineers.id));
    assert.strictEqual(added.status, 201);
    assert.strictEqual((await h.graph("GET", `${DC}/${mail.id}/assignments/${added.body.id}`)).body.target.groupId, SEEDED_GROUPS.fieldEngineers.id);
    assert.strictEqual((await h.graph("DELETE", `${DC}/${mail.id}/assignments/${added.body.id}`)).status, 204);
    assertGraphError(await h.graph("GET", `${DC}/${mail.id}/assignments/${added.body.id}`), 404, "ResourceNotFound");

    const legacy = await h.graph("POST", `${DC}/${mail.id}/assign`, { deviceConfigurationGroupAssignments: [{ targetGroupId: SEEDED_GROUPS.allStaff.id, excludeGroup: false }] });
    assert.strictEqual(legacy.body.value[0].target["@odata.type"], "#microsoft.graph.groupAssignmentTarget");
    assert.strictEqual((await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [] })).body.value.length, 0);
  });

  it("rejects unknown groups and malformed targets", async () => {
    const mail = (await h.graph("POST", DC, iosProfile())).body;
    assertGraphError(
      await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "99999999-9999-9999-9999-999999999999" } }] }),
      400,
      "BadRequest",
      /Group '99999999/,
    );
    assertGraphError(await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [{ target: { groupId: SEEDED_GROUPS.allStaff.id } }] }), 400, "BadRequest", /@odata\.type/);
    assertGraphError(
      await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", groupId: "x" } }] }),
      400,
      "BadRequest",
      /groupId/,
    );
    assertGraphError(await h.graph("POST", `${DC}/${mail.id}/assign`, { targets: [] }), 400, "BadRequest", /targets/);
  });

  it("seeds a portal-made assignment that the API then shows", async () => {
    const mail = (await h.graph("POST", DC, iosProfile())).body;
    seedPortalAssignment(h.server.store, mail.id, { groupId: SEEDED_GROUPS.fieldEngineers.id, exclude: true });
    const listed = await h.graph("GET", `${DC}/${mail.id}/assignments`);
    assert.deepStrictEqual(listed.body.value.map((a: any) => [a.target["@odata.type"], a.target.groupId]), [["#microsoft.graph.exclusionGroupAssignmentTarget", SEEDED_GROUPS.fieldEngineers.id]]);
    // Indistinguishable from the same assignment made through the API (what the provider adopts and diffs).
    const other = (await h.graph("POST", DC, iosProfile())).body;
    const target = { "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", groupId: SEEDED_GROUPS.fieldEngineers.id };
    assert.strictEqual((await h.graph("POST", `${DC}/${other.id}/assign`, { assignments: [{ target }] })).status, 200);
    const made = (await h.graph("GET", `${DC}/${other.id}/assignments`)).body.value;
    const withoutProfile = (a: any) => ({ ...a, id: a.id.replace(/^[^_]+_/, "<profile>_") });
    assert.deepStrictEqual(listed.body.value.map(withoutProfile), made.map(withoutProfile));
    // And part of the set that `/assign` replaces.
    assert.strictEqual((await h.graph("POST", `${DC}/${mail.id}/assign`, { assignments: [] })).status, 200);
    assert.deepStrictEqual((await h.graph("GET", `${DC}/${mail.id}/assignments`)).body.value, []);
  });
});
