// `pulumi-intune drift` through the package bin and the real Pulumi CLI: 0 on a clean stack, 2 after an
// out-of-band change (naming resource, property, declared and live), 1 on a broken stack.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { type EmulatorStack, type PulumiProject, runCli, useEmulatorStack } from "./harness";

describe("e2e: drift run with the real Pulumi CLI", function () {
  this.timeout(600_000);
  let server: EmulatorStack["server"];
  let emulator: EmulatorClient;
  let project: PulumiProject;

  /** `pulumi-intune drift …` in the project's environment (backend, passphrase, CA, toolchain on PATH). */
  const drift = (args: string[]) => runCli(["drift", ...args], { env: project.env });

  useEmulatorStack("scope-tag", (s) => void ({ server, emulator, project } = s));
  before(() => project.up());

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
