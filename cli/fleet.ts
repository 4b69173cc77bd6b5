// `pulumi-intune fleet <drift|preview|status|up|report>`: one operation over many tenant stacks of one
// program on a shared backend, tenants side by side (bounded), each tenant's operations in order, one
// report. A tenant that fails is reported as broken and the others still run. Exit 0 all clean, 2 drift,
// impact or an unhealthy rollout somewhere, 1 a broken tenant (or a command line we refuse).
import * as fs from "fs";
import * as path from "path";
import { UsageError, type OptionValue } from "./args";
import { FleetUsageError, Mutex, parseDurationInMs, parsePositiveInt, parseShard, planWaves, pool, selectStacks, shardStacks, type Shard } from "./fleetPlan";
import {
  fleetExitCode,
  fleetOperations,
  type FleetOperation,
  fleetReport,
  type FleetReport,
  mergeFleetReports,
  parseFleetReport,
  renderFleetComment,
  renderFleetMarkdown,
  type TenantResult,
  type WaveResult,
} from "./fleetReport";
import { installedProvider } from "./fleetRefresh";
import { type FleetContext, knownStacks, type PollOptions, pulumiCommand, tenantDrift, tenantPreview, tenantStatus, tenantUp, waveOf } from "./fleetRun";

export interface FleetIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

const operations = [...fleetOperations, "report"] as const;
type Operation = (typeof operations)[number];

/** Flags that only some operations take; any other use is refused. */
const onlyFor: Record<string, readonly Operation[]> = {
  stacks: ["drift", "preview", "status", "up"],
  cwd: ["drift", "preview", "status", "up"],
  concurrency: ["drift", "preview", "status", "up"],
  shard: ["drift", "preview", "status", "up"],
  waves: ["up"],
  "wave-timeout": ["up"],
  "poll-interval": ["up"],
};

export interface FleetOptions {
  operation: Operation;
  stacks?: string;
  cwd: string;
  concurrency: number;
  shard?: Shard;
  format: "markdown" | "json";
  out?: string;
  waves?: string[];
  poll: PollOptions;
  reports: string[];
}

/** Checks what the strict parser cannot: the operation, which flags it takes, and flag values. */
export function fleetOptions(values: Record<string, OptionValue>, positionals: readonly string[]): FleetOptions {
  const [operation, ...rest] = positionals;
  const fail = (m: string) => new UsageError(m, "fleet");
  if (!operations.includes(operation as Operation)) throw fail(`\`fleet\` runs one of ${operations.join(", ")}; got ${JSON.stringify(operation)}`);
  const op = operation as Operation;
  for (const [flag, ops] of Object.entries(onlyFor))
    if (values[flag] !== undefined && !ops.includes(op)) throw fail(`\`--${flag}\` applies to \`fleet ${ops.join("|")}\`, not \`fleet ${op}\``);
  if (op === "report" && rest.length === 0) throw fail("`fleet report` needs the shard reports to merge (files written by `--format json --out FILE`); got none");
  if (op !== "report" && rest.length > 0) throw fail(`\`fleet ${op}\` takes no file arguments; got ${rest.map((r) => JSON.stringify(r)).join(" ")}`);
  if (op !== "report" && typeof values.stacks !== "string") throw fail(`\`fleet ${op}\` needs \`--stacks LIST|GLOB\` (stack names or globs, comma-separated, e.g. 'tenant-*'); got nothing`);
  try {
    const waves = typeof values.waves === "string" ? values.waves.split(",").map((w) => w.trim()) : undefined;
    const shard = typeof values.shard === "string" ? parseShard(values.shard) : undefined;
    if (waves && shard) throw new FleetUsageError("`--waves` and `--shard` do not mix: a staged rollout runs in one job, wave after wave");
    return {
      operation: op,
      stacks: values.stacks as string | undefined,
      cwd: path.resolve(String(values.cwd ?? ".")),
      concurrency: parsePositiveInt("concurrency", String(values.concurrency ?? "4")),
      shard,
      format: values.format === "json" ? "json" : "markdown",
      out: typeof values.out === "string" ? values.out : undefined,
      waves,
      poll: { deadlineInMs: parseDurationInMs("wave-timeout", String(values["wave-timeout"] ?? "10m")), intervalInMs: parseDurationInMs("poll-interval", String(values["poll-interval"] ?? "15s")) },
      reports: rest,
    };
  } catch (e) {
    if (e instanceof FleetUsageError) throw fail(e.message);
    throw e;
  }
}

async function runTenant(ctx: FleetContext, op: FleetOperation, stack: string, poll: PollOptions, exists: boolean, wave?: string): Promise<TenantResult> {
  const started = Date.now();
  let result: TenantResult;
  try {
    const run = { drift: tenantDrift, preview: tenantPreview, status: tenantStatus, up: (c: FleetContext, s: string) => tenantUp(c, s, poll, exists) }[op];
    result = await run(ctx, stack);
  } catch (e) {
    result = { stack, outcome: "broken", error: (e as Error).message };
  }
  if (wave !== undefined) result.wave = wave;
  ctx.log(`pulumi-intune fleet ${op}: ${stack}: ${result.outcome}${result.outcome === "broken" ? ` (${result.error?.split("\n")[0]})` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Runs the operation over the selected stacks and returns the report (the command prints it). */
export async function runFleet(o: FleetOptions, io: FleetIo): Promise<FleetReport> {
  const op = o.operation as FleetOperation;
  if (!fs.existsSync(path.join(o.cwd, "Pulumi.yaml"))) throw new Error(`${o.cwd} has no Pulumi.yaml: \`--cwd\` is the directory of the fleet's Pulumi program`);
  const ctx: FleetContext = {
    cwd: o.cwd,
    env: io.env,
    command: await pulumiCommand(io.env),
    workspaceGate: new Mutex(),
    log: (l) => io.stderr(`${l}\n`),
    ...(op === "drift" ? { provider: installedProvider(o.cwd) } : {}),
  };
  const known = await knownStacks(ctx);
  const selection = selectStacks(o.stacks!, [...known.backend, ...known.configFiles]);
  const stacks = shardStacks(selection.stacks, o.shard);
  const inBackend = new Set(known.backend);
  const hasConfig = new Set(known.configFiles);
  // A stack the backend lacks is broken, except for `up` when its config file is there (a new tenant).
  const missing = (s: string) => !inBackend.has(s) && !(op === "up" && hasConfig.has(s));
  const missingResult = (s: string): TenantResult => ({
    stack: s,
    outcome: "broken",
    error: hasConfig.has(s) ? `stack \`${s}\` has Pulumi.${s}.yaml but is not in the backend yet: \`fleet up\` creates it` : `no stack \`${s}\` in the backend and no Pulumi.${s}.yaml in ${o.cwd}`,
  });
  const shard = o.shard ? `${o.shard.index}/${o.shard.count}` : undefined;
  ctx.log(`pulumi-intune fleet ${op}: ${stacks.length} stack${stacks.length === 1 ? "" : "s"}${shard ? ` (shard ${shard})` : ""}, ${o.concurrency} at a time`);

  if (op !== "up" || !o.waves) {
    const results = await pool(stacks, o.concurrency, (s) => (missing(s) ? Promise.resolve(missingResult(s)) : runTenant(ctx, op, s, o.poll, inBackend.has(s))));
    return fleetReport(op, results, { shard });
  }

  // Staged rollout: wave after wave; an unhealthy or broken wave stops it and later waves stay untouched.
  const waveMap = new Map<string, string | undefined>();
  for (const s of stacks) waveMap.set(s, await waveOf(ctx, s, inBackend.has(s)));
  const waves = planWaves(o.waves, waveMap);
  const results: TenantResult[] = [];
  const waveResults: WaveResult[] = [];
  let stoppedBy: { wave: string; stacks: string[] } | undefined;
  for (const w of waves) {
    if (stoppedBy) {
      const by = stoppedBy;
      results.push(...w.stacks.map((s): TenantResult => ({ stack: s, outcome: "skipped", wave: w.name, error: `not started: wave \`${by.wave}\` stopped the rollout (${by.stacks.map((x) => `\`${x}\``).join(", ")})` })));
      waveResults.push({ name: w.name, stacks: w.stacks, state: "not started" });
      continue;
    }
    ctx.log(`pulumi-intune fleet up: wave \`${w.name}\`: ${w.stacks.join(", ") || "no stacks"}`);
    const got = await pool(w.stacks, o.concurrency, (s) => (missing(s) ? Promise.resolve({ ...missingResult(s), wave: w.name }) : runTenant(ctx, "up", s, o.poll, inBackend.has(s), w.name)));
    results.push(...got);
    const broken = got.filter((t) => t.outcome === "broken");
    const unhealthy = got.filter((t) => t.outcome === "attention");
    const state = broken.length > 0 ? "broken" : unhealthy.length > 0 ? "unhealthy" : "healthy";
    waveResults.push({ name: w.name, stacks: w.stacks, state });
    if (state !== "healthy") stoppedBy = { wave: w.name, stacks: [...broken, ...unhealthy].map((t) => t.stack) };
  }
  return fleetReport(op, results, { waves: waveResults });
}

/** `pulumi-intune fleet …` after the strict parse: the report on stdout (and in --out), the exit code. */
export async function fleetCommand(values: Record<string, OptionValue>, positionals: readonly string[], io: FleetIo): Promise<number> {
  const o = fleetOptions(values, positionals);
  let report: FleetReport;
  if (o.operation === "report") {
    report = mergeFleetReports(o.reports.map((f) => ({ report: parseFleetReport(fs.readFileSync(f, "utf8"), f), source: f })));
  } else {
    report = await runFleet(o, io);
  }
  const full = o.format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderFleetMarkdown(report);
  if (o.out) fs.writeFileSync(o.out, full);
  io.stdout(o.format === "json" ? full : renderFleetComment(report, { fullReport: o.out ? path.basename(o.out) : undefined }));
  return fleetExitCode(report);
}
