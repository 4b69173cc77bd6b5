// Runs the real Pulumi CLI against programs in a temp workspace that installs pulumi-intune from an
// `npm pack` tarball, exactly as users would, with a file backend and the emulator as the tenant.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { digestFromEvents } from "../../cli/fleetRun";
import { createServer } from "../../emulator";
import { EmulatorClient, type EmulatorInfo } from "../support/emulatorClient";
import { runNodeProcess } from "../support/processes";

const repo = path.resolve(__dirname, "../..");

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  return execFileSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** The directory with `pulumi`, the language host and the dynamic-provider launcher. */
export function pulumiBinDir(): string {
  if (process.env.PULUMI_INTUNE_PULUMI_BIN) return process.env.PULUMI_INTUNE_PULUMI_BIN;
  const out = run("bash", [path.join(repo, "scripts/pulumi-toolchain.sh")], { cwd: repo }).trim().split("\n");
  const dir = out[out.length - 1];
  process.env.PULUMI_INTUNE_PULUMI_BIN = dir;
  return dir;
}

/** Builds and packs the package once per test run (or reuses PULUMI_INTUNE_TARBALL). */
export function packageTarball(): string {
  if (process.env.PULUMI_INTUNE_TARBALL && fs.existsSync(process.env.PULUMI_INTUNE_TARBALL)) return process.env.PULUMI_INTUNE_TARBALL;
  run("npm", ["run", "--silent", "build"], { cwd: repo });
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-pack-"));
  const name = run("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: repo }).trim().split("\n").pop()!;
  process.env.PULUMI_INTUNE_TARBALL = path.join(dest, name);
  return process.env.PULUMI_INTUNE_TARBALL;
}

let workspace: string | undefined;

/** A temp directory whose node_modules has the packed pulumi-intune, @pulumi/policy, ts-node and TypeScript; projects live below it. */
export function e2eWorkspace(): string {
  if (workspace) return workspace;
  // Parallel e2e workers share one workspace that scripts/test.sh installed before starting them.
  const shared = process.env.PULUMI_INTUNE_E2E_WORKSPACE;
  if (shared && fs.existsSync(path.join(shared, "node_modules", "pulumi-intune"))) return (workspace = shared);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-e2e-"));
  const tarball = packageTarball();
  const devVersions = require(path.join(repo, "package.json")).devDependencies;
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "e2e-workspace",
      private: true,
      dependencies: {
        "pulumi-intune": `file:${tarball}`,
        "ts-node": devVersions["ts-node"],
        typescript: devVersions.typescript,
        "@types/node": devVersions["@types/node"],
        // For policy packs (test/e2e/policy.e2e.test.ts): pulumi-intune/policy's optional peer.
        "@pulumi/policy": devVersions["@pulumi/policy"],
      },
    }),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir });
  workspace = dir;
  return dir;
}

export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProjectOptions {
  /**
   * How Pulumi runs the program. "typescript" (the default): through ts-node at every run, as users run the
   * examples. "javascript": transpiled once here with the example's own compiler options and run as plain
   * JavaScript (`runtime.options.typescript: false`): the same code without ts-node and a transpile in
   * every program process, about 0.4 CPU-s of each preview and up (measured). Each example still runs as
   * TypeScript in at least one e2e file.
   */
  program?: "typescript" | "javascript";
}

/** Transpiles the project's top-level .ts files next to them and tells Pulumi to run the JavaScript. */
function transpileProgram(dir: string): void {
  const ts: typeof import("typescript") = require("typescript");
  const config = ts.readConfigFile(path.join(dir, "tsconfig.json"), ts.sys.readFile);
  if (config.error) throw new Error(`${dir}/tsconfig.json: ${ts.flattenDiagnosticMessageText(config.error.messageText, "\n")}`);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dir);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
    const out = ts.transpileModule(fs.readFileSync(path.join(dir, file), "utf8"), { compilerOptions: { ...options, module: ts.ModuleKind.CommonJS, noEmit: false }, fileName: file });
    fs.writeFileSync(path.join(dir, file.replace(/\.ts$/, ".js")), out.outputText);
  }
  const yamlFile = path.join(dir, "Pulumi.yaml");
  const yaml = fs.readFileSync(yamlFile, "utf8");
  if (!/^runtime: nodejs$/m.test(yaml)) throw new Error(`${yamlFile}: expected "runtime: nodejs" to turn TypeScript off`);
  fs.writeFileSync(yamlFile, yaml.replace(/^runtime: nodejs$/m, "runtime:\n  name: nodejs\n  options:\n    typescript: false"));
}

/** One Pulumi project + stack in the workspace, wired to an emulator. */
export class PulumiProject {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;

  constructor(example: string, readonly emulator: EmulatorInfo, readonly stack = "e2e", options: ProjectOptions = {}) {
    const ws = e2eWorkspace();
    this.dir = fs.mkdtempSync(path.join(ws, `${path.basename(example)}-`));
    // `example` names a folder of examples/, or is an absolute path to a project (an exported one).
    fs.cpSync(path.isAbsolute(example) ? example : path.join(repo, "examples", example), this.dir, { recursive: true, filter: (src) => !/node_modules|package(-lock)?\.json$/.test(src) });
    if (options.program === "javascript") transpileProgram(this.dir);
    this.stateDir = path.join(this.dir, ".state");
    fs.mkdirSync(this.stateDir);
    const bin = pulumiBinDir();
    this.env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      // Programs run transpile-only (the SDK's types are checked by the unit tier and tsc), and the file
      // backend writes state once per operation instead of after every step: both only cost time here.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      PULUMI_SKIP_CHECKPOINTS: "true",
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      // The program must get its credentials from stack config, not from the test runner's environment.
      AZURE_TENANT_ID: "",
      AZURE_CLIENT_ID: "",
      AZURE_CLIENT_SECRET: "",
      INTUNE_GRAPH_ENDPOINT: "",
      AZURE_AUTHORITY_HOST: "",
    };
  }

  /** Runs `pulumi <args>` in the project; never throws, returns exit code and output. */
  pulumi(args: string[], opts: { input?: string; timeoutInMs?: number } = {}): Promise<PulumiResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: this.env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutInMs ?? 240_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      if (opts.input) child.stdin.end(opts.input);
      else child.stdin.end();
    });
  }

  /**
   * Starts `pulumi <args>` in its own process group (CLI, language host and provider), so a test can
   * kill all of them at once with `process.kill(-child.pid, "SIGKILL")`, as a crashed CI runner would.
   */
  pulumiDetached(args: string[]): import("child_process").ChildProcess {
    const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: this.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.resume();
    child.stderr?.resume();
    return child;
  }

  /** Like {@link pulumi} but fails with the whole output when the exit code is not 0. */
  async ok(args: string[]): Promise<PulumiResult> {
    const r = await this.pulumi(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r;
  }

  /** `pulumi stack init` and the emulator's connection settings as stack config (secret as secret). */
  async init(extraConfig: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", this.stack]);
    const config: Record<string, string> = {
      "intune:tenantId": this.emulator.tenantId,
      "intune:clientId": this.emulator.clientId,
      "intune:graphEndpoint": this.emulator.graphEndpoint,
      "intune:authorityHost": this.emulator.authorityHost,
      ...extraConfig,
    };
    // One CLI run for all keys: each `pulumi` start costs about a second of CPU.
    const plain = Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
    await this.ok(["config", "set-all", ...plain, "--secret", `intune:clientSecret=${this.emulator.clientSecret}`]);
  }

  private exampleConfigKeys = new Set<string>();

  /**
   * Sets the example's own stack config (project namespace) to exactly these keys, in the stack's config
   * file (`Pulumi.<stack>.yaml`) as a person editing it would: strings as they are, objects and lists as
   * structured values (what `pulumi config set --path` writes). Keys set by an earlier call and absent now
   * are removed. The file, not `pulumi config set-all`: each `pulumi` start costs 0.4 CPU-s, and the e2e tier
   * changes config some 40 times; the program reads the same values either way (the engine reads this file).
   */
  async setConfig(values: Record<string, unknown>): Promise<void> {
    const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(this.dir, "Pulumi.yaml"), "utf8"))![1];
    const file = path.join(this.dir, `Pulumi.${this.stack}.yaml`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, unknown> = { ...(doc.config ?? {}) };
    for (const k of this.exampleConfigKeys) delete config[`${project}:${k}`];
    const entries = Object.entries(values).filter(([, v]) => v !== undefined);
    for (const [k, v] of entries) config[`${project}:${k}`] = v;
    fs.writeFileSync(file, yaml.dump({ ...doc, config }, { lineWidth: -1 }));
    this.exampleConfigKeys = new Set(entries.map(([k]) => k));
  }

  async previewJson(extra: string[] = []): Promise<PreviewDigest> {
    const r = await this.ok(["preview", "--json", ...extra]);
    return JSON.parse(r.stdout) as PreviewDigest;
  }

  /**
   * `pulumi refresh --yes --json`: the refresh is done, and its steps come back the way
   * `refresh --preview-only --json` prints them (drift as `update` steps with old and new state), read
   * from the engine events the CLI streams. One Pulumi run where a preview-only refresh and a refresh took two.
   */
  refreshJson(extra: string[] = []): Promise<PreviewDigest> {
    return this.stepsOf(["refresh", "--yes", "--skip-preview", "--json", ...extra]);
  }

  async up(extra: string[] = []): Promise<PulumiResult> {
    return this.ok(["up", "--yes", "--skip-preview", ...extra]);
  }

  /**
   * `pulumi up --yes --json`: the update is done, and its steps (op and URN of each, as the engine ran them)
   * come from the engine events the CLI streams. Where a test would preview only to see which resources
   * change and then run `up`, this is one Pulumi run instead of two: the engine takes the same steps.
   */
  upJson(): Promise<PreviewDigest> {
    return this.stepsOf(["up", "--yes", "--skip-preview", "--json"]);
  }

  /** The steps of a `--json` run that is not a preview (the CLI streams engine events then, not a digest). */
  private async stepsOf(args: string[]): Promise<PreviewDigest> {
    const r = await this.ok(args);
    return { ...digestFromEvents(engineEvents(r.stdout)), changeSummary: {} } as PreviewDigest;
  }

  stateFile(): string {
    return path.join(this.stateDir, ".pulumi", "stacks", path.basename(this.dir).replace(/-[^-]+$/, ""), `${this.stack}.json`);
  }

  /** Every file of the file backend (state, history, backups), concatenated. */
  allStateText(): string {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(this.stateDir);
    return out.join("\n");
  }

  async outputs(): Promise<Record<string, any>> {
    return JSON.parse((await this.ok(["stack", "output", "--json", "--show-secrets"])).stdout);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The parts of `pulumi preview --json` the tests read. */
export interface PreviewDigest {
  steps: {
    op: string;
    urn: string;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }> | null;
    oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  }[];
  diagnostics?: { urn?: string; message: string; severity: string }[];
  changeSummary: Record<string, number>;
}

/** Engine events as the CLI writes them (`--json` outside previews, `--event-log` files): one JSON object per line. */
export function engineEvents(lines: string): EngineEvent[] {
  return lines
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as EngineEvent);
}

/** Steps that change something (not `same`), of our resource types only. */
export function changingSteps(p: PreviewDigest, type?: string) {
  return p.steps.filter((s) => s.op !== "same" && s.urn.includes("dynamic/intune:") && (!type || s.urn.includes(`intune:${type}::`)));
}

/** What a describe block gets from {@link useEmulatorStack}. */
export interface EmulatorStack {
  server: ReturnType<typeof createServer>;
  info: EmulatorInfo;
  emulator: EmulatorClient;
  project: PulumiProject;
}

/**
 * Mocha hooks for a describe block: an in-process emulator and a project of `examples/<example>` with a
 * stack wired to it. `ready` runs before `pulumi stack init` (to keep the parts, seed the tenant).
 */
export function useEmulatorStack(example: string, ready: (s: EmulatorStack) => void | Promise<void>, options: ProjectOptions = {}): void {
  let stack: EmulatorStack | undefined;
  before(async () => {
    const server = createServer();
    const info = (await server.start()) as EmulatorInfo;
    stack = { server, info, emulator: new EmulatorClient(info), project: new PulumiProject(example, info, "e2e", options) };
    await ready(stack);
    await stack.project.init();
  });
  after(async () => {
    stack?.project.cleanup();
    await stack?.server.close();
  });
}

/** Runs the package bin `pulumi-intune <args>` as users do (stdin from `input`). */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<PulumiResult> {
  return runNodeProcess([path.join(repo, "dist/cli/bin.js"), ...args], opts);
}
