// TrustedRootCertificate and CertificateProfile handlers against the in-process emulator, through the
// real credential and Graph client, under every dialect: create with the root linked as code, no drift
// on read, PATCH of only what changed, root re-linked by $ref, adoption with zero writes, exactly-once
// creates after a lost answer, and bad input failing in check without a request.
import * as assert from "assert";
import { resolveSettings } from "../../../provider/config";
import {
  certificateProfileHandler,
  type CertificateProfileInputs,
  trustedRootCertificateHandler,
  type TrustedRootCertificateInputs,
} from "../../../provider/resources/certificateProfile";
import { ProviderRun } from "../../../provider/run";
import { DIALECTS, SEEDED_GROUPS } from "../../../emulator";
import { impactSettled } from "../../../provider/impact/analyze";
import { emailProfileHandler } from "../../../provider/resources/emailProfile";
import { profileAssignmentHandler, type ProfileAssignmentInputs } from "../../../provider/resources/profileAssignment";
import type { ResourceHandler } from "../../../provider/resources/types";
import { UNKNOWN } from "../../../provider/validation";
import { EmulatorClient, type LoggedRequest } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";
import { base64DerOf, scepSettings as completeScepSettings, testCertificatePem } from "../../support/testCertificates";

type Props = Record<string, any>;
const graphCalls = (log: LoggedRequest[]) => log.filter((r) => !/oauth2|openid/.test(r.path));
const writes = (log: LoggedRequest[]) => graphCalls(log).filter((r) => r.method !== "GET" && !(r.method === "POST" && /\$batch/.test(r.path) && !/"method":"(POST|PATCH|PUT|DELETE)"/.test(JSON.stringify(r.body ?? ""))));

const rootPem = testCertificatePem({ commonName: "Contoso Integration Root" });
const otherRootPem = testCertificatePem({ commonName: "Contoso Second Root" });

const scepSettings = {
  ...completeScepSettings,
  subjectNameFormatString: "CN={{UserPrincipalName}},E={{EmailAddress}}",
  extendedKeyUsages: [{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }],
};

for (const dialect of DIALECTS) {
  describe(`integration: certificate resources (${dialect} dialect)`, function () {
    this.timeout(60_000);
    let emu: TestEmulator;
    let run: ProviderRun;
    const newRun = () => new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
    let client: EmulatorClient;
    const check = async <I, O>(handler: ResourceHandler<I, O>, news: Props): Promise<I> => {
      const r = await handler.check(run, {}, news);
      assert.deepStrictEqual(r.failures ?? [], []);
      return r.inputs as I;
    };

    before(async () => {
      emu = await startTestEmulator({ dialect } as any);
      client = new EmulatorClient(emu.info);
      run = newRun();
    });
    after(() => emu.close());

    for (const platform of ["iosIpados", "androidDeviceAdministrator", "androidEnterpriseWorkProfile"]) {
      it(`${platform}: root and SCEP profile linked as code; read shows no drift; updates write only what changed`, async () => {
        const rootInputs = await check(trustedRootCertificateHandler, { displayName: `${platform} root`, platform, certificate: rootPem, certFileName: "root.cer" });
        const root = await trustedRootCertificateHandler.create(run, rootInputs);
        assert.match(String(root.outs!.subject), /CN=Contoso Integration Root/);
        assert.match(String(root.outs!.thumbprint), /^[0-9A-F]{40}$/);
        const liveRoot = (await client.graph("GET", `/deviceManagement/deviceConfigurations/${root.id}`)).body;
        assert.strictEqual(liveRoot.trustedRootCertificate, base64DerOf(rootPem));

        const profileInputs = await check(certificateProfileHandler, { displayName: `${platform} SCEP`, platform, kind: "scep", trustedRootId: root.id, settings: scepSettings });
        const scep = await certificateProfileHandler.create(run, profileInputs);
        assert.strictEqual(scep.outs!.trustedRootId, root.id);
        const link = await client.graph("GET", `/deviceManagement/deviceConfigurations/${scep.id}/${String(scep.outs!.odataType).slice(1)}/rootCertificate`);
        assert.strictEqual(link.body.id, root.id);

        // Refresh: inputs as the tenant reports them equal the program's; diff says no change.
        const noDrift = async <I extends { settings: unknown }, O>(handler: ResourceHandler<I, O>, made: { id: string; outs: O }, inputs: I) => {
          const read = await handler.read(run, made.id, made.outs);
          assert.deepStrictEqual(read.inputs!.settings, inputs.settings, `${platform}: refreshed settings`);
          const d = await handler.diff(run, made.id, read.props!, inputs);
          assert.strictEqual(d.changes, false, `${platform}: ${JSON.stringify(d)}`);
        };
        await noDrift(trustedRootCertificateHandler, root, rootInputs);
        await noDrift(certificateProfileHandler, scep, profileInputs);

        // An update of one setting PATCHes only that; a new root is linked with PUT $ref.
        const root2 = await trustedRootCertificateHandler.create(run, await check(trustedRootCertificateHandler, { displayName: `${platform} root 2`, platform, certificate: otherRootPem }));
        await client.clearRequests();
        const news = await check(certificateProfileHandler, { ...profileInputs, trustedRootId: root2.id, settings: { ...scepSettings, renewalThresholdPercentage: 25 } });
        assert.deepStrictEqual((await certificateProfileHandler.diff(run, scep.id, scep.outs!, news)).changes, undefined);
        const updated = await certificateProfileHandler.update(run, scep.id, scep.outs!, news);
        assert.strictEqual(updated.outs!.trustedRootId, root2.id);
        const log = writes(await client.requests());
        assert.deepStrictEqual(log.map((r) => r.method), ["PUT", "PATCH"]);
        assert.deepStrictEqual(Object.keys(log[1].body as object).sort(), ["@odata.type", "renewalThresholdPercentage"]);

        await certificateProfileHandler.delete(run, scep.id, updated.outs!);
        await trustedRootCertificateHandler.delete(run, root.id, root.outs!);
        await trustedRootCertificateHandler.delete(run, root2.id, root2.outs!);
      });
    }

    it("a changed root certificate in the portal shows as drift of `settings.trustedRootCertificate` and `certificate`", async () => {
      const inputs = await check(trustedRootCertificateHandler, { displayName: "drift root", platform: "iosIpados", certificate: rootPem });
      const root = await trustedRootCertificateHandler.create(run, inputs);
      await client.graph("PATCH", `/deviceManagement/deviceConfigurations/${root.id}`, { "@odata.type": "#microsoft.graph.iosTrustedRootCertificate", trustedRootCertificate: base64DerOf(otherRootPem) });
      const read = await trustedRootCertificateHandler.read(run, root.id, root.outs!);
      assert.strictEqual(read.inputs!.certificate, base64DerOf(otherRootPem));
      assert.match(String(read.props!.subject), /Second Root/);
      assert.deepStrictEqual((await trustedRootCertificateHandler.diff(run, root.id, read.props!, inputs)).changes, undefined);
      await client.clearRequests();
      const fixed = await trustedRootCertificateHandler.update(run, root.id, read.props!, inputs);
      assert.match(String(fixed.outs!.subject), /Integration Root/);
      assert.deepStrictEqual(writes(await client.requests()).map((r) => r.method), ["PATCH"]);
    });

    it("adoption of an existing root and PKCS profile makes zero writes when they match", async () => {
      const made = await client.graph("POST", "/deviceManagement/deviceConfigurations", { "@odata.type": "#microsoft.graph.androidWorkProfileTrustedRootCertificate", displayName: "portal root", trustedRootCertificate: base64DerOf(rootPem), certFileName: "r.cer" });
      const pkcs = await client.graph("POST", "/deviceManagement/deviceConfigurations", {
        "@odata.type": "#microsoft.graph.androidWorkProfilePkcsCertificateProfile", displayName: "portal pkcs", subjectNameFormat: "commonNameAsEmail",
        certificationAuthority: "ca.contoso.com", certificationAuthorityName: "Contoso CA", certificateTemplateName: "User",
        certificateValidityPeriodScale: "months", certificateValidityPeriodValue: 12, "rootCertificate@odata.bind": `${emu.info.graphEndpoint}/beta/deviceManagement/deviceConfigurations/${made.body.id}`,
      });
      assert.strictEqual(pkcs.status, 201, JSON.stringify(pkcs.body));
      await client.clearRequests();
      const root = await trustedRootCertificateHandler.create(run, await check(trustedRootCertificateHandler, { displayName: "portal root", platform: "androidEnterpriseWorkProfile", certificate: rootPem, adoptExistingId: made.body.id }));
      const profile = await certificateProfileHandler.create(run, await check(certificateProfileHandler, {
        displayName: "portal pkcs", platform: "androidEnterpriseWorkProfile", kind: "pkcs", trustedRootId: root.id, adoptExistingId: pkcs.body.id,
        settings: { subjectNameFormat: "commonNameAsEmail", certificationAuthority: "ca.contoso.com", certificationAuthorityName: "Contoso CA", certificateTemplateName: "User", certificateValidityPeriodScale: "months", certificateValidityPeriodValue: 12 },
      }));
      assert.strictEqual(profile.id, pkcs.body.id);
      assert.deepStrictEqual(writes(await client.requests()), []);
    });

    it("a create whose answer is lost is found again, never duplicated", async () => {
      const inputs = await check(trustedRootCertificateHandler, { displayName: "lost answer root", platform: "iosIpados", certificate: rootPem });
      await client.injectFault({ match: { method: "POST", path: "deviceConfigurations$" }, fault: "reset-after", count: 1 });
      const root = await trustedRootCertificateHandler.create(run, inputs);
      const all = (await client.graph("GET", "/deviceManagement/deviceConfigurations")).body.value.filter((p: Props) => p.displayName === "lost answer root");
      assert.deepStrictEqual(all.map((p: Props) => p.id), [root.id]);
    });

    it("bad input fails in check without a request: non-CA, expired, bad variable, http URL, cross-platform root", async () => {
      await client.clearRequests();
      const leaf = await trustedRootCertificateHandler.check(run, {}, { displayName: "x", platform: "iosIpados", certificate: testCertificatePem({ ca: false }) });
      assert.match(leaf.failures![0].reason, /must be a CA certificate/);
      const expired = await trustedRootCertificateHandler.check(run, {}, { displayName: "x", platform: "iosIpados", certificate: testCertificatePem({ notBefore: new Date(Date.now() - 9e9), notAfter: new Date(Date.now() - 1e8) }) });
      assert.match(expired.failures![0].reason, /must not be expired/);
      const variable = await certificateProfileHandler.check(run, {}, { displayName: "x", platform: "iosIpados", kind: "scep", trustedRootId: "r", settings: { ...scepSettings, subjectNameFormatString: "CN={{Mail}}" } });
      assert.match(variable.failures![0].reason, /unknown variable \{\{Mail\}\}/);
      const cross = await certificateProfileHandler.check(run, {}, { displayName: "x", platform: "iosIpados", kind: "scep", trustedRootId: "r", settings: scepSettings, __linkedPlatforms: { trustedRootId: "androidDeviceAdministrator" } });
      assert.match(cross.failures![0].reason, /got a trusted root of platform "androidDeviceAdministrator"/);
      assert.deepStrictEqual(graphCalls(await client.requests()), []);
    });
  });
}

// Whether Intune deletes a root (or certificate profile) another profile links to is not published:
// the emulator models both answers (`referencedDelete`), and neither leaves an orphan.
describe("integration: deleting a referenced root", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let run: ProviderRun;
  const newRun = () => new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
  let client: EmulatorClient;
  const make = async () => {
    const rootInputs = (await trustedRootCertificateHandler.check(run, {}, { displayName: "ref root", platform: "iosIpados", certificate: rootPem })).inputs as TrustedRootCertificateInputs;
    const root = await trustedRootCertificateHandler.create(run, rootInputs);
    const scepInputs = (await certificateProfileHandler.check(run, {}, { displayName: "ref scep", platform: "iosIpados", kind: "scep", trustedRootId: root.id, settings: scepSettings })).inputs as CertificateProfileInputs;
    return { root, rootInputs, scep: await certificateProfileHandler.create(run, scepInputs), scepInputs };
  };
  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    run = newRun();
  });
  after(() => emu.close());

  it("refuse: the delete fails naming the referrer, the root stays (in the tenant and the stack); unlinked first, it goes", async () => {
    await client.config({ referencedDelete: "refuse" });
    const { root, scep } = await make();
    await assert.rejects(() => trustedRootCertificateHandler.delete(run, root.id, root.outs!), (e: Error) => e.message.includes(`trusted root ${root.id} was not deleted, it stays in the stack`) && e.message.includes(scep.id));
    assert.strictEqual((await client.graph("GET", `/deviceManagement/deviceConfigurations/${root.id}`)).status, 200);
    await certificateProfileHandler.delete(run, scep.id, scep.outs!);
    await trustedRootCertificateHandler.delete(run, root.id, root.outs!);
    assert.strictEqual((await client.graph("GET", `/deviceManagement/deviceConfigurations/${root.id}`)).status, 404);
  });

  it("dangle: a root deleted first leaves the profile unlinked; refresh shows it, and up links the new root", async () => {
    await client.config({ referencedDelete: "dangle" });
    const { root, scep, scepInputs, rootInputs } = await make();
    assert.strictEqual((await client.graph("DELETE", `/deviceManagement/deviceConfigurations/${root.id}`)).status, 200);
    assert.deepStrictEqual(await trustedRootCertificateHandler.read(run, root.id, root.outs!), { id: "" });
    const read = await certificateProfileHandler.read(run, scep.id, scep.outs!);
    assert.strictEqual(read.inputs!.trustedRootId, undefined);
    // The next up creates the root again and links it: the profile is never left pointing at nothing.
    const again = await trustedRootCertificateHandler.create(run, rootInputs);
    const news = (await certificateProfileHandler.check(run, {}, { ...scepInputs, trustedRootId: again.id })).inputs as CertificateProfileInputs;
    assert.strictEqual((await certificateProfileHandler.diff(run, scep.id, read.props!, news)).changes, undefined);
    const updated = await certificateProfileHandler.update(run, scep.id, read.props!, news);
    assert.strictEqual(updated.outs!.trustedRootId, again.id);
  });
});

// The seed's rule at preview, before any id exists: the program's own root, certificate and e-mail
// profile, linked by URN, and the groups their ProfileAssignments give them.
describe("integration: impact of a chain that does not reach the e-mail profile's groups", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let run: ProviderRun;
  const newRun = () => new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
  before(async () => {
    emu = await startTestEmulator();
    run = newRun();
  });
  after(() => emu.close());

  const program = async (rootGroup: string, certGroup: string) => {
    run = newRun();
    const ok = (r: { failures?: readonly unknown[] }) => assert.deepStrictEqual(r.failures ?? [], []);
    ok(await trustedRootCertificateHandler.check(run, {}, { displayName: "Work root", platform: "androidEnterpriseWorkProfile", certificate: rootPem, __urn: "urn:root" }));
    ok(await certificateProfileHandler.check(run, {}, { displayName: "Work SCEP", platform: "androidEnterpriseWorkProfile", kind: "scep", trustedRootId: UNKNOWN, settings: scepSettings, __urn: "urn:cert", __trustedRootUrn: "urn:root" }));
    ok(await emailProfileHandler.check(run, {}, {
      displayName: "Work mail", platform: "androidEnterpriseWorkProfileGmail", identityCertificateId: UNKNOWN, __urn: "urn:mail", __identityCertificateUrn: "urn:cert",
      settings: { hostName: "outlook.office365.com", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", authenticationMethod: "certificate" },
    }));
    const assign = (urn: string, profileUrn: string, groupId: string) =>
      profileAssignmentHandler.check(run, {}, { profileId: UNKNOWN, targets: [{ kind: "group", groupId }], __urn: urn, __profileUrn: profileUrn });
    ok(await assign("urn:a-root", "urn:root", rootGroup));
    ok(await assign("urn:a-cert", "urn:cert", certGroup));
    ok(await assign("urn:a-mail", "urn:mail", SEEDED_GROUPS.salesUsers.id));
    await impactSettled(run);
    return (run.impact.factsByUrn.get("urn:a-mail") ?? []).filter((f) => f.kind === "certificateChainGap");
  };

  it("warns naming the group, the e-mail profile and the root when the root goes elsewhere", async () => {
    const gaps = await program(SEEDED_GROUPS.fieldEngineers.id, SEEDED_GROUPS.salesUsers.id);
    assert.deepStrictEqual(gaps.map((g) => [g.profile, g.certificateProfile, g.role, g.missingGroups.map((m) => m.displayName)]), [["Work mail", "Work root", "trustedRoot", ["Sales Users"]]]);
  });

  it("warns about the certificate profile too, and says nothing when all three reach the same group", async () => {
    const gaps = await program(SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.fieldEngineers.id);
    assert.deepStrictEqual(gaps.map((g) => [g.certificateProfile, g.role]), [["Work SCEP", "identityCertificate"]]);
    assert.deepStrictEqual(await program(SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.salesUsers.id), []);
  });
});

// A root and its certificate profile must both target users or both devices (issue 18): warned at
// preview, on the assignments of both, naming the profile, the root and the groups of each side.
describe("integration: impact of a root and certificate profile that target different kinds of group", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let run: ProviderRun;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.close());

  const program = async (rootGroups: string[], certGroups: string[]) => {
    run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
    const ok = (r: { failures?: readonly unknown[] }) => assert.deepStrictEqual(r.failures ?? [], []);
    ok(await trustedRootCertificateHandler.check(run, {}, { displayName: "Kiosk root", platform: "iosIpados", certificate: rootPem, __urn: "urn:root" }));
    ok(await certificateProfileHandler.check(run, {}, { displayName: "Kiosk SCEP", platform: "iosIpados", kind: "scep", trustedRootId: UNKNOWN, settings: scepSettings, __urn: "urn:cert", __trustedRootUrn: "urn:root" }));
    const assign = (urn: string, profileUrn: string, groups: string[]) =>
      profileAssignmentHandler.check(run, {}, { profileId: UNKNOWN, targets: groups.map((groupId) => ({ kind: "group", groupId })), __urn: urn, __profileUrn: profileUrn });
    ok(await assign("urn:a-root", "urn:root", rootGroups));
    ok(await assign("urn:a-cert", "urn:cert", certGroups));
    await impactSettled(run);
    const mismatches = (urn: string) => (run.impact.factsByUrn.get(urn) ?? []).filter((f) => f.kind === "certificateTargetKindMismatch");
    return { root: mismatches("urn:a-root"), cert: mismatches("urn:a-cert") };
  };
  const { salesUsers, fieldEngineers, kioskDevices } = SEEDED_GROUPS;
  const summary = (f: Props) => [f.profile, f.trustedRoot, f.targets, f.groups.map((g: Props) => g.displayName), f.rootGroups.map((g: Props) => g.displayName)];

  it("warns on both assignments when the root goes to users and the profile to devices", async () => {
    const { root, cert } = await program([salesUsers.id], [kioskDevices.id]);
    const expected = [["Kiosk SCEP", "Kiosk root", "devices", ["Kiosk Devices"], ["Sales Users"]]];
    assert.deepStrictEqual(cert.map(summary), expected);
    assert.deepStrictEqual(root.map(summary), expected);
  });

  it("warns the other way round: the root to devices, the profile to users", async () => {
    const { cert } = await program([kioskDevices.id], [salesUsers.id, fieldEngineers.id]);
    assert.deepStrictEqual(cert.map(summary), [["Kiosk SCEP", "Kiosk root", "users", ["Sales Users", "Field Engineers"], ["Kiosk Devices"]]]);
  });

  it("warns when an update moves the profile's assignment from users to devices (diff, not create)", async () => {
    await program([salesUsers.id], [fieldEngineers.id]);
    const olds = { profileId: "cert-id", targets: [{ kind: "group" as const, groupId: fieldEngineers.id, filterType: "none" as const }], assignmentIds: {} };
    const links = { __urn: "urn:a-cert", __profileUrn: "urn:cert" };
    const checked = await profileAssignmentHandler.check(run, olds, { profileId: "cert-id", targets: [{ kind: "group", groupId: kioskDevices.id }], ...links });
    assert.deepStrictEqual(checked.failures ?? [], []);
    await profileAssignmentHandler.diff(run, "a-id", olds, { ...(checked.inputs as ProfileAssignmentInputs), ...links });
    await impactSettled(run);
    const facts = (run.impact.factsByUrn.get("urn:a-cert") ?? []).filter((f) => f.kind === "certificateTargetKindMismatch");
    assert.deepStrictEqual(facts.map(summary), [["Kiosk SCEP", "Kiosk root", "devices", ["Kiosk Devices"], ["Sales Users"]]]);
  });

  it("says nothing when both reach a group of the same kind", async () => {
    assert.deepStrictEqual(await program([salesUsers.id], [fieldEngineers.id]), { root: [], cert: [] });
    assert.deepStrictEqual(await program([salesUsers.id, kioskDevices.id], [kioskDevices.id]), { root: [], cert: [] });
  });
});
