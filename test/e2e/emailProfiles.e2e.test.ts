// Every platform's e-mail profile through the real Pulumi CLI: create, empty preview, tenant truth under the
// emulator's default (schema) dialect (tenantTruthSuite.ts), one setting per platform, a platform change
// (replace), drift both ways, certificates through $ref, destroy.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { changingSteps, type PulumiProject, useEmulatorStack } from "./harness";
import { assertDeclaredOnlyCreates, tenantTruthAfterUp } from "./tenantTruthSuite";

const emailTypes = [
  "iosEasEmailProfileConfiguration",
  "androidEasEmailProfileConfiguration",
  "androidWorkProfileGmailEasConfiguration",
  "androidWorkProfileNineWorkEasConfiguration",
  "windows10EasEmailProfileConfiguration",
  "windowsPhoneEASEmailProfileConfiguration",
];

describe("e2e: EmailProfile for every platform with the real Pulumi CLI", function () {
  this.timeout(1_200_000);
  let emulator: EmulatorClient;
  let project: PulumiProject;
  let values: any = {};

  const profiles = async () =>
    ((await emulator.graph("GET", "/deviceManagement/deviceConfigurations")).body.value as any[]).filter((p) =>
      emailTypes.includes(String(p["@odata.type"]).replace("#microsoft.graph.", "")),
    );
  const byName = async (displayName: string) => (await profiles()).find((p) => p.displayName === displayName);
  const setConfig = async (v: any) => {
    values = v;
    await project.setConfig(v);
  };

  useEmulatorStack("email-profiles", async (s) => {
    ({ emulator, project } = s);
    // The tenant-truth checks below are this file's for the schema dialect (tenantTruthSuite.ts).
    const r = await emulator.config({ dialect: "schema" });
    assert.strictEqual(r.status, 200, JSON.stringify(r.body));
  }, { program: "javascript" });

  it("previews twelve profiles with their declared settings only and two scope tags, without writing", async () => {
    await emulator.clearRequests();
    const preview = await project.previewJson();
    assert.strictEqual(changingSteps(preview, "EmailProfile").filter((s) => s.op === "create").length, 12);
    assert.strictEqual(changingSteps(preview, "ScopeTag").length, 2);
    const writes = (await emulator.requests()).filter((r) => r.method !== "GET" && !/oauth2|\$batch/.test(r.path));
    assert.deepStrictEqual(writes, []);
    // Tenant truth under the schema dialect: the declared settings only, no undeclared one carried as null.
    assertDeclaredOnlyCreates(preview);
  });

  it("creates all of them, with no request the emulator rejects, and then previews zero changes", async () => {
    await emulator.clearRequests();
    await project.up();
    const live = await profiles();
    assert.strictEqual(live.length, 12);
    for (const t of emailTypes) assert.strictEqual(live.filter((p) => p["@odata.type"] === `#microsoft.graph.${t}`).length, 2, t);
    const rejected = (await emulator.requests()).filter((r) => r.status === 400);
    assert.deepStrictEqual(rejected, []);
    const maxIos = live.find((p) => p.displayName === "iOS: Exchange for all iPhones");
    assert.strictEqual(maxIos.easServices, "calendars,contacts,email,notes,reminders");
    assert.strictEqual(maxIos.roleScopeTagIds.length, 1);
    assert.notStrictEqual(maxIos.roleScopeTagIds[0], "0");

    const again = await project.previewJson();
    assert.deepStrictEqual(changingSteps(again), [], JSON.stringify(changingSteps(again), null, 1));
  });

  tenantTruthAfterUp("schema", () => ({ emulator, project }));

  it("changes one setting per platform and shows only that property", async () => {
    const changed = ["ios-min", "knox-min", "gmail-min", "nine-min", "win10-min", "wp81-min"];
    await setConfig({ overrides: Object.fromEntries(changed.map((n) => [n, { settings: { durationOfEmailToSync: "oneWeek" } }])) });
    const preview = await project.previewJson();
    const steps = changingSteps(preview);
    assert.deepStrictEqual(steps.map((s) => s.urn.split("::").pop()).sort(), [...changed].sort());
    for (const s of steps) {
      assert.strictEqual(s.op, "update");
      assert.deepStrictEqual(Object.keys(s.detailedDiff ?? {}), ["settings.durationOfEmailToSync"], s.urn);
      // Declared now, not before: the preview adds it (`+` in `preview --diff`), and nothing is filled in for
      // settings left out (the text preview printed the same engine diff; scopeTag.e2e checks the text).
      assert.strictEqual(s.detailedDiff!["settings.durationOfEmailToSync"].kind, "add", s.urn);
      assert.strictEqual((s.newState?.inputs?.settings as Record<string, unknown>).durationOfEmailToSync, "oneWeek");
      assert.doesNotMatch(JSON.stringify(s.newState?.inputs), /userDefined/, s.urn);
    }

    await emulator.clearRequests();
    await project.up();
    const patches = (await emulator.requests()).filter((r) => r.method === "PATCH");
    assert.strictEqual(patches.length, 6);
    for (const p of patches) {
      // Only what changed, plus @odata.type.
      assert.deepStrictEqual(Object.keys(p.body as object).sort(), ["@odata.type", "durationOfEmailToSync"]);
    }
    assert.strictEqual((await byName("Windows 10: Exchange (minimal)")).durationOfEmailToSync, "oneWeek");
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
  });

  it("replaces a profile whose platform changes, caused by `platform`", async () => {
    const before = await byName("Windows Phone 8.1: Exchange (minimal)");
    await setConfig({ ...values, overrides: { ...values.overrides, "wp81-min": { platform: "windows10", settings: { durationOfEmailToSync: "oneWeek", emailAddressSource: "primarySmtpAddress" } } } });
    const preview = await project.previewJson();
    const steps = changingSteps(preview, "EmailProfile");
    assert.strictEqual(steps.length, 1);
    assert.match(steps[0].op, /replace/);
    assert.deepStrictEqual(steps[0].replaceReasons, ["platform"]);
    assert.strictEqual(steps[0].detailedDiff!.platform.kind, "update-replace");
    await project.up();
    const after = await byName("Windows Phone 8.1: Exchange (minimal)");
    assert.strictEqual(after["@odata.type"], "#microsoft.graph.windows10EasEmailProfileConfiguration");
    assert.notStrictEqual(after.id, before.id);
    assert.strictEqual((await emulator.graph("GET", `/deviceManagement/deviceConfigurations/${before.id}`)).status, 404);
  });

  it("reports an out-of-band PATCH on refresh and repairs it on the next up", async () => {
    const p = await byName("iOS: Exchange for all iPhones");
    const r = await emulator.graph("PATCH", `/deviceManagement/deviceConfigurations/${p.id}`, {
      "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
      hostName: "mail.evil.example",
    });
    assert.strictEqual(r.status, 204);
    const refresh = await project.refreshJson();
    const drift = refresh.steps.find((s) => s.urn.endsWith("::ios-max"))!;
    assert.strictEqual(drift.op, "update");
    assert.strictEqual((drift.newState!.outputs!.settings as any).hostName, "mail.evil.example");
    const repair = changingSteps(await project.previewJson());
    assert.deepStrictEqual(repair.map((s) => [s.urn.split("::").pop(), Object.keys(s.detailedDiff ?? {})]), [["ios-max", ["settings.hostName"]]]);
    await project.up();
    assert.strictEqual((await byName("iOS: Exchange for all iPhones")).hostName, "outlook.office365.com");
  });

  it("drops an out-of-band delete on refresh and re-creates it on up", async () => {
    const p = await byName("Samsung Knox: Exchange (minimal)");
    assert.strictEqual((await emulator.graph("DELETE", `/deviceManagement/deviceConfigurations/${p.id}`)).status, 200);
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    const steps = changingSteps(await project.upJson());
    assert.deepStrictEqual(steps.map((s) => [s.op, s.urn.split("::").pop()]), [["create", "knox-min"]]);
    assert.ok(await byName("Samsung Knox: Exchange (minimal)"));
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
  });

  it("binds certificates on create, shows them after refresh and moves them through $ref", async () => {
    const cert = async (type: string, name: string, extra: object) =>
      (await emulator.graph("POST", "/deviceManagement/deviceConfigurations", { "@odata.type": `#microsoft.graph.${type}`, displayName: name, ...extra })).body;
    const iosScep = await cert("iosScepCertificateProfile", "iOS SCEP", { scepServerUrls: ["https://scep.contoso.com"] });
    const iosScep2 = await cert("iosScepCertificateProfile", "iOS SCEP 2", { scepServerUrls: ["https://scep2.contoso.com"] });
    const androidPkcs = await cert("androidPkcsCertificateProfile", "Android PKCS", { certificateTemplateName: "User", certificationAuthority: "ca.contoso.com", certificationAuthorityName: "Contoso CA" });
    assert.ok(iosScep.id && iosScep2.id && androidPkcs.id, JSON.stringify([iosScep, androidPkcs]));

    await setConfig({ ...values, certificates: { iosIdentity: iosScep.id, androidIdentity: androidPkcs.id } });
    await project.up();
    const iosCert = await byName("iOS: Exchange with certificate authentication");
    const knoxCert = await byName("Samsung Knox: Exchange with certificate authentication");
    const linked = async (p: any) =>
      (await emulator.graph("GET", `/deviceManagement/deviceConfigurations/${p.id}/${p["@odata.type"].replace("#", "")}/identityCertificate`)).body.id;
    assert.strictEqual(await linked(iosCert), iosScep.id);
    assert.strictEqual(await linked(knoxCert), androidPkcs.id);

    // No change in the refresh: a preview after it would be empty (Pulumi's refresh diffs as a preview would).
    await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    const outputs = (await project.ok(["stack", "export"])).stdout;
    assert.ok(outputs.includes(`"identityCertificateId": "${iosScep.id}"`));

    await setConfig({ ...values, certificates: { iosIdentity: iosScep2.id, androidIdentity: androidPkcs.id } });
    const preview = changingSteps(await project.previewJson());
    assert.deepStrictEqual(preview.map((s) => [s.urn.split("::").pop(), Object.keys(s.detailedDiff ?? {})]), [["ios-cert", ["identityCertificateId"]]]);
    await emulator.clearRequests();
    await project.up();
    const refPuts = (await emulator.requests()).filter((r) => r.method === "PUT" && r.path.endsWith("/identityCertificate/$ref"));
    assert.strictEqual(refPuts.length, 1);
    assert.strictEqual(await linked(iosCert), iosScep2.id);
  });

  it("moves a profile between scope tags, the built-in Default tag by reference, in any order", async () => {
    const { scopeTagId, helpdeskTagId } = await project.outputs();
    await setConfig({ ...values, scopeTags: { "ios-max": ["helpdesk", "default"], "ios-min": ["mailAdmins"] } });
    const preview = changingSteps(await project.previewJson());
    assert.deepStrictEqual(
      preview.map((s) => [s.urn.split("::").pop(), Object.keys(s.detailedDiff ?? {}).every((k) => k.startsWith("scopeTagIds"))]).sort(),
      [["ios-max", true], ["ios-min", true]],
    );
    await project.up();
    assert.deepStrictEqual([...(await byName("iOS: Exchange for all iPhones")).roleScopeTagIds].sort(), ["0", helpdeskTagId].sort());
    assert.deepStrictEqual((await byName("iOS: Exchange (minimal)")).roleScopeTagIds, [scopeTagId]);
    // The same set in another order is no change; neither is the empty list the tenant turns into "0".
    await setConfig({ ...values, scopeTags: { "ios-max": ["default", "helpdesk", "helpdesk"], "ios-min": ["mailAdmins"], "knox-min": [] } });
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
  });

  it("destroy leaves no e-mail profile", async () => {
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    assert.deepStrictEqual(await profiles(), []);
    const rejected = (await emulator.requests()).filter((r) => r.status === 400);
    assert.deepStrictEqual(rejected, []);
  });
});
