// `pulumi-intune drift` exit codes (0 = no drift, 2 = drift, 1 = error) without a tenant: the Pulumi CLI
// is replaced by a script (PULUMI_BIN) that prints a canned `pulumi refresh --preview-only --json`. A
// scheduled job reads only the exit code, so drift that exits 0 is drift nobody sees.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, readInput } from "../../../cli/main";
import { runSourceCli } from "../../support/sourceBin";

const urn = (kind: string, name: string) => `urn:pulumi:dev::demo::pulumi-nodejs:dynamic/intune:${kind}::${name}`;
const stackStep = { op: "same", urn: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev" };
const tag = (displayName: string) => ({ inputs: { displayName }, outputs: { displayName } });

describe("cli: drift exit codes (a fake pulumi)", function () {
  this.timeout(120_000);
  let dir: string;
  let argsFile: string;
  /** A `pulumi` that records its arguments and answers with `output` and exit code `code`. */
  const fakePulumi = (name: string, output: unknown, code = 0) => {
    const file = path.join(dir, name);
    const text = typeof output === "string" ? output : JSON.stringify(output);
    fs.writeFileSync(file, `#!${process.execPath}\nrequire("fs").writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));\nprocess.stdout.write(${JSON.stringify(text)});\nprocess.exit(${code});\n`, { mode: 0o755 });
    return file;
  };
  const drift = async (bin: string, ...extra: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(["drift", "--stack", "dev", "--cwd", dir, ...extra], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readInput, env: { PULUMI_BIN: bin } });
    return { code, stdout, stderr };
  };
  let drifting: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-exit-"));
    argsFile = path.join(dir, "args.json");
    drifting = fakePulumi("pulumi-drifting", { steps: [stackStep, { op: "update", urn: urn("ScopeTag", "sales"), oldState: tag("Sales"), newState: tag("Sales (renamed in the portal)") }] });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 2 on a changed property, naming it, after running the refresh preview for the stack", async () => {
    const r = await drift(drifting);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(r.stdout, /`displayName` \| `"Sales"` \| `"Sales \(renamed in the portal\)"`/);
    const ran = JSON.parse(fs.readFileSync(argsFile, "utf8"));
    assert.deepStrictEqual(ran.args, ["refresh", "--preview-only", "--json", "--non-interactive", "--stack", "dev"]);
    assert.strictEqual(fs.realpathSync(ran.cwd), fs.realpathSync(dir));
  });

  it("exits 2 with --format json too", async () => {
    const r = await drift(drifting, "--format", "json");
    assert.strictEqual(r.code, 2, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout).drifted.map((d: { name: string; state: string }) => [d.name, d.state]), [["sales", "changed"]]);
  });

  it("exits 2 when a resource is gone from the tenant", async () => {
    const r = await drift(fakePulumi("pulumi-deleted", { steps: [stackStep, { op: "delete", urn: urn("EmailProfile", "ios"), oldState: tag("iOS") }] }));
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(r.stdout, /`ios` \(EmailProfile\): deleted outside Pulumi/);
  });

  it("exits 0 when the tenant matches the stack", async () => {
    const r = await drift(fakePulumi("pulumi-clean", { steps: [stackStep, { op: "same", urn: urn("ScopeTag", "sales"), oldState: tag("Sales"), newState: tag("Sales") }] }));
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /No drift/);
  });

  it("exits 1 when pulumi fails, with its error", async () => {
    const r = await drift(fakePulumi("pulumi-failing", { steps: [], diagnostics: [{ severity: "error", message: "no stack named 'dev' found" }] }, 255));
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /pulumi refresh failed with exit code 255: no stack named 'dev' found/);
  });

  it("exits 1 on output that is not a refresh preview", async () => {
    const r = await drift(fakePulumi("pulumi-garbage", "Previewing refresh (dev):\n"));
    assert.strictEqual(r.code, 1);
  });

  it("the bin as a process exits 2 on drift (the code a scheduled job sees)", async () => {
    const r = await runSourceCli(["drift", "--stack", "dev", "--cwd", dir], { env: { ...process.env, PULUMI_BIN: drifting } });
    assert.strictEqual(r.code, 2, r.stderr);
  });
});
