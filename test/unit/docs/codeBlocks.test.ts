// Every code block of the README and docs/ is checked, by language, and a block in a language this test
// does not know fails. What each check proves, honestly:
//  - ts: type-checked against the sources (`pulumi-intune` mapped to this repository's index.ts), with
//    `strict`: the API, the argument types and the settings of each platform exist as written. Not run.
//  - sh: `bash -n` parses the block; every command line is then taken apart, and for our binaries
//    (`pulumi-intune`, `pulumi-intune-emulator`) its arguments go through the real strict parsers, so a
//    flag or value they would refuse fails here; `npm run X` must be a script of package.json; `pulumi`
//    needs a known subcommand (its flags are not checked: the Pulumi CLI is not in unit tests); other
//    commands must be on a short list of ordinary tools. Not run.
//  - text: a usage block must equal `pulumi-intune --help` as printed today.
//  - yaml: parses; a Pulumi.yaml (with `runtime`) names nodejs.
// Pages that are checked elsewhere are skipped: docs/reference.md (generated, compared with its
// generator) and docs/review-example.md (compared with the e2e golden report).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parseCommandLine, usageText } from "../../../cli/args";
import { commands } from "../../../cli/commands";
import { emulatorOptions } from "../../../emulator/bin";
import { sharedCompilerHost } from "../../support/compilerHost";

const repo = path.resolve(__dirname, "../../..");
const yaml: { load(text: string): any } = require("js-yaml");

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

function pages(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : []));
  return ["README.md", ...walk("docs").filter((p) => !["docs/reference.md", "docs/review-example.md"].includes(p))];
}

export function codeBlocks(file: string, text = fs.readFileSync(path.join(repo, file), "utf8")): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]);
    blocks.push({ file, line: start + 1, lang: open[1], text: body.join("\n") });
  }
  return blocks;
}

const where = (b: Block) => `${b.file}:${b.line}`;

// ---------------------------------------------------------------- TypeScript

/** Type-checks TypeScript blocks as modules of one program; returns the errors, by block. */
export function typeCheck(blocks: readonly Block[]): string[] {
  // Inside node_modules, so that `@pulumi/pulumi` resolves to this repository's copy.
  const dir = fs.mkdtempSync(path.join(repo, "node_modules", ".docs-check-"));
  try {
    const files = blocks.map((b, i) => {
      const f = path.join(dir, `block${i}.ts`);
      fs.writeFileSync(f, b.text);
      return f;
    });
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ["node"],
      skipLibCheck: true,
      baseUrl: repo,
      paths: { "pulumi-intune": ["index.ts"] },
    };
    const program = ts.createProgram(files, options, sharedCompilerHost(options));
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const i = d.file ? files.indexOf(d.file.fileName) : -1;
      const at = i >= 0 && d.start !== undefined ? `${where(blocks[i])} (+${d.file!.getLineAndCharacterOfPosition(d.start).line + 1})` : (d.file?.fileName ?? "?");
      return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- shell

/** Words of one command line, as a POSIX shell splits them (quotes, backslashes; no expansion). */
function words(line: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      cur = (cur ?? "") + line.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? line.length : end;
    } else if (c === "\\" && i + 1 < line.length) cur = (cur ?? "") + line[++i];
    else if (/\s/.test(c)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? "") + c;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

/** The simple commands of a block: comments dropped, continuations joined, split on `&&`, `||`, `|`, `;`. */
export function commandsOf(script: string): string[][] {
  const joined = script.replace(/\\\n/g, " ");
  const out: string[][] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "");
    for (const part of line.split(/&&|\|\||\||;/)) {
      const w = words(part);
      // Drop redirections (`> file`, `2>&1`) and leading VAR=value assignments.
      const cmd: string[] = [];
      for (let i = 0; i < w.length; i++) {
        if (/^\d*>>?&?\d*$/.test(w[i]) || w[i] === "<") {
          if (!/&\d$/.test(w[i])) i++;
          continue;
        }
        if (/^\d*>/.test(w[i])) continue;
        cmd.push(w[i]);
      }
      while (cmd.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(cmd[0])) cmd.shift();
      if (cmd.length > 0) out.push(cmd);
    }
  }
  return out;
}

const pulumiSubcommands = new Set(["preview", "up", "refresh", "destroy", "config", "stack", "cancel", "import", "login", "new", "version", "whoami"]);
const ordinaryTools = new Set(["cd", "mkdir", "export", "ls", "cat", "git"]);
const npmCommands = new Set(["ci", "install", "init", "pack", "test"]);
/** Development tools the docs may run through npx: they must be installed binaries of this repository. */
const devTools = new Set(["mocha", "ts-node", "tsc"]);
/** Packages the docs run with npx that are not this repository's dependencies (npx fetches them). */
const npxPackages = new Set(["azurite-blob"]);

/** Why a command line of a shell block would not work as written, or undefined. */
export function checkCommand(cmd: readonly string[], scripts: Readonly<Record<string, string>>): string | undefined {
  let [tool, ...args] = cmd;
  if (tool === "npx") {
    if (npxPackages.has(args[0])) return undefined;
    [tool, ...args] = args;
  }
  if (tool === "node" && args[0] === "dist/cli/bin.js") [tool, ...args] = ["pulumi-intune", ...args.slice(1)];
  if (tool === "node" && args[0] === "dist/emulator/bin.js") [tool, ...args] = ["pulumi-intune-emulator", ...args.slice(1)];
  try {
    if (tool === "pulumi-intune") parseCommandLine(commands, args);
    else if (tool === "pulumi-intune-emulator") emulatorOptions(args);
    else if (tool === "pulumi") {
      if (!pulumiSubcommands.has(args[0])) return `unknown pulumi subcommand ${JSON.stringify(args[0])}`;
    } else if (tool === "npm") {
      const sub = args[0];
      if (sub === "run") {
        const name = args.filter((a) => !a.startsWith("-"))[1];
        if (!(name in scripts)) return `npm run ${name}: no such script in package.json`;
      } else if (!npmCommands.has(sub)) return `unknown npm command ${JSON.stringify(sub)}`;
    } else if (devTools.has(tool)) {
      if (!fs.existsSync(path.join(repo, "node_modules", ".bin", tool))) return `${tool} is not installed in node_modules/.bin`;
    } else if (!ordinaryTools.has(tool)) return `unknown command ${JSON.stringify(tool)} (add it to the checks, or leave it out of the docs)`;
  } catch (e) {
    return `${tool} refuses ${JSON.stringify(args)}: ${(e as Error).message}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- the tests

describe("docs: every code block is checked", function () {
  this.timeout(120_000);
  const blocks = pages().flatMap((p) => codeBlocks(p));
  const scripts = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).scripts as Record<string, string>;

  it("finds the blocks of the README and every page", () => {
    assert.ok(blocks.filter((b) => b.file === "README.md").length >= 3);
    assert.ok(new Set(blocks.map((b) => b.file)).size >= 6, [...new Set(blocks.map((b) => b.file))].join(", "));
  });

  it("knows the language of every block", () => {
    const unknown = blocks.filter((b) => !["ts", "sh", "text", "yaml", "json"].includes(b.lang));
    assert.deepStrictEqual(unknown.map((b) => `${where(b)} \`\`\`${b.lang}`), []);
  });

  it("parses every JSON block", () => {
    const problems: string[] = [];
    for (const b of blocks.filter((x) => x.lang === "json")) {
      try {
        JSON.parse(b.text);
      } catch (e) {
        problems.push(`${where(b)}: ${(e as Error).message}`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("type-checks every TypeScript block against the sources", () => {
    const ts = blocks.filter((b) => b.lang === "ts");
    assert.ok(ts.length >= 4);
    assert.deepStrictEqual(typeCheck(ts), []);
  });

  it("parses every shell block, and our commands' flags with the real parsers", () => {
    const problems: string[] = [];
    for (const b of blocks.filter((x) => x.lang === "sh")) {
      const syntax = spawnSync("bash", ["-n"], { input: b.text, encoding: "utf8" });
      if (syntax.status !== 0) problems.push(`${where(b)}: ${syntax.stderr.trim()}`);
      for (const cmd of commandsOf(b.text)) {
        const why = checkCommand(cmd, scripts);
        if (why) problems.push(`${where(b)}: ${why}`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("shows `pulumi-intune --help` as it is printed today", () => {
    const usage = blocks.filter((b) => b.lang === "text" && b.text.startsWith("usage:"));
    assert.ok(usage.length >= 1);
    for (const b of usage) assert.strictEqual(b.text, usageText(commands), where(b));
    assert.deepStrictEqual(blocks.filter((b) => b.lang === "text" && !b.text.startsWith("usage:")).map(where), []);
  });

  it("parses every YAML block; a Pulumi.yaml runs nodejs", () => {
    for (const b of blocks.filter((x) => x.lang === "yaml")) {
      const doc = yaml.load(b.text);
      if (doc && typeof doc === "object" && "runtime" in doc) assert.strictEqual(doc.runtime, "nodejs", where(b));
    }
  });
});

describe("docs: the checks themselves catch mistakes", function () {
  this.timeout(120_000);
  const scripts = { demo: "x" };

  it("a wrong setting or platform fails the type check", () => {
    const bad = `import { EmailProfile } from "pulumi-intune";\nnew EmailProfile("x", { displayName: "x", platform: "windows10", settings: { hostName: "h", accountName: "a", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", hostname: "typo" } });`;
    assert.match(typeCheck([{ file: "t.md", line: 1, lang: "ts", text: bad }]).join("\n"), /hostname/);
  });

  it("a misspelt flag, a bad value or an unknown tool fails the shell check", () => {
    assert.match(checkCommand(["npx", "pulumi-intune", "review", "p.json", "--fail_on", "delete"], scripts)!, /unknown option "--fail_on"/);
    assert.match(checkCommand(["pulumi-intune-emulator", "--dialect", "real"], scripts)!, /--dialect must be one of/);
    assert.match(checkCommand(["npm", "run", "demo:nope"], scripts)!, /no such script/);
    assert.match(checkCommand(["pulumi", "upp"], scripts)!, /unknown pulumi subcommand/);
    assert.match(checkCommand(["curl", "x"], scripts)!, /unknown command "curl"/);
    assert.strictEqual(checkCommand(["npx", "pulumi-intune", "drift", "--stack", "dev"], scripts), undefined);
  });

  it("splits lines like a shell: comments, quotes, redirections, pipes and assignments", () => {
    assert.deepStrictEqual(commandsOf(`A=1 npx pulumi-intune review "my file.json" --out x.md > comment.md # note\nnpm ci && npm run demo | tee log 2>&1`), [
      ["npx", "pulumi-intune", "review", "my file.json", "--out", "x.md"],
      ["npm", "ci"],
      ["npm", "run", "demo"],
      ["tee", "log"],
    ]);
  });
});
