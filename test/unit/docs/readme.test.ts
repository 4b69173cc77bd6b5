// The README stays short and its Quick start true; the example review report is the e2e golden report.
import * as assert from "assert";
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
    const pkg = JSON.parse(read("package.json"));
    assert.strictEqual(pkg.scripts.test, "bash scripts/test.sh");
    assert.strictEqual(pkg.scripts.demo, "bash scripts/demo.sh");
  });

  it("docs/review-example.md shows the golden review report of the e2e run", () => {
    assert.ok(read("docs/review-example.md").endsWith(read("test/e2e/golden/change.md")));
  });

  it("docs/how-to/configure-credentials.md lists every configuration key of provider/config.ts", () => {
    const page = read("docs/how-to/configure-credentials.md");
    for (const k of configKeys) assert.match(page, new RegExp(`\\| \`${k.key}\` \\| ${k.env ? `\`${k.env}\`` : "–"} \\| ${k.secret ? "\\*\\*yes\\*\\*" : "no"} \\|`), k.key);
  });
});
