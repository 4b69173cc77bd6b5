// The README stays short and its Quick start true; the example review report is the e2e golden report.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { configKeys } from "../../../provider/config";

const repo = path.resolve(__dirname, "../../..");
const read = (p: string) => fs.readFileSync(path.join(repo, p), "utf8");

describe("README", () => {
  it("is at most 250 lines, and every page it links to exists", () => {
    const readme = read("README.md");
    assert.ok(readme.split("\n").length <= 250, `${readme.split("\n").length} lines`);
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    assert.ok(links.length >= 10, `${links.length} links`);
    for (const l of links) assert.ok(fs.existsSync(path.join(repo, l)), `README links to ${l}, which does not exist`);
  });

  it("has the two Quick start command lines", () => {
    const readme = read("README.md");
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
    for (const tier of ["unit", "integration"]) assert.match(commands, new RegExp(`mocha [^\\n]*"test/${tier}/\\*\\*/\\*\\.test\\.ts"`), `npm test runs the ${tier} tier`);
    // e2e files run longest first: every file of the glob goes into the list that mocha runs.
    assert.match(commands, /for f in test\/e2e\/\*\*\/\*\.test\.ts; do [^\n]*e2e_files\+=\("\$f"\)/, "npm test runs every e2e file");
    assert.match(commands, /mocha [^\n]*--parallel[^\n]*"\$\{e2e_files\[@\]\}"/, "npm test runs the e2e tier");
    assert.match(scriptOf("demo"), /\S/);
  });

  it("docs/review-example.md shows the golden review report of the e2e run", () => {
    assert.ok(read("docs/review-example.md").endsWith(read("test/e2e/golden/change.md")));
  });

  it("docs/how-to/configure-credentials.md lists every configuration key of provider/config.ts", () => {
    const page = read("docs/how-to/configure-credentials.md");
    for (const k of configKeys) assert.match(page, new RegExp(`\\| \`${k.key}\` \\| ${k.env ? `\`${k.env}\`` : "–"} \\| ${k.secret ? "\\*\\*yes\\*\\*" : "no"} \\|`), k.key);
  });
});
