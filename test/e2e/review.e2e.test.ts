// Golden tests of the review report, rendered from `pulumi preview --json` that the real CLI produced in
// this run (creates with impact, then updates, a replace, a delete and removals), through the package bin.
// UPDATE_GOLDEN=1 rewrites the files in test/e2e/golden/; review the diff before committing it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SEEDED_GROUPS } from "../../emulator";
import { type PulumiProject, runCli, useEmulatorStack } from "./harness";

const goldenDir = path.join(__dirname, "golden");
const group = (name: string) => Object.values(SEEDED_GROUPS).find((g) => g.displayName === name)!.id;
const groups = { sales: group("Sales Users"), field: group("Field Engineers"), kiosk: group("Kiosk Devices"), allStaff: group("All Staff") };

/** Ids the emulator makes up anew each run become <id-1>, <id-2>… in order of appearance; seeded group ids stay. */
export function normaliseVolatile(text: string): string {
  const seen = new Map<string, string>();
  const fixed = new Set<string>(Object.values(groups));
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (fixed.has(id)) return id;
    if (!seen.has(id)) seen.set(id, `<id-${seen.size + 1}>`);
    return seen.get(id)!;
  });
}

function compareGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, actual);
  assert.ok(fs.existsSync(file), `missing golden ${name}: run with UPDATE_GOLDEN=1 and review it`);
  const expected = fs.readFileSync(file, "utf8");
  if (actual !== expected) {
    const a = actual.split("\n");
    const e = expected.split("\n");
    const i = a.findIndex((line, k) => line !== e[k]);
    assert.fail(`${name} differs from the golden file at line ${i + 1}:\n  golden: ${JSON.stringify(e[i])}\n  actual: ${JSON.stringify(a[i])}\n(UPDATE_GOLDEN=1 rewrites it)`);
  }
}

/** `pulumi-intune review …` through the package bin. */
const review = (args: string[], input?: string) => runCli(["review", ...args], { input });

describe("e2e: review report from real `pulumi preview --json`", function () {
  this.timeout(1_200_000);
  let project: PulumiProject;
  let dir: string;
  const previewTo = async (name: string) => {
    const r = await project.ok(["preview", "--json"]);
    const file = path.join(dir, name);
    fs.writeFileSync(file, r.stdout);
    return file;
  };

  useEmulatorStack("assignments", (s) => {
    project = s.project;
    dir = project.dir;
  });

  it("renders the first preview: creates, who receives each profile, duplicate accounts, a device group", async () => {
    await project.setConfig({ groups, assignments: { "ios-mail": ["sales"], "windows-mail": ["sales"], "knox-a": ["field"], "knox-b": ["field", "kiosk"] } });
    const file = await previewTo("create.json");
    const md = await review([file]);
    assert.strictEqual(md.code, 0, md.stderr);
    compareGolden("create.md", normaliseVolatile(md.stdout));
    const gate = await review([file, "--fail-on", "replace,delete"]);
    assert.strictEqual(gate.code, 0, "creates alone do not trip a replace/delete gate");
    assert.strictEqual((await review([file, "--fail-on", "impact"])).code, 3);
    await project.up();
  });

  it("renders updates, a replacement caused by `platform`, a delete and removed targets; the policy gate trips", async () => {
    await project.setConfig({
      groups,
      iosHostName: "mail.contoso.com",
      windowsPlatform: "windowsPhone81",
      assignments: { "ios-mail": ["sales", "allStaff"], "windows-mail": ["sales"], "knox-a": ["field"] },
    });
    const file = await previewTo("change.json");
    const md = await review([file]);
    assert.strictEqual(md.code, 0, md.stderr);
    compareGolden("change.md", normaliseVolatile(md.stdout));
    const json = await review([file, "--format", "json"]);
    compareGolden("change.json", normaliseVolatile(json.stdout));
    // The same through stdin.
    const piped = await review(["-"], fs.readFileSync(file, "utf8"));
    assert.strictEqual(piped.stdout, md.stdout);
    for (const [gate, code] of [["replace", 3], ["delete", 3], ["impact", 3], ["update", 3], ["create", 0]] as const) {
      const r = await review([file, "--fail-on", gate]);
      assert.strictEqual(r.code, code, `--fail-on ${gate}: ${r.stderr}`);
      if (code !== 0) assert.match(r.stderr, new RegExp(`--fail-on ${gate}: `), "the gate says why it failed");
    }
    await project.up();
  });

  it("renders an empty preview as 'no changes', and no gate trips", async () => {
    const file = await previewTo("same.json");
    const md = await review([file, "--fail-on", "replace,delete,impact,create,update"]);
    assert.strictEqual(md.code, 0, md.stderr);
    compareGolden("same.md", normaliseVolatile(md.stdout));
  });

  it("refuses input that is not preview JSON, is truncated, or comes from another command", async () => {
    const good = fs.readFileSync(path.join(dir, "change.json"), "utf8");
    const truncated = await review(["-"], good.slice(0, Math.floor(good.length / 2)));
    assert.strictEqual(truncated.code, 1);
    assert.match(truncated.stderr, /truncated|not valid JSON/i);
    const up = await project.ok(["stack", "export"]);
    const other = await review(["-"], up.stdout);
    assert.strictEqual(other.code, 1);
    assert.match(other.stderr, /not .*preview --json/i);
    const text = await review(["-"], "Previewing update (e2e):\n");
    assert.strictEqual(text.code, 1);
    assert.match(text.stderr, /preview --json/);
  });

});
