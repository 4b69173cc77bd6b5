// The example workflows parse, sign in through OIDC with no stored Azure secret, and call our commands.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
// js-yaml is already in the dependency tree (through mocha); no types needed for one call.
const yaml: { load(text: string): any } = require("js-yaml");

const dir = path.resolve(__dirname, "../../../examples/github-actions");
const load = (name: string) => ({ text: fs.readFileSync(path.join(dir, name), "utf8"), doc: yaml.load(fs.readFileSync(path.join(dir, name), "utf8")) });
const runs = (doc: any) => Object.values(doc.jobs).flatMap((j: any) => j.steps.map((s: any) => s.run ?? "")).join("\n");
const uses = (doc: any) => Object.values(doc.jobs).flatMap((j: any) => j.steps.map((s: any) => s.uses).filter(Boolean));

describe("examples/github-actions", () => {
  for (const name of ["pull-request.yml", "nightly-drift.yml"]) {
    it(`${name} uses workload identity federation and no Azure secret`, () => {
      const { text, doc } = load(name);
      assert.strictEqual(doc.permissions["id-token"], "write");
      assert.ok(uses(doc).some((u: string) => u.startsWith("azure/login@")));
      assert.doesNotMatch(text, /AZURE_CLIENT_SECRET|client-secret|clientSecret/);
    });
  }

  it("pull-request.yml previews as JSON, reviews with a gate and comments", () => {
    const { doc } = load("pull-request.yml");
    assert.ok(doc.on.pull_request);
    const script = runs(doc);
    assert.match(script, /pulumi preview .*--json/);
    assert.match(script, /pulumi-intune review preview\.json --fail-on replace,delete/);
    assert.strictEqual(doc.permissions["pull-requests"], "write");
  });

  it("nightly-drift.yml runs on a schedule and acts on exit 2 and 1", () => {
    const { doc } = load("nightly-drift.yml");
    assert.ok(doc.on.schedule[0].cron);
    const script = runs(doc);
    assert.match(script, /pulumi-intune drift --stack/);
    const steps = doc.jobs.drift.steps;
    assert.ok(steps.some((s: any) => s.if === "steps.drift.outputs.exit == '2'"));
    assert.ok(steps.some((s: any) => s.if === "steps.drift.outputs.exit == '1'"));
  });
});
