// The fleet, as a team runs it: examples/fleet (one program) with three tenant stacks on a shared state
// backend (Azurite, `azblob://`), one emulator per tenant, the package bin and the real Pulumi CLI through
// the Automation API. Done when: `fleet up` creates all; `fleet drift` exits 0; a portal change in one
// tenant → exit 2 naming only that tenant and property; wrong credentials for one tenant → exit 1 naming
// it while the other two are still reported; shard reports merge into the report of one run; a mandatory
// baseline key set by a tenant is refused at preview; `fleet up --waves` stops after an unhealthy canary
// and leaves the others unchanged; two fleet runs at once on one backend do not corrupt each other.
// The tests share one backend, three emulators and three stacks, in order: each test starts from the state
// the one before left (the order is the story: create, clean, portal change, shards, broken tenant, baseline
// refusal, concurrent rollouts, staged rollout). Fleet runs over disjoint stacks go side by side; runs over
// the same stacks go one after another (the DIY backend's stack lock does not wait).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createServer } from "../../emulator";
import { EmulatorClient, type EmulatorInfo } from "../support/emulatorClient";
import { PulumiProject, runCli, type PulumiResult } from "./harness";
import { listBlobs, startAzurite, type StateBackend } from "./fleetBackend";

const STACKS = ["tenant-a", "tenant-b", "tenant-c"] as const;
const TENANT_IDS: Record<string, string> = {
  "tenant-a": "0a0a0a0a-1111-4111-8111-00000000000a",
  "tenant-b": "0b0b0b0b-2222-4222-8222-00000000000b",
  "tenant-c": "0c0c0c0c-3333-4333-8333-00000000000c",
};

describe("e2e: a fleet of three tenants on a shared backend", function () {
  this.timeout(1_800_000);
  let backend: StateBackend;
  const servers: Record<string, ReturnType<typeof createServer>> = {};
  const tenants: Record<string, EmulatorClient> = {};
  let project: PulumiProject;
  let caDir: string | undefined;
  const statePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fleet-tenant-c-")), "state.json");
  /** Restarts tenant-c's emulator (same port, same state) with the app's secret set to `clientSecret` in Entra. */
  const restartTenantC = async (clientSecret: string) => {
    const old = servers["tenant-c"];
    const info = old.info as EmulatorInfo;
    await old.close();
    servers["tenant-c"] = createServer({ tenantId: TENANT_IDS["tenant-c"], caDir, statePath, port: Number(new URL(info.graphEndpoint).port), clientSecret });
    tenants["tenant-c"] = new EmulatorClient((await servers["tenant-c"].start()) as EmulatorInfo);
  };

  /** FLEET_E2E_TIMES=1 prints each step's wall time (to see where this file's time goes). */
  const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await run();
    } finally {
      if (process.env.FLEET_E2E_TIMES) process.stderr.write(`[fleet e2e] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  };
  const fleet = (args: string[]): Promise<PulumiResult> => timed(`fleet ${args.join(" ")}`, () => runCli(["fleet", ...args, "--concurrency", "3", "--cwd", project.dir], { env: project.env }));
  const mergeReports = (files: string[], extra: string[] = []): Promise<PulumiResult> => runCli(["fleet", "report", ...files, ...extra], { env: project.env });
  const UP = ["--format", "json", "--poll-interval", "1s", "--wave-timeout", "30s"];
  const json = (r: PulumiResult) => {
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
  };
  const outcomes = (report: any) => Object.fromEntries(report.tenants.map((t: any) => [t.stack, t.outcome]));
  const profiles = async (stack: string) =>
    ((await tenants[stack].graph("GET", "/deviceManagement/deviceConfigurations")).body.value as any[]).map((p) => ({ id: p.id, displayName: p.displayName, hostName: p.hostName, accountName: p.accountName, requireSsl: p.requireSsl })).sort((a, b) => a.displayName.localeCompare(b.displayName));

  before(async () => {
    backend = await startAzurite();
    const infos: Record<string, EmulatorInfo> = {};
    for (const s of STACKS) {
      // tenant-c keeps its state in a file, so the wrong-credentials test can restart it with another secret.
      servers[s] = createServer({ tenantId: TENANT_IDS[s], ...(caDir ? { caDir } : {}), ...(s === "tenant-c" ? { statePath } : {}) });
      infos[s] = (await servers[s].start()) as EmulatorInfo;
      tenants[s] = new EmulatorClient(infos[s]);
      caDir ??= path.dirname(infos[s].caCertPath);
    }
    project = new PulumiProject("fleet", infos["tenant-a"], "tenant-a", { program: "javascript" });
    Object.assign(project.env, backend.env, { PULUMI_BACKEND_URL: backend.url });
    // One `stack init` (not selected: every command names its stack) and one `config set-all` per stack, stacks side by side.
    await timed("stack init + config", () =>
      Promise.all(
        STACKS.map(async (s) => {
          const i = infos[s];
          await project.ok(["stack", "init", "--no-select", s]);
          const plain = { "intune:tenantId": i.tenantId, "intune:clientId": i.clientId, "intune:graphEndpoint": i.graphEndpoint, "intune:authorityHost": i.authorityHost };
          await project.ok(["config", "set-all", "--stack", s, ...Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), "--secret", `intune:clientSecret=${i.clientSecret}`]);
        }),
      ),
    );
  });

  after(async () => {
    project?.cleanup();
    for (const s of Object.values(servers)) await s.close();
    await backend?.stop();
  });

  it("`fleet up` creates every tenant's profiles, with each tenant's own groups found by name; state is in the shared backend", async () => {
    const r = await fleet(["up", "--stacks", "tenant-*", ...UP]);
    assert.strictEqual(r.code, 0, r.stderr + r.stdout);
    const report = json(r);
    assert.deepStrictEqual(outcomes(report), { "tenant-a": "clean", "tenant-b": "clean", "tenant-c": "clean" });
    for (const t of report.tenants) assert.strictEqual(t.changes.create, 6, JSON.stringify(t.changes));
    for (const s of STACKS) assert.deepStrictEqual((await profiles(s)).map((p) => [p.displayName, p.hostName]), [["iOS: work mail", "outlook.office365.com"], ["Windows: work mail", "outlook.office365.com"]]);
    // Per-tenant values on the baseline: tenant-b's own account name, the others the baseline's.
    assert.strictEqual((await profiles("tenant-b"))[0].accountName, "Contoso mail");
    assert.strictEqual((await profiles("tenant-c"))[0].accountName, "Work mail");
    // Groups by name, per tenant: tenant-c assigns both of its groups.
    const groups = async (s: string) => {
      const ios = (await profiles(s))[0];
      const assigned = (await tenants[s].graph("GET", `/deviceManagement/deviceConfigurations/${ios.id}/assignments`)).body.value as any[];
      const all = (await tenants[s].graph("GET", "/groups")).body.value as any[];
      return assigned.map((a) => all.find((g) => g.id === a.target.groupId)?.displayName).sort();
    };
    assert.deepStrictEqual(await groups("tenant-a"), ["Field Engineers"]);
    assert.deepStrictEqual(await groups("tenant-c"), ["Field Engineers", "Sales Users"]);
    const blobs = await listBlobs(backend, "pulumi-state", ".pulumi/stacks/intune-fleet/");
    for (const s of STACKS) assert.ok(blobs.includes(`.pulumi/stacks/intune-fleet/${s}.json`), blobs.join(", "));
  });

  it("`fleet drift` exits 0 on a clean fleet, with a line per tenant", async () => {
    const r = await fleet(["drift", "--stacks", "tenant-*"]);
    assert.strictEqual(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^## Fleet drift\n\n\*\*3 tenants: 3 clean\*\*/);
    for (const s of STACKS) assert.match(r.stdout, new RegExp(`\\| \`${s}\` \\| ✅ clean \\| no drift \\|`));
  });

  // The drift run of the portal change (its report in a file), kept for the shard test (same state: tenant-b drifted).
  let whole: { json: PulumiResult; file: string };

  it("a portal change in one tenant: exit 2 naming only that tenant and property", async () => {
    const ios = (await profiles("tenant-b"))[0];
    const patched = await tenants["tenant-b"].graph("PATCH", `/deviceManagement/deviceConfigurations/${ios.id}`, { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", hostName: "mail.portal.example" });
    assert.ok(patched.status < 300, JSON.stringify(patched.body));
    const file = path.join(fs.mkdtempSync(path.join(project.dir, "whole-")), "whole.json");
    whole = { json: await fleet(["drift", "--stacks", "tenant-*", "--format", "json", "--out", file]), file };
    const r = whole.json;
    assert.strictEqual(r.code, 2, r.stderr + r.stdout);
    const report = json(r);
    assert.deepStrictEqual(outcomes(report), { "tenant-a": "clean", "tenant-b": "attention", "tenant-c": "clean" });
    const b = report.tenants.find((t: any) => t.stack === "tenant-b");
    assert.deepStrictEqual(
      b.drift.drifted.map((d: any) => [d.name, d.properties.map((p: any) => [p.path, p.declared, p.live])]),
      [["ios-mail", [["settings.hostName", "outlook.office365.com", "mail.portal.example"]]]],
    );
    // The fleet read the tenants itself (cli/fleetRefresh.ts); the engine's refresh preview says the same.
    for (const s of STACKS) assert.match(r.stderr, new RegExp(`fleet drift: ${s}: read by the fleet's own provider run`));
    const engine = await runCli(["drift", "--stack", "tenant-b", "--cwd", project.dir, "--format", "json"], { env: project.env });
    assert.strictEqual(engine.code, 2, engine.stderr + engine.stdout);
    assert.deepStrictEqual(JSON.parse(engine.stdout).drifted, b.drift.drifted);
    // The same run's report as the pull-request comment (`fleet drift`'s own markdown is the clean test's).
    const md = await mergeReports([whole.file]);
    assert.strictEqual(md.code, 2, md.stderr + md.stdout);
    assert.match(md.stdout, /\| `tenant-b` \| ⚠️ drift \| `ios-mail` \(EmailProfile\): `settings\.hostName` \|/);
    assert.match(md.stdout, /<details><summary>⚠️ <code>tenant-b<\/code><\/summary>/);
    for (const s of ["tenant-a", "tenant-c"]) assert.match(md.stdout, new RegExp(`\\| \`${s}\` \\| ✅ clean \\| no drift \\|`));
  });

  it("two shards' reports merge into the report of one run", async () => {
    // The shards have no stack in common: side by side, as two CI runners would.
    const shardDir = fs.mkdtempSync(path.join(project.dir, "shards-"));
    const [s1, s2] = await Promise.all([
      fleet(["drift", "--stacks", "tenant-*", "--shard", "1/2", "--format", "json", "--out", path.join(shardDir, "1.json")]),
      fleet(["drift", "--stacks", "tenant-*", "--shard", "2/2", "--format", "json", "--out", path.join(shardDir, "2.json")]),
    ]);
    assert.deepStrictEqual([s1.code, s2.code], [0, 2], s1.stderr + s2.stderr);
    assert.deepStrictEqual(json(s1).tenants.map((t: any) => t.stack), ["tenant-a", "tenant-c"]);
    assert.deepStrictEqual(json(s2).tenants.map((t: any) => t.stack), ["tenant-b"]);
    const merged = await mergeReports([path.join(shardDir, "1.json"), path.join(shardDir, "2.json")], ["--format", "json"]);
    assert.strictEqual(merged.code, 2, merged.stderr);
    assert.deepStrictEqual(json(merged), json(whole.json));
    const mergedMd = await mergeReports([path.join(shardDir, "2.json"), path.join(shardDir, "1.json")]);
    assert.strictEqual(mergedMd.stdout, (await mergeReports([whole.file])).stdout);
  });

  it("wrong credentials for one tenant: exit 1 naming it, the other two still reported", async () => {
    // The app's secret was rotated in tenant-c's Entra ID; the stack still has the old one. (Changing the stack's
    // secret would not do: a refresh signs in with the settings the resources were created with.)
    const secret = (servers["tenant-c"].info as EmulatorInfo).clientSecret;
    await restartTenantC("rotated-in-entra");
    try {
      const r = await fleet(["drift", "--stacks", "tenant-*", "--format", "json"]);
      assert.strictEqual(r.code, 1, r.stderr + r.stdout);
      const report = json(r);
      assert.deepStrictEqual(outcomes(report), { "tenant-a": "clean", "tenant-b": "attention", "tenant-c": "broken" });
      const c = report.tenants.find((t: any) => t.stack === "tenant-c");
      assert.match(c.error, /reading the tenant failed: \S/, c.error);
      assert.match(r.stderr, /tenant-c: broken/);
    } finally {
      await restartTenantC(secret);
    }
  });

  it("a tenant stack that sets a mandatory baseline key is refused at preview, naming stack and key", async () => {
    await project.ok(["config", "set", "--stack", "tenant-b", "intune-fleet:hostName", "mail.tenant-b.example"]);
    try {
      const r = await fleet(["preview", "--stacks", "tenant-*", "--format", "json"]);
      assert.strictEqual(r.code, 1, r.stderr + r.stdout);
      const report = json(r);
      assert.strictEqual(outcomes(report)["tenant-b"], "broken");
      assert.match(report.tenants.find((t: any) => t.stack === "tenant-b").error, /stack `tenant-b` sets mandatory baseline key `intune-fleet:hostName` \(Pulumi\.tenant-b\.yaml\)/);
      // The others preview: tenant-b's portal change is not theirs, so nothing to do.
      assert.deepStrictEqual([outcomes(report)["tenant-a"], outcomes(report)["tenant-c"]], ["clean", "clean"]);
    } finally {
      await project.ok(["config", "rm", "--stack", "tenant-b", "intune-fleet:hostName"]);
    }
  });

  it("two fleet runs at once on one backend: per-stack locks keep every state whole", async () => {
    // Put tenant-b's portal change back, then a baseline change so every update writes; the two runs share tenant-b.
    const ios = (await profiles("tenant-b"))[0];
    await tenants["tenant-b"].graph("PATCH", `/deviceManagement/deviceConfigurations/${ios.id}`, { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", hostName: "outlook.office365.com" });
    const yaml = path.join(project.dir, "Pulumi.yaml");
    fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace("intune-fleet:requireSsl: true", "intune-fleet:requireSsl: false"));
    const [x, y] = await Promise.all([fleet(["up", "--stacks", "tenant-a,tenant-b", ...UP]), fleet(["up", "--stacks", "tenant-b,tenant-c", ...UP])]);
    // tenant-b: the two updates either ran one after the other, or found the lock taken (both may lose a race:
    // the DIY lock has no waiting); never both at once. The other tenants updated.
    const bResults = [json(x), json(y)].map((r) => r.tenants.find((t: any) => t.stack === "tenant-b"));
    for (const t of bResults) if (t.outcome !== "clean") assert.match(t.error, /currently locked/, JSON.stringify(t));
    assert.strictEqual(outcomes(json(x))["tenant-a"], "clean", x.stderr);
    assert.strictEqual(outcomes(json(y))["tenant-c"], "clean", y.stderr);
    // If both runs lost tenant-b's lock, tenant-b was not updated: its own run now.
    if (bResults.every((t) => t.outcome !== "clean")) {
      const again = await fleet(["up", "--stacks", "tenant-b", ...UP]);
      assert.strictEqual(again.code, 0, again.stderr + again.stdout);
    }
    // No lock is left behind.
    assert.deepStrictEqual(await listBlobs(backend, "pulumi-state", ".pulumi/locks/"), []);
    await Promise.all(
      STACKS.map(async (s) => {
        const state = JSON.parse((await project.ok(["stack", "export", "--stack", s])).stdout);
        assert.strictEqual(state.deployment.resources.filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic/intune:")).length, 4, s);
        // Two profiles, each once (no update ran twice side by side), with the new baseline value.
        assert.deepStrictEqual((await profiles(s)).map((p) => [p.displayName, p.requireSsl]), [["iOS: work mail", false], ["Windows: work mail", false]], s);
      }),
    );
    // And the next run gets every stack, and the fleet agrees with every tenant.
    const drift = await fleet(["drift", "--stacks", "tenant-*"]);
    assert.strictEqual(drift.code, 0, drift.stdout + drift.stderr);
  });

  it("`fleet up --waves canary,rest`: an unhealthy canary stops the rollout, naming tenant and profiles; the others stay unchanged", async () => {
    // The baseline gains a shared mailbox on the work mailbox's host: a duplicate iOS account.
    const yaml = path.join(project.dir, "Pulumi.yaml");
    fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace("  intune-fleet:requireSsl: false\n", "  intune-fleet:requireSsl: false\n  intune-fleet:sharedMailboxHost: outlook.office365.com\n"));
    const before = { b: await profiles("tenant-b"), c: await profiles("tenant-c") };
    const r = await fleet(["up", "--stacks", "tenant-*", "--waves", "canary,rest", "--format", "json", "--poll-interval", "1s", "--wave-timeout", "20s"]);
    assert.strictEqual(r.code, 2, r.stderr + r.stdout);
    const report = json(r);
    assert.deepStrictEqual(report.waves, [
      { name: "canary", stacks: ["tenant-a"], state: "unhealthy" },
      { name: "rest", stacks: ["tenant-b", "tenant-c"], state: "not started" },
    ]);
    assert.deepStrictEqual(outcomes(report), { "tenant-a": "attention", "tenant-b": "skipped", "tenant-c": "skipped" });
    const a = report.tenants.find((t: any) => t.stack === "tenant-a");
    const shared = a.status.profiles.find((p: any) => p.name === "ios-shared-mail");
    assert.ok(shared.devices.error > 0, JSON.stringify(shared.devices));
    assert.deepStrictEqual([...new Set(shared.issues.flatMap((i: any) => i.otherProfiles.map((o: any) => o.name)))], ["ios-mail"]);
    assert.deepStrictEqual({ b: await profiles("tenant-b"), c: await profiles("tenant-c") }, before);
  });
});
