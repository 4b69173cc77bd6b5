// Benchmark: N e-mail profiles through the real Pulumi CLI against the in-process emulator with Intune's
// throttles on, measured against two floors taken in the same run: the engine's own time for the same
// resource graph through a no-op dynamic provider, and the time Intune's published windows need for the
// requests the run made. Prints ratios and whether the issue's targets are met; never fails on them.
//   npm run bench (N = 200 and 1,000, about 45 minutes)   npm run bench -- --sizes 200   --write: bench/RESULTS.md
import { type ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { createServer, type EmulatorInfo, type LoggedRequest, SEEDED_GROUPS } from "../emulator";
import { e2eWorkspace, pulumiBinDir } from "../test/e2e/harness";
import { descendantsOf } from "../test/support/processes";

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
    // Writes each operation's emulator request log as JSON there, to see where requests come from.
    dump: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log("usage: npm run bench -- [--sizes 200,1000] [--latencies 0,150] [--write] [--dump <dir>]\n  env: BENCH_SIZES, BENCH_LATENCIES");
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

// ------------------------------------------------------------------------------------------ programs

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
const platforms = ["iosIpados", "androidDeviceAdministrator", "androidEnterpriseWorkProfileGmail",
  "androidEnterpriseWorkProfileNineWork", "windows10", "windowsPhone81"];
function settingsFor(platform, hostName) {
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

// The floor: every provider method answers at once with the inputs as outputs; diff compares inputs so
// the changed preview shows the same changes. One provider object, as the real SDK has one per kind.
const noopProgram = `${sharedProgram}
const noop = {
  async check(olds, news) { return { inputs: news }; },
  async diff(id, olds, news) {
    const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === "object"
      ? Object.keys(v).filter((k) => k !== "__provider").sort().reduce((o, k) => (o[k] = canon(v[k]), o), {}) : v;
    return { changes: JSON.stringify(canon(olds)) !== JSON.stringify(canon(news)) };
  },
  async create(inputs) { return { id: require("crypto").randomUUID(), outs: inputs }; },
  async read(id, props) { return { id, props }; },
  async update(id, olds, news) { return { outs: news }; },
  async delete() {},
};
class Noop extends pulumi.dynamic.Resource {
  constructor(type, name, args) { super(noop, name, { ...args, __urn: name }, undefined, "noop", type); }
}
declare({
  tag: (name, args) => new Noop("ScopeTag", name, args),
  profile: (name, args) => new Noop("EmailProfile", name, args),
  assignment: (name, args) => new Noop("ProfileAssignment", name, args),
});
`;

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

/** One Pulumi project with a file backend in the e2e workspace (which has the packed pulumi-intune). */
class Project {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(kind: string, program: string, caCertPath: string) {
    this.dir = fs.mkdtempSync(path.join(e2eWorkspace(), `bench-${kind}-`));
    fs.writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      `name: bench-${kind}\nmain: index.js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
    );
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ name: `bench-${kind}`, private: true, main: "index.js" }));
    fs.writeFileSync(path.join(this.dir, "index.js"), program);
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

  async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.must(["stack", "init", "bench"]);
    const pairs = (o: Record<string, string>, flag: string) => Object.entries(o).flatMap(([k, v]) => [flag, `${k}=${v}`]);
    await this.must(["config", "set-all", ...pairs(config, "--plaintext"), ...pairs(secrets, "--secret")]);
  }
}

// ------------------------------------------------------------------------------------------ the run

type OpName = "up" | "preview" | "previewChanged" | "refresh" | "destroy";
const ops: { name: OpName; label: (n: number) => string; args: string[] }[] = [
  { name: "up", label: () => "up (create)", args: ["up", "--yes", "--skip-preview"] },
  { name: "preview", label: () => "preview, no changes", args: ["preview"] },
  { name: "previewChanged", label: (n) => `preview, ${changedCount(n)} assigned changed`, args: ["preview"] },
  { name: "refresh", label: () => "refresh", args: ["refresh", "--yes", "--skip-preview"] },
  { name: "destroy", label: () => "destroy", args: ["destroy", "--yes", "--skip-preview"] },
];
const changedCount = (n: number) => Math.min(CHANGED_ASSIGNED, Math.ceil(n / 10));

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

/** Seconds the published windows need at least for this many admitted requests and writes. */
function throttleFloorS(t: Traffic): number {
  const windows = (count: number, perWindow: number) => Math.max(0, Math.ceil(count / perWindow) - 1);
  return Math.max(windows(t.writes, WRITES_PER_WINDOW), windows(t.requests, REQUESTS_PER_WINDOW)) * WINDOW_S;
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

/**
 * One N and latency: the no-op project and ours, operation by operation in lockstep (no-op first), so
 * each floor is measured next to its run; this machine is shared and its load moves over minutes.
 */
async function runPair(n: number, latencyMs: number, server: ReturnType<typeof createServer>, info: EmulatorInfo): Promise<Row[]> {
  server.reset();
  const noop = new Project(`noop-${n}-${latencyMs}`, noopProgram, info.caCertPath);
  const real = new Project(`real-${n}-${latencyMs}`, realProgram, info.caCertPath);
  const rows: Row[] = [];
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
    for (const op of ops) {
      for (const project of [noop, real]) {
        if (op.name === "previewChanged") await project.must(["config", "set", "hostSuffix", "x"]);
        if (op.name === "refresh") await project.must(["config", "rm", "hostSuffix"]);
      }
      const base = await noop.run(op.args);
      // Each operation starts with empty windows, as if run on its own, and with the latency queued
      // for every request the emulator answers (this emulator applies it per $batch sub-request too).
      server.configure({ throttling: true });
      server.clearFaults();
      if (latencyMs > 0) server.injectFault({ fault: `latency;ms=${latencyMs}`, count: 1_000_000_000 });
      server.clearRequests();
      const r = await real.run(op.args);
      server.clearFaults();
      const traffic = trafficOf(server.requests());
      if (flags.dump) {
        fs.mkdirSync(flags.dump, { recursive: true });
        fs.writeFileSync(path.join(flags.dump, `${n}-${latencyMs}ms-${op.name}.json`), JSON.stringify(server.requests().map(({ body: _body, ...r }) => r)));
      }
      const failures = [base.code !== 0 ? `no-op exit ${base.code}: ${tail(base.output)}` : "", r.code !== 0 ? `exit ${r.code}: ${tail(r.output)}` : ""].filter(Boolean);
      rows.push({
        op: op.name,
        label: op.label(n),
        wallS: r.wallS,
        noopS: base.wallS,
        floorS: throttleFloorS(traffic),
        traffic,
        rssMb: r.rssMb,
        noopRssMb: base.rssMb,
        failed: failures.length ? failures.join("; ") : undefined,
      });
      log(`  ${op.name}: ${r.wallS.toFixed(1)} s (no-op ${base.wallS.toFixed(1)} s), ${traffic.roundTrips} round trips, ${traffic.requests} requests, ${traffic.identity} identity, ${traffic.throttled} × 429`);
    }
  } finally {
    fs.rmSync(noop.dir, { recursive: true, force: true });
    fs.rmSync(real.dir, { recursive: true, force: true });
  }
  return rows;
}

const tail = (output: string) => output.split("\n").filter(Boolean).slice(-8).join(" | ");

// ------------------------------------------------------------------------------------------ targets

interface Verdict {
  target: string;
  met: boolean | undefined;
}

function verdict(row: Row, n: number, latencyMs: number, sameWithoutLatency: Row | undefined): Verdict {
  const t = row.traffic!;
  const ratio = row.wallS / Math.max(row.noopS, row.floorS);
  switch (row.op) {
    case "up":
    case "destroy":
      return { target: "≤ 1.2×, no 429", met: ratio <= 1.2 && t.throttled === 0 };
    case "preview":
      return { target: "≤ 1.1× no-op", met: row.wallS <= 1.1 * row.noopS };
    case "refresh":
      // With fewer than 1000 requests the request floor is 0 s; the engine's floor still applies.
      return { target: `≤ 1.5×, ≤ ${Math.floor(n / 4)} round trips`, met: ratio <= 1.5 && t.roundTrips <= n / 4 };
    case "previewChanged":
      if (latencyMs === 0) return { target: "(base of 150 ms row)", met: undefined };
      if (!sameWithoutLatency) return { target: "≤ 1.3× of 0 ms run", met: undefined };
      return { target: `≤ 1.3× of 0 ms (${(row.wallS / sameWithoutLatency.wallS).toFixed(2)}×)`, met: row.wallS <= 1.3 * sameWithoutLatency.wallS };
  }
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits));

function table(n: number, latencyMs: number, rows: Row[], base: Row[] | undefined, misses: string[]): string {
  const resources = n + Math.ceil(n / 10) + 2;
  const lines = [
    `### N = ${n} profiles (${resources} resources), latency ${latencyMs} ms, throttles on`,
    "",
    "| operation | wall s | no-op s | throttle floor s | ratio | target | met | round trips | requests | req/resource | 429 | identity | provider RSS MB (no-op) |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const t = row.traffic!;
    const v = verdict(row, n, latencyMs, base?.find((b) => b.op === row.op));
    const rssMet = row.rssMb === undefined || row.rssMb <= 300;
    const met = row.failed ? false : v.met;
    // The summary says what was measured, so a miss on one part of a two-part target is visible.
    const measured = `ratio ${fmt(row.wallS / Math.max(row.noopS, row.floorS), 2)}, ${t.throttled} × 429, ${t.roundTrips} round trips`;
    if (met === false) misses.push(`N=${n} ${latencyMs} ms ${row.label}: ${v.target}; measured ${measured}${row.failed ? ` (${row.failed})` : ""}`);
    if (!rssMet) misses.push(`N=${n} ${latencyMs} ms ${row.label}: provider RSS ${fmt(row.rssMb, 0)} MB > 300 MB`);
    lines.push(
      `| ${row.label} | ${fmt(row.wallS)} | ${fmt(row.noopS)} | ${fmt(row.floorS, 0)} | ${fmt(row.wallS / Math.max(row.noopS, row.floorS), 2)} | ${v.target} | ` +
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
  const header = [
    `Measured ${new Date().toISOString()} on ${os.cpus().length} CPUs (nproc ${os.availableParallelism()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, Pulumi ${pulumiVersion}, emulator on 127.0.0.1 with Intune's throttles on; ` +
      // Wall times on a shared machine move with its load; the lockstep no-op runs see the same load.
      `load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    "Commands: `pulumi up --yes --skip-preview`, `pulumi preview`, `pulumi config set hostSuffix x` + `pulumi preview`, " +
      "`pulumi refresh --yes --skip-preview`, `pulumi destroy --yes --skip-preview`; plain-JS programs (`typescript: false`) for both providers.",
    "",
    `ratio = wall / max(no-op, throttle floor); throttle floor = max(ceil(writes/${WRITES_PER_WINDOW}) − 1, ceil(requests/${REQUESTS_PER_WINDOW}) − 1) × ${WINDOW_S} s. ` +
      "requests = what Intune counts (each $batch sub-request, not the envelope; 429s excluded); round trips = HTTP requests to Graph; " +
      "identity = token and discovery requests. Latency is the emulator's queued `latency` fault, applied to every request it answers " +
      "(each $batch sub-request included).",
  ].join("\n");
  const sections: string[] = [];
  const misses: string[] = [];
  try {
    for (const n of sizes) {
      let withoutLatency: Row[] | undefined;
      for (const latencyMs of latencies) {
        log(`N = ${n}, latency ${latencyMs} ms (each operation: no-op provider, then pulumi-intune)`);
        const rows = await runPair(n, latencyMs, server, info);
        if (latencyMs === 0) withoutLatency = rows;
        const text = table(n, latencyMs, rows, latencyMs === 0 ? undefined : withoutLatency, misses);
        sections.push(text);
        console.log(`\n${text}\n`);
        for (const r of rows) if (r.failed) console.log(`  ${r.label} failed: ${r.failed}`);
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
    fs.writeFileSync(file, `# Scale benchmark results\n\n\`npm run bench -- --sizes ${sizes.join(",")} --latencies ${latencies.join(",")} --write\`\n\n${header}\n\n${sections.join("\n\n")}\n\n${summary}\n`);
    console.log(`wrote ${path.relative(repo, file)}`);
  }
}

// A measurement, not a test: missed targets and failed operations are reported and the exit code stays
// 0; only a bench that could not measure at all (no build, no CLI) exits 1.
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
