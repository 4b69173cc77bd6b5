// The README's example review report is the e2e golden report, headings demoted by two levels.
import * as assert from "assert";
import { spawnSync } from "child_process";
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
  });

  // Pinning the package.json strings would hold with the scripts gone or emptied: check what they run.
  it("`npm test` runs a script that runs every tier, and `npm run demo` a script that exists", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    const scriptOf = (name: string) => {
      const m = /^bash (scripts\/[\w.-]+\.sh)$/.exec(pkg.scripts[name] ?? "");
      assert.ok(m, `npm script ${name}: ${pkg.scripts[name]}`);
      const file = path.join(repo, m![1]);
      const syntax = spawnSync("bash", ["-n", file], { encoding: "utf8" });
      assert.strictEqual(syntax.status, 0, `${m![1]}: ${syntax.stderr}`);
      return fs.readFileSync(file, "utf8");
    };
    // Only lines that run something (comments and echo lines do not).
    const commands = scriptOf("test").split("\n").filter((l) => !/^\s*(#|echo )/.test(l)).join("\n");
    for (const tier of ["unit", "integration", "e2e"]) assert.match(commands, new RegExp(`mocha [^\\n]*"test/${tier}/\\*\\*/\\*\\.test\\.ts"`), `npm test runs the ${tier} tier`);
    assert.match(scriptOf("demo"), /\S/);
  });
});
