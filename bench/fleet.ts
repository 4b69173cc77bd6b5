// Benchmark: `pulumi-intune fleet drift` over T tenants × P e-mail profiles with every Graph request
// delayed by L ms (the emulator's latency fault), against the floor measured in the same run: the same
// drifts one after another (`pulumi-intune drift --stack …` per tenant). Prints the ratio (target ≤ 0.4
// at concurrency 4) and the peak memory of the whole fleet run (the CLI, every `pulumi` and provider
// process below it; target ≤ 2 GB). One emulator per tenant, one Azurite as the shared state backend.
//   npx ts-node --transpile-only -P tsconfig.test.json bench/fleet.ts [--tenants 10] [--profiles 50] [--latency 150] [--concurrency 4]
import { spawn } from "child_process";
import * as fs from "fs";
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
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log("usage: bench/fleet.ts [--tenants 10] [--profiles 50] [--latency 150] [--concurrency 4]");
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

const program = `import * as pulumi from "@pulumi/pulumi";
import { EmailProfile } from "pulumi-intune";
const count = new pulumi.Config().requireNumber("profiles");
for (let i = 0; i < count; i++)
  new EmailProfile(\`mail-\${i}\`, { displayName: \`iOS mail \${i}\`, platform: "iosIpados", settings: { hostName: \`mail\${i}.contoso.example\`, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" } });
`;

/** Peak of the summed resident memory (VmRSS) of `pid` and everything below it, sampled every 250 ms. */
function watchTreeRss(pid: number): { stop(): number } {
  let peakKb = 0;
  const sample = () => {
    let kb = 0;
    for (const p of [pid, ...descendantsOf(pid)]) {
      try {
        kb += Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      } catch {
        // ended between listing and reading
      }
    }
    peakKb = Math.max(peakKb, kb);
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      return peakKb;
    },
  };
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string, watch = false): Promise<{ code: number; wallS: number; peakMb: number; stdout: string; stderr: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(args[0], args.slice(1), { cwd, env });
    const rss = watch ? watchTreeRss(child.pid!) : undefined;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, wallS: (Date.now() - started) / 1000, peakMb: (rss?.stop() ?? 0) / 1024, stdout, stderr }));
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
    for (let i = 0; i < TENANTS; i++) {
      const s = createServer({ tenantId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}` });
      servers.push(s);
      infos.push((await s.start()) as EmulatorInfo);
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
    log(`sequential floor: \`pulumi-intune drift --stack …\` for each tenant, one after another (${LATENCY_MS} ms per Graph request)`);
    let sequentialS = 0;
    for (const s of stacks) {
      const r = await cli(["drift", "--stack", s, "--cwd", dir]);
      if (r.code !== 0) throw new Error(`drift ${s} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      sequentialS += r.wallS;
    }
    log(`fleet drift --concurrency ${CONCURRENCY}`);
    const fleet = await cli(["fleet", "drift", "--stacks", "tenant-*", "--concurrency", String(CONCURRENCY)], true);
    if (fleet.code !== 0) throw new Error(`fleet drift exited ${fleet.code}:\n${fleet.stdout}\n${fleet.stderr}`);
    const ratio = fleet.wallS / sequentialS;
    const rows = [
      `### fleet drift: ${TENANTS} tenants × ${PROFILES} profiles, ${LATENCY_MS} ms per Graph request, concurrency ${CONCURRENCY}, ${require("os").cpus().length} CPUs`,
      "",
      "| run | wall s | ratio to one after another | target | met | peak memory of the run |",
      "| --- | --- | --- | --- | --- | --- |",
      `| ${TENANTS} × \`pulumi-intune drift\`, one after another (floor) | ${sequentialS.toFixed(1)} | 1.00 | | | |`,
      `| \`pulumi-intune fleet drift --concurrency ${CONCURRENCY}\` | ${fleet.wallS.toFixed(1)} | ${ratio.toFixed(2)} | ≤ 0.40 | ${ratio <= 0.4 ? "yes" : "**no**"} | ${fleet.peakMb.toFixed(0)} MB (target ≤ 2,048: ${fleet.peakMb <= 2048 ? "yes" : "**no**"}) |`,
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
