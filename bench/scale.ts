// Benchmark: N e-mail profiles through the real Pulumi CLI against the in-process emulator with Intune's
// throttles on, measured against floors taken in the same run that we cannot lower by working worse:
// the engine's own time for the same graph and state through a no-op provider built like ours, and the
// paced time Intune's published windows need for the requests an operation needs at least (not the
// ones we sent). Prints ratios and whether the issue's targets are met; never fails on them.
//   npm run bench (N = 200 and 1,000, about 45 minutes)   npm run bench -- --sizes 200   --write: bench/RESULTS.md
import { type ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { createServer, type EmulatorInfo, type LoggedRequest, SEEDED_GROUPS } from "../emulator";
import { e2eWorkspace, pulumiBinDir } from "../test/e2e/harness";
import { descendantsOf } from "../test/support/processes";
import { intuneConfigOf } from "../test/support/testEmulator";
import { providerModuleText } from "../sdk/provider";

const repo = path.resolve(__dirname, "..");

// Intune's published per-app, per-tenant windows (the emulator enforces the same numbers).
const WINDOW_S = 20;
const WRITES_PER_WINDOW = 100;
const REQUESTS_PER_WINDOW = 1000;
/** How many assigned profiles the "changed" preview touches (the issue's 100, fewer when N/10 < 100). */
const CHANGED_ASSIGNED = 100;

const { values: flags } = parseArgs({
  strict: true,
  options: {
    sizes: { type: "string" },
    latencies: { type: "string" },
    write: { type: "boolean", default: false },
    // Adds `up` and then, at once and with the service's windows as they are, `destroy`.
    "back-to-back": { type: "boolean", default: false },
    // Only these operations, in the usual order, e.g. `up,destroy`; each needs the state the ones before leave.
    ops: { type: "string" },
    // Writes each operation's emulator request log as JSON there, to see where requests come from.
    dump: { type: "string" },
    // Lockstep pairs per operation that leaves the state as it found it (previews, refresh): a few seconds
    // each, where one sample of either side moves by 20 % with the machine; the medians are compared.
    repeat: { type: "string", default: "3" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log("usage: npm run bench -- [--sizes 200,1000] [--latencies 0,150] [--ops up,destroy] [--back-to-back] [--repeat 3] [--write] [--dump <dir>]\n  env: BENCH_SIZES, BENCH_LATENCIES");
  process.exit(0);
}
const listOf = (text: string, what: string): number[] =>
  text.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: "${s}" is not a whole number`);
    return n;
  });
const sizes = listOf(flags.sizes ?? process.env.BENCH_SIZES ?? "200,1000", "--sizes");
const latencies = listOf(flags.latencies ?? process.env.BENCH_LATENCIES ?? "0,150", "--latencies");
if (sizes.some((n) => n < 10)) throw new Error("--sizes: at least 10 profiles (every 10th is assigned)");
const repeat = Number(flags.repeat);
if (!/^\d+$/.test(flags.repeat!) || repeat < 1) throw new Error(`--repeat: a whole number of at least 1, got "${flags.repeat}"`);

// ------------------------------------------------------------------------------------------ programs

const PLATFORMS = ["iosIpados", "androidDeviceAdministrator", "androidEnterpriseWorkProfileGmail", "androidEnterpriseWorkProfileNineWork", "windows10", "windowsPhone81"];

/** The settings the benchmark declares for a platform (also embedded in the programs as text). */
function settingsFor(platform: string, hostName: string): Record<string, string> {
  const base = { hostName, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" };
  switch (platform) {
    case "androidEnterpriseWorkProfileGmail":
    case "androidEnterpriseWorkProfileNineWork":
      return base;
    case "windowsPhone81":
      return { hostName, accountName: "Work mail", usernameSource: "userPrincipalName" };
    default:
      return { ...base, accountName: "Work mail" };
  }
}

// Both programs are plain JavaScript run with `typescript: false`, so neither pays for ts-node and the
// comparison is engine + provider only. They declare the same graph: two scope tags, N profiles over
// the six platforms (tag i % 2), and an assignment for every 10th profile.
const sharedProgram = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const count = cfg.requireNumber("count");
const groupId = cfg.require("groupId");
const hostSuffix = cfg.get("hostSuffix");
const changedAssigned = ${CHANGED_ASSIGNED};
const platforms = ${JSON.stringify(PLATFORMS)};
const settingsFor = ${settingsFor.toString()};
function declare(make) {
  const tags = [0, 1].map((t) => make.tag("tag-" + t, { displayName: "Bench tag " + t, description: "scale benchmark" }));
  let assigned = 0;
  for (let i = 0; i < count; i++) {
    const platform = platforms[i % platforms.length];
    const isAssigned = i % 10 === 0;
    // The changed preview: the first ${CHANGED_ASSIGNED} assigned profiles get another host name.
    const changed = isAssigned && hostSuffix && assigned < changedAssigned;
    if (isAssigned) assigned++;
    const hostName = changed ? "mail-" + hostSuffix + ".contoso.com" : "outlook.office365.com";
    const profile = make.profile("profile-" + i, {
      displayName: "Bench " + i + " (" + platform + ")",
      platform,
      scopeTagIds: [tags[i % 2].id],
      settings: settingsFor(platform, hostName),
    });
    if (isAssigned) make.assignment("assign-" + i, { profileId: profile.id, targets: [{ kind: "group", groupId }] });
  }
}
`;

const realProgram = `${sharedProgram}
const { EmailProfile, ProfileAssignment, ScopeTag } = require("pulumi-intune");
declare({
  tag: (name, args) => new ScopeTag(name, args),
  profile: (name, args) => new EmailProfile(name, args),
  assignment: (name, args) => new ProfileAssignment(name, args),
});
`;

// The floor is the engine's own time for the same graph and the same state, so the no-op program is
// built like ours (sdk/provider.ts): a CustomResource of a dynamic type whose \`__provider\` is a thin
// module (padded to our module's length) that loads the provider from a file, the same \`__urn\` input,
// Pulumi's per-promise stack traces paused in the constructor, replaceOnChanges on profiles. Its
// provider answers at once with the outputs our provider gave for the same inputs (templates.json,
// made by bench/noopTemplates.ts through our handlers), so each resource's state has our shape and
// size; the bench prints both sizes.
function noopProgram(moduleTexts: Record<string, string>): string {
  return `${sharedProgram}
const modules = ${JSON.stringify(moduleTexts)};
class Noop extends pulumi.CustomResource {
  constructor(kind, name, args, opts) {
    const type = "pulumi-nodejs:dynamic/noop:" + kind;
    const urn = "urn:pulumi:" + pulumi.getStack() + "::" + pulumi.getProject() + "::" + type + "::" + name;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(type, name, { ...args, __urn: urn, __provider: modules[kind] }, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
declare({
  tag: (name, args) => new Noop("ScopeTag", name, args),
  profile: (name, args) => new Noop("EmailProfile", name, args, { replaceOnChanges: ["platform"] }),
  assignment: (name, args) => new Noop("ProfileAssignment", name, args),
});
`;
}

/** The no-op provider module (a file of the no-op project), answering with our outputs' shape. */
const noopProviderModule = `
const templates = require("./templates.json");
const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === "object"
  ? Object.keys(v).sort().reduce((o, k) => (o[k] = canon(v[k]), o), {}) : v;
const own = (props) => Object.fromEntries(Object.entries(props).filter(([k]) => k !== "__provider"));
function outsFor(kind, news) {
  const t = kind === "EmailProfile" ? templates.EmailProfile[news.platform] : templates[kind];
  const outs = { ...t, ...news };
  // Like ours: every setting the tenant reports, and the declared view as JSON text (diff reads it).
  if (kind === "EmailProfile") outs.settings = { ...t.settings, ...news.settings }, outs.__declared = JSON.stringify(canon(own(news)));
  return outs;
}
exports.provider = (kind) => ({
  async check(olds, news) { return { inputs: news }; },
  async diff(id, olds, news) {
    const mine = own(news);
    const before = olds.__declared ?? JSON.stringify(canon(Object.fromEntries(Object.keys(mine).map((k) => [k, olds[k]]))));
    return { changes: before !== JSON.stringify(canon(mine)) };
  },
  async create(inputs) { return { id: require("crypto").randomUUID(), outs: outsFor(kind, inputs) }; },
  async read(id, props) { return { id, props }; },
  async update(id, olds, news) { return { outs: outsFor(kind, news) }; },
  async delete() {},
});
`;

/** Our provider's outputs for one tag, one profile per platform and one assignment (see noopTemplates.ts). */
function outputTemplates(info: EmulatorInfo): Promise<string> {
  const request = {
    config: intuneConfigOf(info),
    tag: { displayName: "Bench tag 0", description: "scale benchmark" },
    profiles: Object.fromEntries(
      PLATFORMS.map((platform, i) => [platform, { displayName: `Bench ${i} (${platform})`, platform, settings: settingsFor(platform, "outlook.office365.com") }]),
    ),
    assignment: { targets: [{ kind: "group", groupId: SEEDED_GROUPS.salesUsers.id }] },
  };
  // Asynchronous: the emulator answering the child runs in this process.
  return new Promise((resolve, reject) =>
    execFile(
      path.join(repo, "node_modules", ".bin", "ts-node"),
      ["--transpile-only", path.join(__dirname, "noopTemplates.ts"), JSON.stringify(request)],
      { cwd: repo, encoding: "utf8", env: { ...process.env, NODE_EXTRA_CA_CERTS: info.caCertPath } },
      (error, stdout, stderr) => (error ? reject(new Error(`noopTemplates.ts: ${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
}

/** Our module text per kind, and the no-op's padded to the same length. */
function noopModuleTexts(dir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const kind of ["ScopeTag", "EmailProfile", "ProfileAssignment"] as const) {
    const text = `exports.handler=()=>require(${JSON.stringify(path.join(dir, "noopProvider.js"))}).provider(${JSON.stringify(kind)});`;
    const ours = providerModuleText(kind).length;
    texts[kind] = text.length < ours ? `${text}\n//${" ".repeat(ours - text.length - 3)}` : text;
  }
  return texts;
}

// ----------------------------------------------------------------------------- provider process RSS

/**
 * Peak resident memory (VmHWM, kB) of the dynamic-provider node processes below `root`, sampled every
 * 500 ms: the high-water mark survives between samples, so only the last 500 ms before exit can be missed.
 */
function watchProviderRss(root: ChildProcess): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = () => {
    for (const pid of descendantsOf(root.pid!)) {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        // The launcher script also runs `node -e require.resolve('…/dynamic-provider')`: not the provider.
        if (!argv.some((a) => /cmd[/\\]dynamic-provider/.test(a)) || argv.includes("-e")) continue;
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (m) peak = Math.max(peak ?? 0, Number(m[1]));
      } catch {
        // The process ended between listing and reading.
      }
    }
  };
  const timer = setInterval(sample, 500);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

// ----------------------------------------------------------------------------------------- projects

interface OpRun {
  code: number;
  wallS: number;
  rssMb?: number;
  output: string;
}

/** The run of median wall time (the upper median of an even count), with the highest provider RSS of all. */
function median(runs: readonly OpRun[]): OpRun {
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  const rss = runs.map((x) => x.rssMb).filter((x): x is number => x !== undefined);
  return { ...sorted[Math.floor(sorted.length / 2)], rssMb: rss.length ? Math.max(...rss) : undefined };
}

/** One Pulumi project with a file backend in the e2e workspace (which has the packed pulumi-intune). */
class Project {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(kind: string, program: string | ((dir: string) => string), caCertPath: string, files: Record<string, string> = {}) {
    this.dir = fs.mkdtempSync(path.join(e2eWorkspace(), `bench-${kind}-`));
    fs.writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      `name: bench-${kind}\nmain: index.js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
    );
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ name: `bench-${kind}`, private: true, main: "index.js" }));
    fs.writeFileSync(path.join(this.dir, "index.js"), typeof program === "string" ? program : program(this.dir));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, name), text);
    const state = path.join(this.dir, ".state");
    fs.mkdirSync(state);
    this.env = {
      ...process.env,
      PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NODE_EXTRA_CA_CERTS: caCertPath,
      AZURE_TENANT_ID: "",
      AZURE_CLIENT_ID: "",
      AZURE_CLIENT_SECRET: "",
      INTUNE_GRAPH_ENDPOINT: "",
      AZURE_AUTHORITY_HOST: "",
    };
  }

  run(args: string[]): Promise<OpRun> {
    return new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      const rss = watchProviderRss(child);
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => {
        const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
        const kb = rss.stop();
        resolve({ code: code ?? -1, wallS, rssMb: kb === undefined ? undefined : kb / 1024, output });
      });
    });
  }

  async must(args: string[]): Promise<void> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.output}`);
  }

  /**
   * Mean bytes per declared resource in the stack's state (`pulumi stack export`, as JSON): the scope
   * tags, profiles and assignments, not our one stack-level record of declarations (sdk/declared.ts).
   */
  async stateBytesPerResource(): Promise<number | undefined> {
    const r = await this.run(["stack", "export"]);
    if (r.code !== 0) return undefined;
    const resources = (JSON.parse(r.output.slice(r.output.indexOf("{"))).deployment?.resources ?? []) as { type: string }[];
    const ours = resources.filter((x) => /^pulumi-nodejs:dynamic\/(intune|noop):/.test(x.type));
    return ours.length === 0 ? undefined : ours.reduce((n, x) => n + JSON.stringify(x).length, 0) / ours.length;
  }

  async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.must(["stack", "init", "bench"]);
    const pairs = (o: Record<string, string>, flag: string) => Object.entries(o).flatMap(([k, v]) => [flag, `${k}=${v}`]);
    await this.must(["config", "set-all", ...pairs(config, "--plaintext"), ...pairs(secrets, "--secret")]);
  }
}

// ------------------------------------------------------------------------------------------ the run

type OpName = "up" | "preview" | "previewChanged" | "upChanged" | "refresh" | "destroy" | "upAgain" | "destroyAfterUp";
interface Op {
  name: OpName;
  label: (n: number) => string;
  args: string[];
  /** Start with the service's windows empty (as if run alone); false: they remember the last operation. */
  freshWindows: boolean;
  /** Leaves the state as it found it, so its pair runs `--repeat` times and the medians count. */
  repeatable?: boolean;
}
const ops: Op[] = [
  { name: "up", label: () => "up (create)", args: ["up", "--yes", "--skip-preview"], freshWindows: true },
  { name: "preview", label: () => "preview, no changes", args: ["preview"], freshWindows: true, repeatable: true },
  { name: "previewChanged", label: (n) => `preview, ${changedCount(n)} assigned changed`, args: ["preview"], freshWindows: true, repeatable: true },
  { name: "upChanged", label: (n) => `up, ${changedCount(n)} assigned changed`, args: ["up", "--yes", "--skip-preview"], freshWindows: true },
  { name: "refresh", label: () => "refresh", args: ["refresh", "--yes", "--skip-preview"], freshWindows: true, repeatable: true },
  { name: "destroy", label: () => "destroy", args: ["destroy", "--yes", "--skip-preview"], freshWindows: true },
];
// --back-to-back: a command right after another one wrote to the same tenant (Intune's window remembers).
const backToBack: Op[] = [
  { name: "upAgain", label: () => "up again (create)", args: ["up", "--yes", "--skip-preview"], freshWindows: true },
  { name: "destroyAfterUp", label: () => "destroy right after it (windows kept)", args: ["destroy", "--yes", "--skip-preview"], freshWindows: false },
];
const changedCount = (n: number) => Math.min(CHANGED_ASSIGNED, Math.ceil(n / 10));
const resourcesOf = (n: number) => n + Math.ceil(n / 10) + 2;
/** Profile i has platform i % 6, so each of the six Graph types holds about n / 6 profiles; assignment sets come with their page. */
const minimumRefreshReads = (n: number) => PLATFORMS.reduce((pages, _, p) => pages + Math.ceil(Math.ceil((n - p) / PLATFORMS.length) / 999), 0) + 2;

/** What the emulator saw during one operation. */
interface Traffic {
  roundTrips: number;
  requests: number;
  writes: number;
  throttled: number;
  identity: number;
}

const isIdentity = (r: LoggedRequest) => /oauth2|openid|\.well-known|discovery/i.test(r.path);
const isBatchEnvelope = (r: LoggedRequest) => r.batchRequestId === undefined && /\/\$batch(\?|$)/.test(r.path);

function trafficOf(log: LoggedRequest[]): Traffic {
  const graph = log.filter((r) => !isIdentity(r));
  // Intune counts each $batch sub-request against the window, not the envelope (the emulator too).
  const counted = graph.filter((r) => !isBatchEnvelope(r));
  const admitted = counted.filter((r) => r.status !== 429);
  return {
    roundTrips: graph.filter((r) => r.batchRequestId === undefined).length,
    requests: admitted.length,
    writes: admitted.filter((r) => r.method !== "GET").length,
    throttled: log.filter((r) => r.status === 429).length,
    identity: log.filter(isIdentity).length,
  };
}

/**
 * The paced sliding-window floor of `count` requests when at most `perWindow` fit in a window: the
 * no-op engine's pace (its wall time over `count`), except that request i cannot start before 20 s
 * after request i − perWindow; never below the no-op time.
 */
export function pacedFloorS(noopS: number, count: number, perWindow: number): number {
  if (count <= perWindow) return noopS;
  const step = noopS / count;
  const start: number[] = [];
  for (let i = 0; i < count; i++) start.push(Math.max(i * step, i >= perWindow ? start[i - perWindow] + WINDOW_S : 0));
  return noopS + (start[count - 1] - (count - 1) * step);
}

/**
 * The floor of an operation from the requests it needs at least, never from what we sent: a create or
 * a delete is one write per resource, an update one per changed profile, a preview none, and a refresh
 * the fewest reads that can return every resource: a list page per Graph type of profile (up to 999
 * profiles each, `isof(type)`, their assignment sets expanded with them) and one per scope tag (each its own object).
 */
function floorS(op: OpName, n: number, noopS: number): number {
  const resources = resourcesOf(n);
  switch (op) {
    case "up":
    case "upAgain":
    case "destroy":
    case "destroyAfterUp":
      return Math.max(pacedFloorS(noopS, resources, WRITES_PER_WINDOW), pacedFloorS(noopS, resources, REQUESTS_PER_WINDOW));
    case "upChanged":
      return pacedFloorS(noopS, changedCount(n), WRITES_PER_WINDOW);
    case "refresh":
      return pacedFloorS(noopS, minimumRefreshReads(n), REQUESTS_PER_WINDOW);
    case "preview":
    case "previewChanged":
      return noopS;
  }
}

interface Row {
  op: OpName;
  label: string;
  wallS: number;
  noopS: number;
  floorS: number;
  traffic?: Traffic;
  rssMb?: number;
  noopRssMb?: number;
  failed?: string;
}

interface PairResult {
  rows: Row[];
  /** Mean state bytes per resource after `up`: ours and the no-op's. */
  stateBytes: { ours?: number; noop?: number };
}

/**
 * One N and latency: the no-op project and ours, operation by operation in lockstep (no-op first), so
 * each floor is measured next to its run; this machine is shared and its load moves over minutes.
 */
async function runPair(n: number, latencyMs: number, server: ReturnType<typeof createServer>, info: EmulatorInfo, templates: string): Promise<PairResult> {
  server.reset();
  const noop = new Project(`noop-${n}-${latencyMs}`, (dir) => noopProgram(noopModuleTexts(dir)), info.caCertPath, {
    "noopProvider.js": noopProviderModule,
    "templates.json": templates,
  });
  const real = new Project(`real-${n}-${latencyMs}`, realProgram, info.caCertPath);
  const rows: Row[] = [];
  const stateBytes: PairResult["stateBytes"] = {};
  try {
    await noop.init({ count: String(n), groupId: SEEDED_GROUPS.salesUsers.id });
    await real.init(
      {
        count: String(n),
        groupId: SEEDED_GROUPS.salesUsers.id,
        "intune:tenantId": info.tenantId,
        "intune:clientId": info.clientId,
        "intune:graphEndpoint": info.graphEndpoint,
        "intune:authorityHost": info.authorityHost,
      },
      { "intune:clientSecret": info.clientSecret },
    );
    const only = flags.ops?.split(",").map((o) => o.trim());
    const unknown = only?.filter((o) => ![...ops, ...backToBack].some((op) => op.name === o));
    if (unknown?.length) throw new Error(`--ops: unknown operation(s) ${unknown.join(", ")}; known: ${[...ops, ...backToBack].map((o) => o.name).join(", ")}`);
    for (const op of [...ops, ...(flags["back-to-back"] ? backToBack : [])].filter((o) => !only || only.includes(o.name))) {
      for (const project of [noop, real]) {
        if (op.name === "previewChanged") await project.must(["config", "set", "hostSuffix", "x"]);
        if (op.name === "refresh") await project.must(["config", "rm", "hostSuffix"]);
      }
      const samples: { noop: OpRun; ours: OpRun }[] = [];
      for (let i = 0; i < (op.repeatable ? repeat : 1); i++) {
        const noopRun = await noop.run(op.args);
        // Each operation starts with empty windows, as if run on its own (unless the op says otherwise),
        // and with the latency queued for every request the emulator answers (each $batch sub-request too).
        if (op.freshWindows) server.configure({ throttling: true });
        server.clearFaults();
        if (latencyMs > 0) server.injectFault({ fault: `latency;ms=${latencyMs}`, count: 1_000_000_000 });
        server.clearRequests();
        samples.push({ noop: noopRun, ours: await real.run(op.args) });
        server.clearFaults();
      }
      // The medians (of one sample for operations that change the state); exit codes from every run.
      const base = { ...median(samples.map((x) => x.noop)), code: samples.find((x) => x.noop.code !== 0)?.noop.code ?? 0 };
      const r = { ...median(samples.map((x) => x.ours)), code: samples.find((x) => x.ours.code !== 0)?.ours.code ?? 0 };
      const traffic = trafficOf(server.requests());
      if (flags.dump) {
        fs.mkdirSync(flags.dump, { recursive: true });
        fs.writeFileSync(path.join(flags.dump, `${n}-${latencyMs}ms-${op.name}.json`), JSON.stringify(server.requests().map(({ body: _body, ...r }) => r)));
      }
      if (op.name === "up") {
        stateBytes.ours = await real.stateBytesPerResource();
        stateBytes.noop = await noop.stateBytesPerResource();
      }
      const failures = [base.code !== 0 ? `no-op exit ${base.code}: ${tail(base.output)}` : "", r.code !== 0 ? `exit ${r.code}: ${tail(r.output)}` : ""].filter(Boolean);
      rows.push({
        op: op.name,
        label: op.label(n),
        wallS: r.wallS,
        noopS: base.wallS,
        floorS: floorS(op.name, n, base.wallS),
        traffic,
        rssMb: r.rssMb,
        noopRssMb: base.rssMb,
        failed: failures.length ? failures.join("; ") : undefined,
      });
      const each = samples.length > 1 ? ` (runs: ${samples.map((x) => `${x.ours.wallS.toFixed(1)}/${x.noop.wallS.toFixed(1)}`).join(", ")})` : "";
      log(`  ${op.name}: ${r.wallS.toFixed(1)} s (no-op ${base.wallS.toFixed(1)} s, floor ${rows[rows.length - 1].floorS.toFixed(1)} s)${each}, ${traffic.roundTrips} round trips, ${traffic.requests} requests, ${traffic.identity} identity, ${traffic.throttled} × 429`);
    }
  } finally {
    fs.rmSync(noop.dir, { recursive: true, force: true });
    fs.rmSync(real.dir, { recursive: true, force: true });
  }
  return { rows, stateBytes };
}

const tail = (output: string) => output.split("\n").filter(Boolean).slice(-8).join(" | ");

// ------------------------------------------------------------------------------------------ targets

interface Verdict {
  target: string;
  met: boolean | undefined;
}

function verdict(row: Row, n: number): Verdict {
  const t = row.traffic!;
  const ratio = row.wallS / row.floorS;
  switch (row.op) {
    case "up":
    case "upAgain":
    case "upChanged":
    case "destroy":
      return { target: "≤ 1.2×, no 429", met: ratio <= 1.2 && t.throttled === 0 };
    case "destroyAfterUp":
      return { target: "≤ 4 × 429 (a new process learns the window)", met: t.throttled <= 4 };
    case "preview":
      return { target: "≤ 1.1×", met: ratio <= 1.1 };
    case "previewChanged":
      return { target: "≤ 1.2×", met: ratio <= 1.2 };
    case "refresh":
      return { target: "≤ 1.3×, ≤ 1.2 req/resource", met: ratio <= 1.3 && t.requests / resourcesOf(n) <= 1.2 };
  }
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits));

function table(n: number, latencyMs: number, result: PairResult, misses: string[]): string {
  const resources = resourcesOf(n);
  const { ours, noop } = result.stateBytes;
  const lines = [
    `### N = ${n} profiles (${resources} resources), latency ${latencyMs} ms, throttles on`,
    "",
    `State per resource after \`up\`: ours ${fmt(ours, 0)} bytes, the no-op's ${fmt(noop, 0)} bytes (${ours && noop ? `${fmt((100 * (noop - ours)) / ours, 1)} %` : "–"}).`,
    "",
    "| operation | wall s | no-op s | floor s | ratio | target | met | round trips | requests | req/resource | 429 | identity | provider RSS MB (no-op) |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of result.rows) {
    const t = row.traffic!;
    const v = verdict(row, n);
    const rssMet = row.rssMb === undefined || row.rssMb <= 300;
    const met = row.failed ? false : v.met;
    const ratio = row.wallS / row.floorS;
    // The summary says what was measured, so a miss on one part of a two-part target is visible.
    const measured = `ratio ${fmt(ratio, 2)}, ${t.throttled} × 429, ${fmt(t.requests / resources, 2)} req/resource`;
    if (met === false) misses.push(`N=${n} ${latencyMs} ms ${row.label}: ${v.target}; measured ${measured}${row.failed ? ` (${row.failed})` : ""}`);
    if (!rssMet) misses.push(`N=${n} ${latencyMs} ms ${row.label}: provider RSS ${fmt(row.rssMb, 0)} MB > 300 MB`);
    lines.push(
      `| ${row.label} | ${fmt(row.wallS)} | ${fmt(row.noopS)} | ${fmt(row.floorS)} | ${fmt(ratio, 2)} | ${v.target} | ` +
        `${met === undefined ? "–" : met ? "met" : "**missed**"} | ${t.roundTrips} | ${t.requests} (${t.writes} writes) | ${fmt(t.requests / resources, 2)} | ` +
        `${t.throttled} | ${t.identity} | ${fmt(row.rssMb, 0)}${rssMet ? "" : " **> 300**"} (${fmt(row.noopRssMb, 0)}) |`,
    );
  }
  return lines.join("\n");
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function main(): Promise<void> {
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-ca-"));
  // Sized for N = 1000: an up logs a few thousand requests, and the floors need all of them.
  const server = createServer({ caDir, throttling: true, maxLoggedRequests: 1_000_000 });
  const info = await server.start();
  log(`emulator at ${info.graphEndpoint}; workspace ${e2eWorkspace()}`);
  const pulumiVersion = execFileSync(path.join(pulumiBinDir(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
  const templates = await outputTemplates(info);
  const header = [
    `Measured ${new Date().toISOString()} on ${os.cpus().length} CPUs (nproc ${os.availableParallelism()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, Pulumi ${pulumiVersion}, emulator on 127.0.0.1 with Intune's throttles on; ` +
      // Wall times on a shared machine move with its load; the lockstep no-op runs see the same load.
      `load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    "Commands: `pulumi up --yes --skip-preview`, `pulumi preview`, `pulumi config set hostSuffix x` + `pulumi preview` and `pulumi up`, " +
      "`pulumi config rm hostSuffix` + `pulumi refresh --yes --skip-preview`, `pulumi destroy --yes --skip-preview`; plain-JS programs (`typescript: false`) for both providers. " +
      `Previews and refresh leave the state as they found it: each runs as ${repeat} lockstep pair(s) (no-op, then ours), and the medians of each side count.`,
    "",
    "no-op = the same program on a provider that answers at once, built like ours (a thin provider module of the same length, the same " +
      "inputs, and our outputs per resource, so the state has our size); its state size is printed per section. " +
      `ratio = wall / floor; floor = the no-op time, or the paced sliding-window floor when the requests an operation needs at least ` +
      `(a write per created or deleted resource, one per changed profile; for refresh, a list page per Graph type of profile with its profiles' assignment sets, and a read per scope tag) do not fit one window ` +
      `(${WRITES_PER_WINDOW} writes, ${REQUESTS_PER_WINDOW} requests per ${WINDOW_S} s): request i starts at the no-op's pace but not before ` +
      `${WINDOW_S} s after request i − ${WRITES_PER_WINDOW} (resp. ${REQUESTS_PER_WINDOW}). ` +
      "requests = what Intune counts (each $batch sub-request, not the envelope; 429s excluded); round trips = HTTP requests to Graph; " +
      "identity = token and discovery requests. Latency is the emulator's queued `latency` fault, applied to every request it answers " +
      "(each $batch sub-request included).",
  ].join("\n");
  const sections: string[] = [];
  const misses: string[] = [];
  try {
    for (const n of sizes) {
      for (const latencyMs of latencies) {
        log(`N = ${n}, latency ${latencyMs} ms (each operation: no-op provider, then pulumi-intune)`);
        const result = await runPair(n, latencyMs, server, info, templates);
        const text = table(n, latencyMs, result, misses);
        sections.push(text);
        console.log(`\n${text}\n`);
        for (const r of result.rows) if (r.failed) console.log(`  ${r.label} failed: ${r.failed}`);
      }
    }
  } finally {
    await server.close();
  }
  const summary = misses.length === 0 ? "all targets met" : `${misses.length} target(s) missed:\n${misses.map((m) => `- ${m}`).join("\n")}`;
  console.log(header);
  console.log(`\n${summary}`);
  if (flags.write) {
    const file = path.join(repo, "bench", "RESULTS.md");
    const command = `npm run bench:scale -- --sizes ${sizes.join(",")} --latencies ${latencies.join(",")}${flags["back-to-back"] ? " --back-to-back" : ""} --write`;
    fs.writeFileSync(file, `# Scale benchmark results\n\n\`${command}\`\n\n${header}\n\n${sections.join("\n\n")}\n\n${summary}\n`);
    console.log(`wrote ${path.relative(repo, file)}`);
  }
}

// A measurement, not a test: missed targets and failed operations are reported and the exit code stays
// 0; only a bench that could not measure at all (no build, no CLI) exits 1.
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
