// Benchmark: `pulumi-intune fleet drift` over T tenants × P e-mail profiles with every Graph request
// delayed by L ms (the emulator's latency fault), against the floor measured in the same run: the same
// drifts one after another (`pulumi-intune drift --stack …` per tenant). Prints the ratio (target ≤ 0.4
// at concurrency 4) and the peak memory of the whole fleet run (the CLI, every `pulumi` and provider
// process below it; target ≤ 2 GB). One emulator per tenant, one Azurite as the shared state backend.
//   npm run bench:fleet -- [--tenants 10] [--profiles 50] [--latency 150] [--concurrency 4] [--profile]
// (--profile adds \`fleet drift --concurrency 1\`: the fleet's own way of reading a tenant, apart from concurrency)
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { createServer, type EmulatorInfo } from "../emulator";
import { e2eWorkspace, pulumiBinDir } from "../test/e2e/harness";
import { startAzurite } from "../test/e2e/fleetBackend";
import { descendantsOf } from "../test/support/processes";

const repo = path.resolve(__dirname, "..");
const { values: flags } = parseArgs({
  strict: true,
  options: {
    tenants: { type: "string", default: "10" },
    profiles: { type: "string", default: "50" },
    latency: { type: "string", default: "150" },
    concurrency: { type: "string", default: "4" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log("usage: bench/fleet.ts [--tenants 10] [--profiles 50] [--latency 150] [--concurrency 4] [--profile]");
  process.exit(0);
}
const positive = (name: string, v: string) => {
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return Number(v);
};
const TENANTS = positive("tenants", flags.tenants!);
const PROFILES = positive("profiles", flags.profiles!);
const LATENCY_MS = positive("latency", flags.latency!);
const CONCURRENCY = positive("concurrency", flags.concurrency!);
const log = (s: string) => process.stderr.write(`[bench:fleet] ${s}\n`);
const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
const memoryText = (m: TreeMemory) => `${m.pssMb.toFixed(0)} MB PSS (${m.processes} processes; RSS summed ${m.rssMb.toFixed(0)} MB)`;

const program = `import * as pulumi from "@pulumi/pulumi";
import { EmailProfile } from "pulumi-intune";
const count = new pulumi.Config().requireNumber("profiles");
for (let i = 0; i < count; i++)
  new EmailProfile(\`mail-\${i}\`, { displayName: \`iOS mail \${i}\`, platform: "iosIpados", settings: { hostName: \`mail\${i}.contoso.example\`, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" } });
`;

/** Peak memory of a process tree, in MB: summed PSS (shared pages split between their users) and summed RSS. */
interface TreeMemory {
  pssMb: number;
  rssMb: number;
  /** Processes in the tree at the PSS peak. */
  processes: number;
}

/**
 * Samples `pid` and everything below it every 250 ms: the summed proportional set size (smaps_rollup `Pss`,
 * the honest total: a page shared by N processes counts 1/N in each) and the summed resident size (VmRSS,
 * which counts shared pages, e.g. Node's code, once per process: an upper bound). Peaks of each.
 */
function watchTreeMemory(pid: number): { stop(): TreeMemory } {
  const peak: TreeMemory = { pssMb: 0, rssMb: 0, processes: 0 };
  const field = (file: string, name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(fs.readFileSync(file, "utf8"))?.[1] ?? 0);
  const sample = () => {
    let pss = 0;
    let rss = 0;
    const tree = [pid, ...descendantsOf(pid)];
    for (const p of tree) {
      try {
        pss += field(`/proc/${p}/smaps_rollup`, "Pss");
        rss += field(`/proc/${p}/status`, "VmRSS");
      } catch {
        // ended between listing and reading
      }
    }
    if (pss / 1024 > peak.pssMb) Object.assign(peak, { pssMb: pss / 1024, processes: tree.length });
    peak.rssMb = Math.max(peak.rssMb, rss / 1024);
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

interface RunResult {
  code: number;
  wallS: number;
  /** CPU seconds (user + system) of the command and every process below it that it waited for. */
  cpuS: number;
  memory?: TreeMemory;
  stdout: string;
  stderr: string;
}

/**
 * Runs `args` under a shell that prints, after it, the CPU time of its waited-for descendants (`times`):
 * how much of the wall time one tenant keeps the 2 cores busy, i.e. how much running side by side can gain.
 */
function run(args: string[], env: NodeJS.ProcessEnv, cwd: string, watch = false): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", '"$@"; rc=$?; times >&2; exit $rc', "bash", ...args], { cwd, env });
    const memory = watch ? watchTreeMemory(child.pid!) : undefined;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stderr.trimEnd().split("\n");
      const seconds = (m: string, s: string) => Number(m) * 60 + Number(s);
      const t = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? "");
      const cpuS = t ? seconds(t[1], t[2]) + seconds(t[3], t[4]) : NaN;
      if (t) stderr = lines.slice(0, -2).join("\n");
      resolve({ code: code ?? -1, wallS: (Date.now() - started) / 1000, cpuS, memory: memory?.stop(), stdout, stderr });
    });
  });
}

async function main() {
  const bin = pulumiBinDir();
  const backend = await startAzurite();
  const servers: ReturnType<typeof createServer>[] = [];
  const dir = fs.mkdtempSync(path.join(e2eWorkspace(), "bench-fleet-"));
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-fleet\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), fs.readFileSync(path.join(repo, "examples/fleet/tsconfig.json")));
    const stacks = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i + 1).padStart(2, "0")}`);
    const infos: EmulatorInfo[] = [];
    // One test CA for every emulator: the CLI and Pulumi trust one extra CA (NODE_EXTRA_CA_CERTS).
    let caDir: string | undefined;
    for (let i = 0; i < TENANTS; i++) {
      const s = createServer({ tenantId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`, ...(caDir ? { caDir } : {}) });
      servers.push(s);
      infos.push((await s.start()) as EmulatorInfo);
      caDir ??= path.dirname(infos[i].caCertPath);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...backend.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      PULUMI_BACKEND_URL: backend.url,
      PULUMI_HOME: path.join(dir, ".pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "bench",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      PULUMI_SKIP_CHECKPOINTS: "true",
      NODE_EXTRA_CA_CERTS: infos[0].caCertPath,
      AZURE_TENANT_ID: "",
      AZURE_CLIENT_ID: "",
      AZURE_CLIENT_SECRET: "",
    };
    const pulumi = async (args: string[]) => {
      const r = await run(["pulumi", ...args, "--non-interactive"], env, dir);
      if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")}: ${r.stderr || r.stdout}`);
    };
    log(`${TENANTS} stacks on ${backend.url} (Azurite), one emulator each`);
    for (const [i, s] of stacks.entries()) {
      await pulumi(["stack", "init", s]);
      const info = infos[i];
      const config = { "intune:tenantId": { value: info.tenantId }, "intune:clientId": { value: info.clientId }, "intune:graphEndpoint": { value: info.graphEndpoint }, "intune:authorityHost": { value: info.authorityHost }, "intune:clientSecret": { value: info.clientSecret, secret: true }, "bench-fleet:profiles": { value: String(PROFILES) } };
      await pulumi(["config", "set-all", "--stack", s, "--json", JSON.stringify(config)]);
    }
    const cli = (args: string[], watch = false) => run([process.execPath, path.join(repo, "dist/cli/bin.js"), ...args], env, dir, watch);
    log(`fleet up: ${TENANTS} × ${PROFILES} profiles (no latency)`);
    const up = await cli(["fleet", "up", "--stacks", "tenant-*", "--concurrency", String(CONCURRENCY), "--poll-interval", "1s", "--wave-timeout", "10s"]);
    if (up.code !== 0) throw new Error(`fleet up exited ${up.code}:\n${up.stdout}\n${up.stderr}`);
    log(`fleet up took ${up.wallS.toFixed(1)} s`);

    for (const s of servers) s.injectFault({ fault: `latency;ms=${LATENCY_MS}`, count: 1_000_000_000 });
    const loadStart = os.loadavg();
    log(`load average before the measured runs: ${loadText(loadStart)}`);
    log(`sequential floor: \`pulumi-intune drift --stack …\` for each tenant, one after another (${LATENCY_MS} ms per Graph request)`);
    const perTenantS: number[] = [];
    let sequentialCpuS = 0;
    for (const s of stacks) {
      const r = await cli(["drift", "--stack", s, "--cwd", dir]);
      if (r.code !== 0) throw new Error(`drift ${s} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      perTenantS.push(r.wallS);
      sequentialCpuS += r.cpuS;
    }
    const sequentialS = perTenantS.reduce((a, b) => a + b, 0);
    const cpus = os.cpus().length;
    log(`sequential: ${sequentialS.toFixed(1)} s, ${sequentialCpuS.toFixed(1)} CPU s (per tenant ${Math.min(...perTenantS).toFixed(1)} to ${Math.max(...perTenantS).toFixed(1)} s)`);
    // With --profile: the same fleet run one tenant at a time, so the Automation API's own cost per tenant
    // (against plain \`pulumi-intune drift\`) is apart from what running side by side gains.
    let serialFleet: Awaited<ReturnType<typeof cli>> | undefined;
    if (flags.profile) {
      log("fleet drift --concurrency 1 (profile: the Automation API's own cost)");
      serialFleet = await cli(["fleet", "drift", "--stacks", "tenant-*", "--concurrency", "1"], true);
      if (serialFleet.code !== 0) throw new Error(`fleet drift --concurrency 1 exited ${serialFleet.code}:\n${serialFleet.stdout}\n${serialFleet.stderr}`);
    }
    log(`fleet drift --concurrency ${CONCURRENCY}`);
    const fleet = await cli(["fleet", "drift", "--stacks", "tenant-*", "--concurrency", String(CONCURRENCY)], true);
    if (fleet.code !== 0) throw new Error(`fleet drift exited ${fleet.code}:\n${fleet.stdout}\n${fleet.stderr}`);
    const loadEnd = os.loadavg();
    const ratio = fleet.wallS / sequentialS;
    const mem = fleet.memory!;
    const rows = [
      `### fleet drift: ${TENANTS} tenants × ${PROFILES} profiles, ${LATENCY_MS} ms per Graph request, concurrency ${CONCURRENCY}`,
      "",
      `Measured ${new Date().toISOString()} on ${os.cpus().length} CPUs, Node ${process.version}; load average ${loadText(loadStart)} before the measured runs, ${loadText(loadEnd)} after.`,
      "",
      "| run | wall s | CPU s | ratio to one after another | target | met | peak memory of the run (process tree) |",
      "| --- | ---: | ---: | ---: | --- | --- | --- |",
      `| ${TENANTS} × \`pulumi-intune drift\`, one after another (floor; ${Math.min(...perTenantS).toFixed(1)}–${Math.max(...perTenantS).toFixed(1)} s each) | ${sequentialS.toFixed(1)} | ${sequentialCpuS.toFixed(1)} | 1.00 | | | |`,
      ...(serialFleet ? [`| \`pulumi-intune fleet drift --concurrency 1\` (profile) | ${serialFleet.wallS.toFixed(1)} | ${serialFleet.cpuS.toFixed(1)} | ${(serialFleet.wallS / sequentialS).toFixed(2)} | | | ${memoryText(serialFleet.memory!)} |`] : []),
      `| \`pulumi-intune fleet drift --concurrency ${CONCURRENCY}\` | ${fleet.wallS.toFixed(1)} | ${fleet.cpuS.toFixed(1)} | ${ratio.toFixed(2)} | ≤ 0.40 | ${ratio <= 0.4 ? "yes" : "**no**"} | ${memoryText(mem)}; target ≤ 2,048 MB: ${mem.pssMb <= 2048 ? "yes" : "**no**"} |`,
      "",
      `CPU bound: the fleet run needs ${fleet.cpuS.toFixed(1)} CPU s; on ${cpus} CPUs that alone takes at least ${(fleet.cpuS / cpus).toFixed(1)} s, a ratio of ${(fleet.cpuS / cpus / sequentialS).toFixed(2)} if nothing else ran on the machine.`,
      "",
      `(setup: \`fleet up\` of ${TENANTS * PROFILES} profiles without latency took ${up.wallS.toFixed(1)} s)`,
    ];
    console.log(rows.join("\n"));
  } finally {
    for (const s of servers) await s.close();
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
