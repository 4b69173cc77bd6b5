// `pulumi-intune drift` through the package bin and the real Pulumi CLI: 0 on a clean stack, 2 after an
// out-of-band change (naming resource, property, declared and live), 1 on a broken stack.
import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { createServer } from "../../emulator";
import { EmulatorClient, type EmulatorInfo } from "../support/emulatorClient";
import { PulumiProject } from "./harness";

const repo = path.resolve(__dirname, "../..");

describe("e2e: drift run with the real Pulumi CLI", function () {
  this.timeout(600_000);
  let server: ReturnType<typeof createServer>;
  let info: EmulatorInfo;
  let emulator: EmulatorClient;
  let project: PulumiProject;

  /** `pulumi-intune drift …` in the project's environment (backend, passphrase, CA, toolchain on PATH). */
  const drift = (args: string[], env: NodeJS.ProcessEnv = project.env) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join(repo, "dist/cli/bin.js"), "drift", ...args], { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );

  before(async () => {
    server = createServer();
    info = await server.start();
    emulator = new EmulatorClient(info);
    project = new PulumiProject("scope-tag", info);
    await project.init();
    await project.up();
  });
  after(async () => {
    project?.cleanup();
    await server?.close();
  });

  it("exits 0 and says so when the tenant matches the stack", async () => {
    const r = await drift(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /No drift: the tenant matches the stack\./);
    assert.match(r.stderr, /running `pulumi refresh --preview-only/, "progress goes to stderr");
  });

  it("exits 2 after an out-of-band change, naming the property with declared and live values", async () => {
    const { scopeTagId } = await project.outputs();
    const patched = await emulator.graph("PATCH", `/deviceManagement/roleScopeTags/${scopeTagId}`, { description: "changed in the portal" });
    assert.ok(patched.status < 300, JSON.stringify(patched.body));

    const md = await drift(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(md.code, 2, md.stderr);
    assert.match(md.stdout, /### `mail-admins` \(ScopeTag\): changed outside Pulumi/);
    assert.match(md.stdout, /\| `description` \| `"Admins who manage e-mail profiles in EMEA"` \| `"changed in the portal"` \|/);

    const json = await drift(["--stack", "e2e", "--cwd", project.dir, "--format", "json"]);
    assert.strictEqual(json.code, 2);
    const report = JSON.parse(json.stdout);
    assert.deepStrictEqual(
      report.drifted.map((d: any) => [d.name, d.state, d.properties]),
      [["mail-admins", "changed", [{ path: "description", declared: "Admins who manage e-mail profiles in EMEA", live: "changed in the portal" }]]],
    );
    // A drift run only looks: the stack's state still has the declared value.
    assert.ok(project.allStateText().includes("Admins who manage e-mail profiles in EMEA"));
  });

  it("exits 2 and says 'deleted' when the tag is gone from the tenant", async () => {
    const { scopeTagId } = await project.outputs();
    assert.ok((await emulator.graph("DELETE", `/deviceManagement/roleScopeTags/${scopeTagId}`)).status < 300);
    const r = await drift(["--stack", "e2e", "--cwd", project.dir, "--format", "json"]);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout).drifted.map((d: any) => [d.name, d.state]), [["mail-admins", "deleted"]]);
  });

  it("exits 1 with the reason on a broken stack: unknown stack, unreachable tenant", async () => {
    const unknown = await drift(["--stack", "no-such-stack", "--cwd", project.dir]);
    assert.strictEqual(unknown.code, 1);
    assert.match(unknown.stderr, /pulumi-intune: pulumi refresh failed with exit code \d+: .*no-such-stack/s);

    await server.close();
    const down = await drift(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(down.code, 1);
    assert.match(down.stderr, /pulumi-intune: pulumi refresh failed/);
    assert.strictEqual(down.stdout, "", "no report on stdout when there is nothing true to say");
  });
});
