// The test configuration itself: a focused test (`it.only`) left in a commit would silently skip every
// other test of the run, so mocha must refuse it.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../support/sourceBin";

describe("unit: .mocharc.json", function () {
  this.timeout(120_000);

  it("sets forbid-only", () => {
    const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, ".mocharc.json"), "utf8"));
    assert.strictEqual(config["forbid-only"], true);
  });

  it("makes a run with `it.only` fail, although the focused test passes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forbid-only-"));
    try {
      const file = path.join(dir, "focused.test.js");
      fs.writeFileSync(file, 'describe("s", () => { it.only("focused", () => {}); it("other", () => {}); });\n');
      const mocha = require.resolve("mocha/bin/mocha.js");
      const r = spawnSync(process.execPath, [mocha, "--config", path.join(REPO_ROOT, ".mocharc.json"), file], { cwd: REPO_ROOT, encoding: "utf8" });
      assert.notStrictEqual(r.status, 0, `mocha exited 0:\n${r.stdout}`);
      assert.match(r.stdout + r.stderr, /`\.only` forbidden/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
