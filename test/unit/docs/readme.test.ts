// The README's example review report is the e2e golden report, headings demoted by two levels.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const repo = path.resolve(__dirname, "../../..");

describe("README", () => {
  it("shows the golden review report of the e2e run", () => {
    const golden = fs.readFileSync(path.join(repo, "test/e2e/golden/change.md"), "utf8").trim().replace(/^(#+) /gm, "##$1 ");
    const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
    // The report has <details> of its own: the example block ends where the next README section starts.
    const shown = /<details open><summary>pulumi-intune review<\/summary>\n\n([\s\S]*?)\n\n<\/details>\n\n## /.exec(readme);
    assert.ok(shown, "README has the example block");
    assert.strictEqual(shown![1], golden);
    assert.strictEqual(fs.readFileSync(path.join(repo, "docs/review-example.md"), "utf8").endsWith(fs.readFileSync(path.join(repo, "test/e2e/golden/change.md"), "utf8")), true);
  });

  it("has the two Quick start command lines", () => {
    const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1].trim().split("\n");
    assert.deepStrictEqual(quick.map((l) => l.split("#")[0].trim()), ["npm ci && npm run demo", "npm test"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    assert.strictEqual(pkg.scripts.test, "bash scripts/test.sh");
    assert.strictEqual(pkg.scripts.demo, "bash scripts/demo.sh");
  });
});
