// The command line fails closed: anything the parser does not know is exit 1 with a one-line reason.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type CommandSpec, parseCommandLine, UsageError, usageText } from "../../../cli/args";
import { commands } from "../../../cli/commands";
import { main, readInput } from "../../../cli/main";
import { sourceBinArgs, sourceBinEnv } from "../../support/sourceBin";

const parse = (...argv: string[]) => parseCommandLine(commands, argv);
const refuses = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseCommandLine(commands, argv),
    (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes("\n"),
    `${argv.join(" ")} should be refused with ${message}`,
  );

describe("cli: command-line parsing (strict)", () => {
  it("parses review with defaults, comma lists and repeated --fail-on", () => {
    assert.deepStrictEqual(parse("review", "p.json"), { command: "review", help: false, values: { format: "markdown", "fail-on": [], out: undefined, events: undefined }, positionals: ["p.json"] });
    const r = parse("review", "-", "--fail-on", "replace,delete", "--fail-on=impact", "--format", "json", "--out", "full.json");
    assert.deepStrictEqual(r.values, { format: "json", "fail-on": ["replace", "delete", "impact"], out: "full.json", events: undefined });
    assert.deepStrictEqual(r.positionals, ["-"]);
    assert.deepStrictEqual(parse("review").positionals, []);
  });

  it("parses drift, --stack required, --cwd defaulting to .", () => {
    assert.deepStrictEqual(parse("drift", "--stack", "prod").values, { stack: "prod", cwd: ".", format: "markdown" });
    refuses(["drift"], /^`drift` needs `--stack NAME`; got nothing$/);
  });

  it("refuses unknown flags, naming them and the near miss", () => {
    refuses(["review", "--fail_on", "replace", "preview.json"], /^`review` takes --format, --fail-on, --out, --events, --help; got unknown option "--fail_on" \(did you mean `--fail-on`\?\)$/);
    refuses(["review", "-x", "preview.json"], /got unknown option "-x"/);
    refuses(["drift", "--stack", "s", "--out", "x"], /^`drift` takes --stack, --cwd, --format, --help; got unknown option "--out"/);
  });

  it("refuses a flag without its value, including one followed by another flag", () => {
    refuses(["review", "p.json", "--fail-on"], /^`--fail-on` needs a value \(replace, delete, impact, create, update\); got nothing$/);
    refuses(["review", "--fail-on", "--format", "json"], /^`--fail-on` needs a value .*; got the flag "--format"$/);
    refuses(["review", "--out"], /^`--out` needs a value \(FILE\); got nothing$/);
    refuses(["review", "--format="], /^`--format` needs a value \(FORMAT\); got ""$/);
    refuses(["review", "--fail-on="], /^`--fail-on` takes replace, delete, impact, create, update; got ""$/);
    refuses(["review", "--help=yes"], /^`--help` takes no value; got "yes"$/);
  });

  it("refuses values outside a flag's choices", () => {
    refuses(["review", "--fail-on", "replac"], /^`--fail-on` takes replace, delete, impact, create, update; got "replac" \(did you mean replace\?\)$/);
    refuses(["review", "--fail-on", "replace,deletes"], /got "deletes"/);
    refuses(["review", "--format", "yaml"], /^`--format` takes markdown, json; got "yaml"$/);
    refuses(["drift", "--stack", "s", "--format", "md"], /^`--format` takes markdown, json; got "md"/);
  });

  it("refuses unexpected positionals and repeated single-value flags", () => {
    refuses(["review", "a.json", "b.json"], /^`review` takes at most 1 positional argument \(FILE\); got "a.json" "b.json"$/);
    refuses(["drift", "prod", "--stack", "prod"], /^`drift` takes no positional arguments; got "prod"$/);
    refuses(["review", "--format", "json", "--format", "markdown"], /^`--format` may be given once; got "json" and "markdown"$/);
  });

  it("refuses unknown and missing commands", () => {
    refuses(["reveiw"], /^the command is one of review, drift, status, export, fleet; got "reveiw" \(did you mean `review`\?\)$/);
    refuses([], /^no command given$/);
  });

  it("treats --help and -h as help, wherever they are", () => {
    assert.strictEqual(parse("--help").help, true);
    assert.strictEqual(parse("review", "-h").help, true);
    assert.strictEqual(parse("drift", "--help").help, true, "help does not need --stack");
  });

  it("builds the usage text from the table, so a new command is one entry", () => {
    const table: Record<string, CommandSpec> = {
      ...commands,
      status: { summary: "shows status", positionals: [], options: { stack: { type: "string", value: "NAME", required: true, help: "the stack" } } },
    };
    assert.deepStrictEqual(parseCommandLine(table, ["status", "--stack", "dev"]).values, { stack: "dev" });
    assert.throws(() => parseCommandLine(table, ["status", "--stak", "dev"]), /did you mean `--stack`/);
    const text = usageText(table);
    assert.match(text, /pulumi-intune review \[FILE\] \[--format markdown\|json\] \[--fail-on replace,delete,impact,create,update\] \[--out FILE\]/);
    assert.match(text, /pulumi-intune drift --stack NAME \[--cwd DIR\] \[--format markdown\|json\]/);
    assert.match(text, /pulumi-intune status --stack NAME\n {6}shows status/);
  });

  it("main: exit 1 with the error line then the usage on stderr; --help on stdout with exit 0", async () => {
    const run = async (argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readInput: async () => ({ text: '{"steps":[]}', source: "stdin" }), env: {} });
      return { code, stdout, stderr };
    };
    const bad = await run(["review", "--fail_on", "replace", "p.json"]);
    assert.strictEqual(bad.code, 1);
    assert.strictEqual(bad.stdout, "");
    const [first, blank, ...rest] = bad.stderr.split("\n");
    assert.match(first, /^pulumi-intune: `review` takes .*"--fail_on"/);
    assert.strictEqual(blank, "");
    assert.match(rest.join("\n"), /^usage:\n {2}pulumi-intune review /);
    const help = await run(["review", "--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^usage:\n {2}pulumi-intune review/);
    assert.strictEqual(help.stderr, "");
    assert.strictEqual((await run(["review", "-"])).code, 0);
  });
});

describe("cli: the bin as a process (cli/bin.ts from the sources)", function () {
  this.timeout(120_000);
  let dir: string;
  let preview: string;
  const cli = (args: string[], input = "") => spawnSync(process.execPath, sourceBinArgs("cli/bin.ts", args), { input, encoding: "utf8", cwd: dir, env: sourceBinEnv() });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-cli-"));
    preview = path.join(dir, "preview.json");
    const urn = "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/intune:EmailProfile::p";
    fs.writeFileSync(preview, JSON.stringify({ steps: [{ op: "replace", urn, replaceReasons: ["platform"], oldState: { inputs: { platform: "windows10" } }, newState: { inputs: { platform: "windowsPhone81" } } }] }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("`review --fail_on replace preview.json` exits 1 instead of opening the gate", () => {
    const r = cli(["review", "--fail_on", "replace", preview]);
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual(r.stdout, "", "no report when the command line is refused");
    assert.match(r.stderr.split("\n")[0], /unknown option "--fail_on" \(did you mean `--fail-on`\?\)/);
    assert.match(r.stderr, /\nusage:\n/);
    assert.strictEqual(cli(["review", "--fail-on", "replace", preview]).status, 3, "the spelt-right gate trips");
  });

  for (const [args, reason] of [
    [["review", "--fail-on"], /`--fail-on` needs a value/],
    [["review", "--fail-on", "replac", "P"], /got "replac"/],
    [["review", "--format", "yaml", "P"], /`--format` takes markdown, json; got "yaml"/],
    [["review", "P", "extra"], /at most 1 positional/],
    [["drift", "--stack"], /`--stack` needs a value/],
    [["drift", "--stack", "s", "extra"], /no positional arguments; got "extra"/],
    [["nope"], /the command is one of review, drift/],
    [[], /no command given/],
  ] as [string[], RegExp][]) {
    // In process (main is what bin.ts runs; the exit code wiring is proven by the spawned cases above):
    // one ts-node start per case would cost seconds each on a loaded machine.
    it(`exits 1 for \`${args.join(" ")}\``, async () => {
      let stderr = "";
      const code = await main(args.map((a) => (a === "P" ? preview : a)), { stdout: () => undefined, stderr: (s) => (stderr += s), readInput, env: {} });
      const r = { status: code, stderr };
      assert.strictEqual(r.status, 1, r.stderr);
      assert.match(r.stderr.split("\n")[0], reason);
      assert.match(r.stderr, /usage:/);
    });
  }

  it("--help exits 0 and prints the usage on stdout", () => {
    for (const args of [["--help"], ["review", "--help"], ["drift", "-h"]]) {
      const r = cli(args);
      assert.strictEqual(r.status, 0, args.join(" "));
      assert.match(r.stdout, /^usage:/);
    }
  });

  it("reads stdin for - and writes the report", () => {
    const r = cli(["review", "-"], fs.readFileSync(preview, "utf8"));
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 to replace/);
  });
});
