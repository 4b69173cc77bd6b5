// Every GitHub Actions workflow under examples/ passes actionlint (built from Go modules and cached by
// scripts/actionlint.sh). A workflow is any YAML file there with a top-level `jobs:` key.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const repo = path.resolve(__dirname, "../..");

function workflows(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : workflows(p);
    return /\.ya?ml$/.test(e.name) && /^jobs:/m.test(fs.readFileSync(p, "utf8")) ? [p] : [];
  });
}

describe("e2e: actionlint over the example workflows", function () {
  this.timeout(600_000);
  let actionlint: string;
  before(() => {
    const out = execFileSync("bash", [path.join(repo, "scripts/actionlint.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n");
    actionlint = out[out.length - 1];
  });

  it("finds the workflows, including the fleet's nightly and pull-request ones", () => {
    const names = workflows(path.join(repo, "examples")).map((p) => path.relative(repo, p));
    for (const w of ["examples/github-actions/nightly-drift.yml", "examples/github-actions/pull-request.yml", "examples/fleet/workflows/nightly-fleet-drift.yml", "examples/fleet/workflows/pull-request-fleet-preview.yml"])
      assert.ok(names.includes(w), `${w} in ${names.join(", ")}`);
  });

  it("passes every workflow, and would catch a broken one", () => {
    const files = workflows(path.join(repo, "examples"));
    const r = spawnSync(actionlint, ["-no-color", ...files], { encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    // The linter is live: an unknown matrix key in an expression is an error.
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-")), "bad.yml");
    fs.writeFileSync(bad, fs.readFileSync(path.join(repo, "examples/fleet/workflows/nightly-fleet-drift.yml"), "utf8").replace("matrix.shard }}/", "matrix.shards }}/"));
    const broken = spawnSync(actionlint, ["-no-color", bad], { encoding: "utf8" });
    assert.strictEqual(broken.status, 1, broken.stdout);
    assert.match(broken.stdout, /property "shards" is not defined/);
  });
});
