// ScopeTag through the real Pulumi CLI: preview -> up -> empty preview -> change -> drift -> destroy,
// plus throttling storms and secret hygiene.
import * as assert from "assert";
import type { EmulatorClient, EmulatorInfo } from "../support/emulatorClient";
import { changingSteps, type PulumiProject, useEmulatorStack } from "./harness";

describe("e2e: ScopeTag with the real Pulumi CLI", function () {
  this.timeout(900_000);
  let info: EmulatorInfo;
  let emulator: EmulatorClient;
  let project: PulumiProject;

  const userTags = async () =>
    ((await emulator.graph("GET", "/deviceManagement/roleScopeTags")).body.value as any[]).filter((t) => !t.isBuiltIn);

  useEmulatorStack("scope-tag", (s) => void ({ info, emulator, project } = s), { program: "javascript" });

  it("previews a create and writes nothing", async () => {
    await emulator.clearRequests();
    const preview = await project.previewJson();
    const steps = changingSteps(preview, "ScopeTag");
    assert.deepStrictEqual(steps.map((s) => s.op), ["create"]);
    assert.ok(steps[0].urn.endsWith("pulumi-nodejs:dynamic/intune:ScopeTag::mail-admins"), steps[0].urn);
    const writes = (await emulator.requests()).filter((r) => r.method !== "GET" && !r.path.includes("/oauth2/"));
    assert.deepStrictEqual(writes, []);
  });

  it("creates the tag on up, and a second preview shows zero changes", async () => {
    await project.up();
    const tags = await userTags();
    assert.deepStrictEqual(
      tags.map((t) => [t.displayName, t.description]),
      [["EMEA mail admins", "Admins who manage e-mail profiles in EMEA"]],
    );
    const outputs = await project.outputs();
    assert.strictEqual(outputs.scopeTagId, tags[0].id);

    const again = await project.previewJson();
    assert.deepStrictEqual(changingSteps(again), [], JSON.stringify(again.steps, null, 1));
    assert.strictEqual(again.changeSummary.update ?? 0, 0);
  });

  it("shows exactly the changed property in preview --json and --diff", async () => {
    await project.setConfig({ description: "Admins for EMEA and APAC" });
    const preview = await project.previewJson();
    const steps = changingSteps(preview, "ScopeTag");
    assert.strictEqual(steps.length, 1);
    assert.strictEqual(steps[0].op, "update");
    assert.deepStrictEqual(steps[0].diffReasons, ["description"]);
    assert.deepStrictEqual(Object.keys(steps[0].detailedDiff ?? {}), ["description"]);
    assert.strictEqual(steps[0].detailedDiff!.description.kind, "update");

    const text = await project.ok(["preview", "--diff"]);
    assert.match(text.stdout, /~ description\s*:\s*"Admins who manage e-mail profiles in EMEA" => "Admins for EMEA and APAC"/);
    assert.doesNotMatch(text.stdout, /~ displayName/);

    await project.up();
    assert.strictEqual((await userTags())[0].description, "Admins for EMEA and APAC");
  });

  it("reports an out-of-band change on refresh and repairs it on the next up", async () => {
    const [tag] = await userTags();
    const patched = await emulator.graph("PATCH", `/deviceManagement/roleScopeTags/${tag.id}`, { displayName: "Renamed in the portal" });
    assert.strictEqual(patched.status, 204);

    const digest = await project.refreshJson();
    const drift = digest.steps.find((s) => s.urn.includes("intune:ScopeTag::"));
    assert.ok(drift, JSON.stringify(digest.steps));
    assert.strictEqual(drift.op, "update");
    assert.strictEqual(drift.newState!.outputs!.displayName, "Renamed in the portal");
    assert.strictEqual(drift.oldState!.outputs!.displayName, "EMEA mail admins");

    const repair = await project.previewJson();
    const steps = changingSteps(repair, "ScopeTag");
    assert.deepStrictEqual(steps.map((s) => [s.op, s.diffReasons]), [["update", ["displayName"]]]);
    await project.up();
    assert.strictEqual((await userTags())[0].displayName, "EMEA mail admins");
  });

  // The storm's `up` runs with debug logging and its follow-up preview keeps its JSON: the secret test below
  // searches both (one Pulumi run fewer each than running them again for it).
  let stormUp: { stdout: string; stderr: string } | undefined;
  let stormPreviewJson = "";

  it("converges through a storm of 429s", async () => {
    await project.setConfig({ description: "Changed under throttling" });
    await emulator.injectFault({ match: { path: "roleScopeTags" }, fault: "throttle", retryAfterInSeconds: 1, count: 4 });
    // --debug shows every diagnostic, including what our provider prints. (Pulumi's own -v=9 engine trace
    // prints the decrypted stack config it hands to providers; that is the engine's, not ours: see README.)
    const up = await project.pulumi(["up", "--yes", "--skip-preview", "--debug", "-v=3", "--logtostderr", "--logflow"]);
    assert.strictEqual(up.code, 0, up.stdout + up.stderr.slice(-4000));
    stormUp = up;
    await emulator.clearFaults();
    const log = await emulator.requests();
    assert.ok(log.filter((r) => r.status === 429).length >= 4, "the storm reached the provider");
    assert.strictEqual((await userTags())[0].description, "Changed under throttling");
    stormPreviewJson = (await project.ok(["preview", "--json"])).stdout;
    assert.deepStrictEqual(changingSteps(JSON.parse(stormPreviewJson)), []);
  });

  it("keeps the client secret out of state, --json output and logs", async () => {
    assert.ok(stormUp && stormPreviewJson, "the storm test ran");
    const places: Record<string, string> = {
      "preview --json": stormPreviewJson,
      "stack export": (await project.ok(["stack", "export"])).stdout,
      "up stdout": stormUp.stdout,
      "up --debug -v=3 log": stormUp.stderr,
      "state files": project.allStateText(),
    };
    for (const [where, text] of Object.entries(places)) {
      const at = text.indexOf(info.clientSecret);
      assert.strictEqual(at, -1, `client secret leaked in ${where}: …${text.slice(Math.max(0, at - 300), at + 40)}…`);
    }
  });

  it("destroy leaves the emulator without our tag", async () => {
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    assert.deepStrictEqual(await userTags(), []);
    const tags = (await emulator.graph("GET", "/deviceManagement/roleScopeTags")).body.value;
    assert.deepStrictEqual(tags.map((t: any) => t.id), ["0"]);
  });
});
