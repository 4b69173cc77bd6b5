// Bringing a portal-made tenant under Pulumi with the real CLI: `pulumi-intune export` (the package bin),
// the exported project run against the packed package, `pulumi up` adopting everything with zero Graph
// writes, an empty `pulumi preview`, and a second export (credentials from the stack) byte-identical.
// The tenant has certificate-based e-mail (trusted roots, SCEP and PKCS profiles linked to them, e-mail
// profiles with certificate authentication): those are adopted too, the roots' certificates read from
// the exported PEM files.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createServer } from "../../emulator";
import { EmulatorClient, type EmulatorInfo, type LoggedRequest } from "../support/emulatorClient";
import { seedPortalTenant } from "../support/portalTenant";
import { driftFromRefresh } from "../../cli/drift";
import { changingSteps, PulumiProject, runCli } from "./harness";

const writes = (log: LoggedRequest[]) => log.filter((r) => ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) && !/oauth2|\/\$batch$/.test(r.path));
/** The exported files (the project's own, and the root certificates), relative to the project. */
const exportedFiles = (dir: string) => [
  ...["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"],
  ...fs.readdirSync(path.join(dir, "certificates")).sort().map((f) => `certificates/${f}`),
];

describe("e2e: export a tenant and adopt it with the real Pulumi CLI", function () {
  this.timeout(900_000);
  let server: ReturnType<typeof createServer>;
  let info: EmulatorInfo;
  let emulator: EmulatorClient;
  let project: PulumiProject;
  let resources: number;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-export-e2e-"));

  before(async () => {
    server = createServer({ pageSize: 10 });
    info = (await server.start()) as EmulatorInfo;
    emulator = new EmulatorClient(info);
    seedPortalTenant(server.store);
    const r = await runCli(["export", "--out", path.join(work, "first")], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: info.caCertPath,
        AZURE_TENANT_ID: info.tenantId,
        AZURE_CLIENT_ID: info.clientId,
        AZURE_CLIENT_SECRET: info.clientSecret,
        INTUNE_GRAPH_ENDPOINT: info.graphEndpoint,
        AZURE_AUTHORITY_HOST: info.authorityHost,
      },
    });
    assert.strictEqual(r.code, 0, r.stderr);
    const counts = r.stderr.match(/(\d+) scope tags, (\d+) e-mail profiles, (\d+) profile assignments \(\d+ targets\), (\d+) trusted roots, (\d+) certificate profiles/);
    assert.ok(counts, r.stderr);
    resources = counts.slice(1).reduce((sum, n) => sum + Number(n), 0);
    assert.deepStrictEqual([Number(counts[4]), Number(counts[5])], [3, 6], "the portal tenant's roots and SCEP/PKCS profiles are exported as resources");
    project = new PulumiProject(path.join(work, "first"), info);
    await project.init();
  });
  after(async () => {
    project?.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
    await server?.close();
  });

  it("`pulumi up` adopts every exported object without a single Graph write", async () => {
    await emulator.clearRequests();
    await project.up();
    assert.deepStrictEqual(writes(await emulator.requests()), []);
    const state = JSON.parse((await project.ok(["stack", "export"])).stdout) as { deployment: { resources: { type: string; id?: string; inputs?: Record<string, unknown> }[] } };
    const ours = state.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/intune:"));
    assert.strictEqual(ours.length, resources);
    // Each resource holds the id of the object it adopted.
    for (const r of ours) {
      if (r.inputs?.adoptExistingId !== undefined) assert.strictEqual(r.id, r.inputs.adoptExistingId);
    }
    const ofType = (type: string) => ours.filter((r) => r.type === `pulumi-nodejs:dynamic/intune:${type}`) as { id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[];
    // The roots hold the certificate the program read from its PEM file (the portal tenant's CAs).
    const roots = ofType("TrustedRootCertificate");
    assert.strictEqual(roots.length, 3);
    const pemFiles = ["contoso-mobile-root-ca.pem", "contoso-portal-root-ca.pem"].map((f) => fs.readFileSync(path.join(project.dir, "certificates", f), "utf8"));
    assert.deepStrictEqual(roots.map((r) => pemFiles.indexOf(String(r.inputs?.certificate))).sort(), [0, 1, 1]);
    for (const root of roots) assert.match(String(root.outputs?.subject), /^CN=Contoso (Portal|Mobile) Root CA, O=Contoso$/);
    // The SCEP/PKCS profiles are linked to the adopted roots, and e-mail profiles to the adopted SCEP profiles.
    const rootIds = new Set(roots.map((r) => r.id));
    const certificates = ofType("CertificateProfile");
    assert.strictEqual(certificates.length, 6);
    assert.strictEqual(certificates.filter((c) => rootIds.has(String(c.outputs?.trustedRootId))).length, 5, "every SCEP/PKCS profile but iOS PKCS links an adopted root");
    const certificateIds = new Set(certificates.map((c) => c.id));
    const linkedMail = ofType("EmailProfile").filter((e) => certificateIds.has(String(e.outputs?.identityCertificateId)));
    assert.strictEqual(linkedMail.length, 4, "iOS, Knox, Gmail and Nine Work certificate e-mail profiles");
  });

  it("`pulumi preview` and `pulumi refresh` afterwards show no changes", async () => {
    const preview = await project.previewJson();
    assert.deepStrictEqual(changingSteps(preview), [], JSON.stringify(changingSteps(preview), null, 1).slice(0, 4000));
    // --expect-no-changes: not one refresh step changes, so a preview after it would be empty as well.
    const refresh = await project.refreshJson(["--expect-no-changes"]);
    assert.deepStrictEqual(driftFromRefresh(project.stack, refresh).drifted, []);
  });

  it("a second export, signed in with the stack's config, is byte-identical", async () => {
    const r = await runCli(["export", "--stack", project.stack, "--cwd", project.dir, "--out", path.join(work, "second")], { env: project.env });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /reading the intune:\* config of stack "e2e"/);
    const files = exportedFiles(path.join(work, "first"));
    assert.deepStrictEqual(exportedFiles(path.join(work, "second")), files);
    assert.deepStrictEqual(files.filter((f) => f.startsWith("certificates/")), ["certificates/contoso-mobile-root-ca.pem", "certificates/contoso-portal-root-ca.pem"]);
    for (const f of files) {
      assert.ok(fs.readFileSync(path.join(work, "second", f)).equals(fs.readFileSync(path.join(work, "first", f))), `${f} differs`);
    }
  });
});
