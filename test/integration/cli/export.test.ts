// `pulumi-intune export` against an in-process emulator seeded with portal-made objects: what the
// generated project says (certificate-based e-mail included: roots with their PEM files, SCEP/PKCS
// profiles, links as code), that a second export is byte-identical, that the export pages and batches and
// never writes, that the program type-checks, and that running it (Pulumi mocks, real provider handlers)
// adopts everything without a single Graph write and with an empty diff afterwards.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { PORTAL_ROOT_CERTIFICATES, SEEDED_GROUPS } from "../../../emulator";
import { parseCommandLine } from "../../../cli/args";
import { commands, exportOptions } from "../../../cli/commands";
import { runExport } from "../../../cli/export";
import { resolveSettings } from "../../../provider/config";
import { handler } from "../../../provider/dispatch";
import { ProviderRun } from "../../../provider/run";
import { EmulatorClient, type LoggedRequest } from "../../support/emulatorClient";
import { type PortalTenant, FILTERS, seedPortalTenant } from "../../support/portalTenant";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";
import { runSourceCli } from "../../support/sourceBin";
import { sharedCompilerHost } from "../../support/compilerHost";

const repo = path.resolve(__dirname, "../../..");
const writes = (log: LoggedRequest[]) =>
  log.filter((r) => ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) && !/oauth2|\/\$batch$/.test(r.path));

interface Captured {
  kind: string;
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * Runs a generated index.ts in-process under Pulumi mocks (the resource's id is its adopted id, so
 * references resolve to the tenant's ids) and returns each resource's inputs as the engine gets them.
 */
async function runProgram(files: Record<string, string>, expected: number, config: Record<string, string>): Promise<Captured[]> {
  const captured: Captured[] = [];
  pulumi.runtime.setAllConfig(config, ["intune:clientSecret"]);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const kind = args.type.replace(/^pulumi-nodejs:dynamic\/intune:/, "");
        const inputs = args.inputs as Record<string, unknown>;
        captured.push({ kind, name: args.name, inputs });
        const id = String(inputs.adoptExistingId ?? (kind === "ProfileAssignment" ? `${inputs.profileId}:mock` : `${args.name}-id`));
        return { id, state: inputs };
      },
      call: () => ({}),
    },
    "export-test",
    "dev",
    false,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-export-program-"));
  // The certificate files next to the program, which reads them.
  for (const [name, text] of Object.entries(files)) {
    if (!name.startsWith("certificates/")) continue;
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const file = path.join(dir, "index.ts");
  fs.writeFileSync(file, files["index.ts"].replace(/from "pulumi-intune";/, `from ${JSON.stringify(path.join(repo, "index"))};`));
  require(file);
  const until = Date.now() + 30_000;
  while (captured.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.strictEqual(captured.length, expected, `the program registered ${captured.length} of ${expected} resources`);
  return captured;
}

describe("integration: pulumi-intune export", function () {
  this.timeout(120_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  let tenant: PortalTenant;
  let env: NodeJS.ProcessEnv;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-export-"));
  const options = (...argv: string[]) => exportOptions(parseCommandLine(commands, ["export", ...argv]).values);
  const exportTo = (dir: string, ...argv: string[]) =>
    runExport({ options: options("--out", dir, ...argv), baseDir: work, env, log: () => undefined, graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
  let first: Awaited<ReturnType<typeof exportTo>>;
  let exportLog: LoggedRequest[];

  before(async () => {
    // A small page size, so that every collection the export reads takes several pages.
    emu = await startTestEmulator({ pageSize: 4 });
    client = new EmulatorClient(emu.info);
    tenant = seedPortalTenant(emu.server.store);
    env = {
      AZURE_TENANT_ID: emu.info.tenantId,
      AZURE_CLIENT_ID: emu.info.clientId,
      AZURE_CLIENT_SECRET: emu.info.clientSecret,
      INTUNE_GRAPH_ENDPOINT: emu.info.graphEndpoint,
      AZURE_AUTHORITY_HOST: emu.info.authorityHost,
    };
    await client.clearRequests();
    first = await exportTo("first");
    exportLog = await client.requests();
  });
  after(async () => {
    fs.rmSync(work, { recursive: true, force: true });

    await emu.close();
  });

  it("exports a tenant of at least 50 portal-made objects, one resource per object", () => {
    assert.ok(tenant.objectCount >= 50, `seeded ${tenant.objectCount}`);
    const assignments = tenant.assignedProfiles + tenant.assignedCertificates;
    assert.deepStrictEqual(first.counts, { scopeTags: 5, emailProfiles: 24, assignments, targets: 33, trustedRoots: 3, certificateProfiles: 6 });
    assert.deepStrictEqual(Object.keys(first.files).sort(), [
      "Pulumi.yaml",
      "certificates/contoso-mobile-root-ca.pem",
      "certificates/contoso-portal-root-ca.pem",
      "index.ts",
      "package.json",
      "tsconfig.json",
    ]);
    for (const [name, text] of Object.entries(first.files)) assert.strictEqual(fs.readFileSync(path.join(work, "first", name), "utf8"), text);
    const index = first.files["index.ts"];
    assert.strictEqual((index.match(/new ScopeTag\(/g) ?? []).length, 5);
    assert.strictEqual((index.match(/new TrustedRootCertificate\(/g) ?? []).length, 3);
    assert.strictEqual((index.match(/new CertificateProfile\(/g) ?? []).length, 6);
    assert.strictEqual((index.match(/new EmailProfile\(/g) ?? []).length, 24);
    assert.strictEqual((index.match(/new ProfileAssignment\(/g) ?? []).length, assignments);
    // SCEP and PKCS profiles and roots are resources; the built-in tag and the types CertificateProfile
    // does not model (imported PFX, legacy Android for Work SCEP) are not.
    assert.ok(!index.includes('adoptExistingId: "0"'));
    for (const id of [...Object.values(tenant.trustedRoots), tenant.certificates.iosScep, tenant.certificates.androidPkcs, tenant.certificates.workProfilePkcs]) {
      assert.ok(index.includes(`adoptExistingId: ${JSON.stringify(id)}`), id);
    }
    for (const id of [tenant.certificates.iosEncryption, tenant.certificates.forWorkScep]) assert.ok(!index.includes(`adoptExistingId: ${JSON.stringify(id)}`), id);
  });

  it("exports roots with their certificate in a PEM file the program reads, and certificate links as code", () => {
    const index = first.files["index.ts"];
    const block = (name: string) => {
      const start = index.indexOf(`("${name}", {`);
      assert.ok(start >= 0, `no resource named ${name}`);
      return index.slice(start, index.indexOf("\n});", start));
    };
    // One file per CA: the iOS and Knox roots share the Contoso root, byte for byte as the tenant holds it.
    assert.strictEqual(first.files["certificates/contoso-portal-root-ca.pem"], PORTAL_ROOT_CERTIFICATES.contoso);
    assert.strictEqual(first.files["certificates/contoso-mobile-root-ca.pem"], PORTAL_ROOT_CERTIFICATES.mobile);
    const iosRoot = block("ios-contoso-root-ca");
    assert.match(iosRoot, new RegExp(`adoptExistingId: "${tenant.trustedRoots.ios}"`));
    assert.match(iosRoot, /platform: "iosIpados"/);
    assert.ok(iosRoot.includes('certificate: fs.readFileSync(path.join(__dirname, "certificates", "contoso-portal-root-ca.pem"), "utf8"),'), iosRoot);
    assert.match(iosRoot, /certFileName: "contoso-root\.cer"/);
    assert.ok(block("knox-contoso-root-ca").includes('"certificates", "contoso-portal-root-ca.pem"'));
    assert.ok(block("work-profile-contoso-mobile-root-ca").includes('"certificates", "contoso-mobile-root-ca.pem"'));
    assert.match(index, /\/\/ iOS\/iPadOS: CN=Contoso Portal Root CA, O=Contoso, thumbprint [0-9A-F]{40}, expires 2046-/);
    assert.match(index, /^import \* as fs from "fs";\nimport \* as path from "path";\nimport \{ CertificateProfile, EmailProfile, ProfileAssignment, ScopeTag, TrustedRootCertificate \} from "pulumi-intune";$/m);

    const scep = block("ios-scep-identity");
    assert.match(scep, new RegExp(`adoptExistingId: "${tenant.certificates.iosScep}"`));
    assert.match(scep, /kind: "scep",\n {2}trustedRootId: iosContosoRootCa\.id,/);
    assert.match(scep, /keyUsage: \["keyEncipherment", "digitalSignature"\]/);
    assert.match(scep, /subjectNameFormatString: "CN=\{\{UserPrincipalName\}\},E=\{\{EmailAddress\}\}"/);
    assert.match(block("knox-scep"), /trustedRootId: knoxContosoRootCa\.id,/);
    assert.match(block("knox-pkcs-identity"), /kind: "pkcs",\n {2}trustedRootId: knoxContosoRootCa\.id,/);
    assert.match(block("work-profile-scep"), /trustedRootId: workProfileContosoMobileRootCa\.id,/);
    // iOS PKCS has no root link.
    assert.doesNotMatch(block("ios-s-mime-signing"), /trustedRootId/);

    assert.match(block("ios-exchange-for-sales"), /identityCertificateId: iosScepIdentity\.id,/);
    assert.match(block("knox-exchange-online"), /identityCertificateId: knoxScep\.id,/);
    assert.match(block("work-profile-gmail"), /identityCertificateId: workProfileScep\.id,/);
    assert.match(block("ios-s-mime"), /smimeSigningCertificateId: iosSMimeSigning\.id,/);
    // Roots and certificates keep their assignments, as code.
    assert.match(block("ios-contoso-root-ca-assignments"), /profileId: iosContosoRootCa\.id,/);
    assert.ok(block("ios-scep-identity-assignments").includes(`{ kind: "group", groupId: "${SEEDED_GROUPS.salesUsers.id}" /* Sales Users */ }`));
    assert.ok(block("work-profile-scep-assignments").includes(`{ kind: "allDevices" }`));
  });

  it("writes references as code, group names as comments, filters, links and legacy platforms", () => {
    const index = first.files["index.ts"];
    const block = (name: string) => {
      const start = index.indexOf(`("${name}", {`);
      assert.ok(start >= 0, `no resource named ${name}`);
      return index.slice(start, index.indexOf("\n});", start));
    };
    const sales = block("ios-exchange-for-sales");
    assert.match(sales, new RegExp(`adoptExistingId: "${tenant.profiles.iosSales}"`));
    assert.match(sales, /scopeTagIds: \["0" \/\* Default \*\/, mailAdmins\.id\]/);
    assert.match(sales, /easServices: \["calendars", "contacts", "email"\]/);
    assert.match(sales, /durationOfEmailToSync: "oneMonth"/);
    // Unset-looking values are left out: a setting the program leaves out is not managed.
    assert.doesNotMatch(sales, /null|""|\[\]|false|customDomainName|useOAuth|blockMovingMessagesToOtherEmailAccounts/);
    assert.match(sales, /identityCertificateId: iosScepIdentity\.id,/);

    // Links to what CertificateProfile does not model stay ids, with the target's name and type.
    const smime = block("ios-s-mime");
    for (const [input, id] of [
      ["smimeEncryptionCertificateId", tenant.certificates.iosEncryption],
      ["derivedCredentialSettingsId", tenant.derivedCredentialId],
    ]) assert.match(smime, new RegExp(`${input}: "${id}"`));
    assert.ok(smime.includes(`smimeEncryptionCertificateId: "${tenant.certificates.iosEncryption}", // "iOS S/MIME encryption" (iosImportedPFXCertificateProfile)`));
    assert.match(smime, /scopeTagIds: \[legalCompliance\.id\]/);

    // Same display name twice: -2 goes to the larger id.
    const [a, b] = [tenant.profiles.iosDupA, tenant.profiles.iosDupB].sort();
    assert.match(block("ios-exchange"), new RegExp(`adoptExistingId: "${a}"`));
    assert.match(block("ios-exchange-2"), new RegExp(`adoptExistingId: "${b}"`));
    assert.match(block("mail-admins"), /adoptExistingId: "1"/);
    assert.match(block("mail-admins-2"), /adoptExistingId: "2"/);
    assert.match(block("knox-exchange-online"), /scopeTagIds: \[mailAdmins2\.id\]/);

    assert.match(block("android-for-work-gmail-legacy"), /platform: "androidForWorkGmail"/);
    assert.match(block("android-for-work-nine-work-legacy"), /platform: "androidForWorkNineWork"/);
    assert.match(block("windows-phone-8-1-no-address"), /platform: "windowsPhone81"/);
    assert.doesNotMatch(block("windows-phone-8-1-no-address"), /emailAddressSource/);

    const salesAssignments = block("ios-exchange-for-sales-assignments");
    assert.match(salesAssignments, /adoptExisting: true/);
    assert.match(salesAssignments, /profileId: iosExchangeForSales\.id/);
    assert.ok(salesAssignments.includes(`{ kind: "exclusionGroup", groupId: "${SEEDED_GROUPS.kioskDevices.id}" /* Kiosk Devices */ }`));
    assert.ok(salesAssignments.includes(`{ kind: "group", groupId: "${SEEDED_GROUPS.salesUsers.id}" /* Sales Users */, filterId: "${FILTERS.corporateIos}", filterType: "include" }`));
    assert.ok(salesAssignments.includes(`{ kind: "group", groupId: "${SEEDED_GROUPS.fieldEngineers.id}" /* Field Engineers */ }`));
    // iosDupA (all users, filtered) and iosDupB (all devices) share a display name; ids decide the names.
    const [nameA, nameB] = tenant.profiles.iosDupA < tenant.profiles.iosDupB ? ["ios-exchange", "ios-exchange-2"] : ["ios-exchange-2", "ios-exchange"];
    assert.ok(block(`${nameA}-assignments`).includes(`{ kind: "allLicensedUsers", filterId: "${FILTERS.corporateIos}", filterType: "include" }`));
    assert.ok(block(`${nameB}-assignments`).includes(`{ kind: "allDevices" }`));

    // Order: scope tags, roots, certificate profiles (what links point at comes first), e-mail
    // profiles, then assignments, each by display name then id.
    const order = [...index.matchAll(/new (\w+)\("([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    assert.strictEqual(order[0], "ScopeTag:eu-helpdesk");
    assert.strictEqual(order[5], "TrustedRootCertificate:knox-contoso-root-ca");
    assert.strictEqual(order[8], "CertificateProfile:knox-pkcs-identity");
    assert.strictEqual(order[14], "EmailProfile:android-for-work-gmail-legacy");
    assert.ok(order.indexOf("EmailProfile:ios-exchange") < order.indexOf("EmailProfile:ios-exchange-2"));
    assert.ok(order.slice(38).every((o) => o.startsWith("ProfileAssignment:")));

    const manifest = JSON.parse(first.files["package.json"]);
    const ours = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    assert.strictEqual(manifest.dependencies["@pulumi/pulumi"], "~3.248.0");
    assert.strictEqual(manifest.dependencies["pulumi-intune"], `^${ours.version}`);
    for (const dep of ["typescript", "ts-node", "@types/node"]) assert.strictEqual(manifest.devDependencies[dep], ours.devDependencies[dep]);
    assert.match(first.files["Pulumi.yaml"], /^name: intune-tenant\nruntime:\n  name: nodejs\n/);
  });

  it("reads by pages and $batch only, and never writes", () => {
    assert.deepStrictEqual(writes(exportLog), []);
    const skipTokens = exportLog.filter((r) => r.method === "GET" && r.path.includes("$skiptoken"));
    assert.ok(skipTokens.some((r) => r.path.includes("/deviceConfigurations?")), "device configurations paged");
    assert.ok(skipTokens.some((r) => r.path.includes("/roleScopeTags?")), "scope tags paged");
    const batches = exportLog.filter((r) => r.method === "POST" && r.path.endsWith("/$batch"));
    // 24 e-mail profiles: 24 assignment reads + 36 link reads (iOS 4 links, Knox 2, the others 1); 9
    // certificate objects: 9 assignment reads + 5 root links (iOS PKCS has none) → 74 in 4 batches; 4 group names → 1 batch.
    assert.strictEqual(batches.length, 5);
    for (const b of batches) assert.ok(((b.body as { requests: unknown[] }).requests.length) <= 20);
    const typedRoutes = exportLog.filter((r) => (r as { batchRequestId?: string }).batchRequestId && /\/microsoft\.graph\.\w+\/(identityCertificate|smimeSigningCertificate|smimeEncryptionCertificate|derivedCredentialSettings)$/.test(r.path));
    assert.strictEqual(typedRoutes.length, 36);
    const rootLinks = exportLog.filter((r) => (r as { batchRequestId?: string }).batchRequestId && /\/microsoft\.graph\.\w+CertificateProfile\/rootCertificate$/.test(r.path));
    assert.strictEqual(rootLinks.length, 5);
  });

  it("is byte-identical when exported again", async () => {
    await exportTo("second");
    for (const name of Object.keys(first.files)) {
      assert.ok(fs.readFileSync(path.join(work, "second", name)).equals(fs.readFileSync(path.join(work, "first", name))), `${name} differs`);
    }
  });

  it("re-exported into the same folder, removes the PEM file of a root the tenant no longer has, and only that", async () => {
    const pems = Object.keys(first.files).filter((f) => /^certificates\/.*\.pem$/.test(f));
    assert.ok(pems.length > 0, "the portal tenant has roots");
    const dir = "again";
    await exportTo(dir);
    fs.writeFileSync(path.join(work, dir, "certificates", "gone-root.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    fs.writeFileSync(path.join(work, dir, "certificates", "README.txt"), "not ours to remove");
    await exportTo(dir);
    assert.deepStrictEqual(fs.readdirSync(path.join(work, dir, "certificates")).sort(), [...pems.map((f) => f.slice("certificates/".length)), "README.txt"].sort());
  });

  it("generates a program that type-checks against the SDK", () => {
    const dir = path.join(work, "typecheck");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(work, "first", "index.ts"), path.join(dir, "index.ts"));
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          ...JSON.parse(first.files["tsconfig.json"]).compilerOptions,
          noEmit: true,
          baseUrl: ".",
          paths: { "pulumi-intune": [path.join(repo, "index.ts")] },
          typeRoots: [path.join(repo, "node_modules/@types")],
        },
        files: ["index.ts"],
      }),
    );
    // What `tsc -p` does with that tsconfig, in process (the declaration files parsed once per run).
    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")) })!;
    assert.deepStrictEqual(config.errors, []);
    const program = ts.createProgram(config.fileNames, config.options, sharedCompilerHost(config.options));
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? "?"}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    assert.deepStrictEqual(errors, [], "the generated program type-checks");
  });

  it("adopts everything it exported without a Graph write, and leaves nothing to change", async () => {
    const run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } });
    const total = first.counts.scopeTags + first.counts.emailProfiles + first.counts.assignments + first.counts.trustedRoots + first.counts.certificateProfiles;
    const resources = await runProgram(first.files, total, {});
    assert.deepStrictEqual([...new Set(resources.map((r) => r.kind))].sort(), ["CertificateProfile", "EmailProfile", "ProfileAssignment", "ScopeTag", "TrustedRootCertificate"]);
    await client.clearRequests();
    for (const r of resources) {
      const h = handler(r.kind, run);
      const checked = await h.check({}, r.inputs);
      assert.deepStrictEqual(checked.failures ?? [], [], `${r.kind} ${r.name}`);
      const created = await h.create(checked.inputs!);
      assert.strictEqual(created.id.split(":")[0], String(r.inputs.adoptExistingId ?? r.inputs.profileId), `${r.name} adopted`);
      // What a refresh reads back equals what the program declares: `pulumi preview` shows no change.
      const read = await h.read(created.id, created.outs!);
      const again = await h.check(read.inputs!, r.inputs);
      assert.deepStrictEqual(await h.diff(created.id, read.inputs!, again.inputs!), { changes: false }, `${r.kind} ${r.name} diff after adoption`);
    }
    assert.deepStrictEqual(writes(await client.requests()), [], "adoption made Graph writes");
  });

  it("with --groups-by-name, looks groups up by name at run time with the stack's credentials", async () => {
    const byName = await exportTo("by-name", "--groups-by-name");
    const index = byName.files["index.ts"];
    assert.match(index, /^import \{ CertificateProfile, EmailProfile, lookupGroupByName, ProfileAssignment, ScopeTag, TrustedRootCertificate \} from "pulumi-intune";$/m);
    assert.ok(index.includes(`{ kind: "group", groupId: lookupGroupByName("Sales Users"), filterId: "${FILTERS.corporateIos}", filterType: "include" }`));
    assert.doesNotMatch(index, /groupId: "/);
    const total = byName.counts.scopeTags + byName.counts.emailProfiles + byName.counts.assignments + byName.counts.trustedRoots + byName.counts.certificateProfiles;
    // Credentials from the stack config, the secret as a secret; the environment has none.
    const resources = await runProgram(byName.files, total, {
      "intune:tenantId": emu.info.tenantId,
      "intune:clientId": emu.info.clientId,
      "intune:clientSecret": emu.info.clientSecret,
      "intune:graphEndpoint": emu.info.graphEndpoint,
      "intune:authorityHost": emu.info.authorityHost,
    });
    const sales = resources.find((r) => r.name === "ios-exchange-for-sales-assignments")!;
    const groupIds = (sales.inputs.targets as { groupId?: string }[]).map((t) => t.groupId).filter(Boolean).sort();
    assert.deepStrictEqual(groupIds, [SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.fieldEngineers.id, SEEDED_GROUPS.kioskDevices.id].sort());
  });

  it("--select exports only the chosen kinds and writes ids where a reference is not exported", async () => {
    const tagsOnly = await exportTo("tags", "--select", "scopeTags");
    assert.deepStrictEqual(tagsOnly.counts, { scopeTags: 5, emailProfiles: 0, assignments: 0, targets: 0, trustedRoots: 0, certificateProfiles: 0 });
    assert.deepStrictEqual(Object.keys(tagsOnly.files).filter((f) => f.startsWith("certificates/")), []);
    assert.match(tagsOnly.files["index.ts"], /^import \{ ScopeTag \} from "pulumi-intune";$/m);
    const assignmentsOnly = await exportTo("assignments", "--select", "assignments");
    assert.strictEqual(assignmentsOnly.counts.emailProfiles, 0);
    assert.ok(assignmentsOnly.files["index.ts"].includes(`profileId: "${tenant.profiles.iosSales}" /* iOS: Exchange for sales */,`));
    // A root's assignment with the roots left out: the root's id, named.
    assert.ok(assignmentsOnly.files["index.ts"].includes(`profileId: "${tenant.trustedRoots.ios}" /* iOS: Contoso root CA */,`));
    const profilesOnly = await exportTo("profiles", "--select", "emailProfiles");
    assert.match(profilesOnly.files["index.ts"], /scopeTagIds: \["0" \/\* Default \*\/, "1"\]/);
    // Certificate profiles left out: the links are ids with the certificate profile's name and type.
    assert.ok(profilesOnly.files["index.ts"].includes(`identityCertificateId: "${tenant.certificates.iosScep}", // "iOS SCEP identity" (iosScepCertificateProfile)`));
    const certificatesOnly = await exportTo("certificates", "--select", "certificates");
    assert.deepStrictEqual(certificatesOnly.counts, { scopeTags: 0, emailProfiles: 0, assignments: 0, targets: 0, trustedRoots: 3, certificateProfiles: 6 });
    assert.deepStrictEqual(Object.keys(certificatesOnly.files).filter((f) => f.startsWith("certificates/")).length, 2);
  });

  it("the bin: unknown flags and kinds exit 1 with the usage; a run with AZURE_* writes the project", async () => {
    // Side by side: each is a ts-node start.
    const [bad, kind, positional] = await Promise.all([
      runSourceCli(["export", "--bogus"]),
      runSourceCli(["export", "--select", "scopeTags,profiles"]),
      runSourceCli(["export", "extra"]),
    ]);
    assert.strictEqual(bad.code, 1);
    assert.match(bad.stderr, /--bogus/);
    assert.match(bad.stderr, /usage:/);
    assert.strictEqual(kind.code, 1);
    assert.match(kind.stderr, /`--select` takes emailProfiles, scopeTags, assignments, certificates; got "profiles"/);
    assert.strictEqual(positional.code, 1);

    const out = path.join(work, "bin");
    const ok = await runSourceCli(["export", "--out", out], { env: { ...process.env, ...env } });
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /pulumi-intune export: wrote .*: 5 scope tags, 24 e-mail profiles, 21 profile assignments \(33 targets\), 3 trusted roots, 6 certificate profiles/);
    assert.strictEqual(ok.stdout, "");
    for (const [name, text] of Object.entries(first.files)) assert.strictEqual(fs.readFileSync(path.join(out, name), "utf8"), text, name);
  });
});
