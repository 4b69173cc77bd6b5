// Running one tenant's operations through Pulumi's Automation API: a LocalWorkspace per tenant on the
// program directory, the stack's own operations one after another, and the engine's events turned into
// the same digest `pulumi preview --json` prints, so drift, review and status read them unchanged.
// Every tenant has its own provider processes (one per operation), so each keeps its own Graph request
// budget; status reads run in this process with one Graph client per tenant.
import * as fs from "fs";
import * as path from "path";
import { type EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { resolveSettings } from "../provider/config";
import { GraphApi } from "../provider/graph";
import { driftFromRefresh } from "./drift";
import { type InstalledProvider, refreshableInProcess, refreshDigest, type StateDeployment } from "./fleetRefresh";
import { mandatoryKeys, mandatoryViolations } from "../protocol/baseline";
import { Mutex, WAVE_KEY } from "./fleetPlan";
import type { TenantResult } from "./fleetReport";
import type { PreviewDigest, PreviewStep } from "./previewJson";
import { buildReport } from "./review";
import { buildStatusReport, configFromJson, profilesFromExport, readTenantStatus, type StatusReport, type TenantStatus } from "./status";

/** What every tenant's run shares: the program, the CLI, the environment; one object, passed explicitly. */
export interface FleetContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  command: PulumiCommand;
  /** `stack init` rewrites one workspace file per project: one worker at a time. */
  workspaceGate: Mutex;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** The program's installed pulumi-intune, for refreshes without an engine (fleetRefresh.ts); none: the engine refreshes. */
  provider?: InstalledProvider;
}

/** The Pulumi CLI: `PULUMI_BIN` (…/bin/pulumi, as for `drift`) or the `pulumi` on PATH; asked for its version once. */
export async function pulumiCommand(env: NodeJS.ProcessEnv): Promise<PulumiCommand> {
  const bin = env.PULUMI_BIN;
  const root = bin && path.basename(path.dirname(bin)) === "bin" && path.basename(bin) === "pulumi" ? path.dirname(path.dirname(bin)) : undefined;
  return PulumiCommand.get({ ...(root ? { root } : {}), skipVersionCheck: true });
}

const stringEnv = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));

async function workspace(ctx: FleetContext): Promise<LocalWorkspace> {
  return LocalWorkspace.create({ workDir: ctx.cwd, pulumiCommand: ctx.command, envVars: stringEnv(ctx.env) });
}

/** Stacks the backend has for the project, and those with a `Pulumi.<stack>.yaml` beside the program. */
export async function knownStacks(ctx: FleetContext): Promise<{ backend: string[]; configFiles: string[] }> {
  const ws = await workspace(ctx);
  const backend = (await ws.listStacks()).map((s) => s.name.split("/").pop() ?? s.name);
  const configFiles = fs
    .readdirSync(ctx.cwd)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  return { backend: [...new Set(backend)].sort(), configFiles: configFiles.sort() };
}

/**
 * The stack on its own LocalWorkspace. The SDK's `Stack.select` runs `pulumi stack select`, which rewrites the
 * project's workspace file under PULUMI_HOME although every command we run names its stack (`--stack`), and two
 * `fleet` runs on one machine could tear that file (pulumi/pulumi#8186). The backend's listing already says the
 * stack exists, so selecting only checks that. Creating a stack (`fleet up` of a new tenant) runs `stack init`,
 * which selects too: one worker at a time.
 */
async function openStack(ctx: FleetContext, name: string, opts: { exists: boolean; create?: boolean }): Promise<Stack> {
  const ws = await workspace(ctx);
  if (!opts.exists) {
    if (!opts.create) throw new TenantError(`no stack \`${name}\` in the backend`);
    return ctx.workspaceGate.run(() => Stack.create(name, ws));
  }
  ws.selectStack = async () => undefined;
  return Stack.select(name, ws);
}

/**
 * The engine's events as `pulumi preview --json` would have printed them (steps and diagnostics), by the
 * CLI's own rule: a step is its resource's pre-event, except that a refresh step is replaced by its outputs
 * event when that turned into an update with a detailed diff or a delete (that is where drift shows).
 */
export function digestFromEvents(events: readonly EngineEvent[]): PreviewDigest {
  const steps: PreviewStep[] = [];
  const preOp = new Map<string, string>();
  const diagnostics: NonNullable<PreviewDigest["diagnostics"]> = [];
  type Meta = NonNullable<EngineEvent["resourcePreEvent"]>["metadata"];
  const step = (m: Meta): PreviewStep => {
    const state = (s: Meta["old"]) => (s ? { inputs: s.inputs ?? {}, outputs: s.outputs ?? {}, id: s.id } : null);
    return {
      op: m.op,
      urn: m.urn,
      provider: m.provider,
      diffReasons: m.diffs ?? null,
      replaceReasons: m.keys ?? null,
      detailedDiff: m.detailedDiff ? Object.fromEntries(Object.entries(m.detailedDiff).map(([k, d]) => [k, { kind: d.diffKind, inputDiff: d.inputDiff }])) : null,
      oldState: state(m.old),
      newState: state(m.new),
    };
  };
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre) {
      preOp.set(pre.urn, pre.op);
      steps.push(step(pre));
    }
    const out = e.resOutputsEvent?.metadata;
    if (out && preOp.get(out.urn) === "refresh" && ((out.op === "update" && out.detailedDiff) || out.op === "delete")) {
      const i = steps.findIndex((s) => s.urn === out.urn);
      if (i >= 0) steps[i] = step(out);
    }
    const d = e.diagnosticEvent;
    if (d && !d.ephemeral) diagnostics.push({ ...(d.urn ? { urn: d.urn } : {}), message: d.message, severity: d.severity });
  }
  return { steps, diagnostics };
}

/** Why an operation failed, in the engine's words where it gave any (error diagnostics), else the CLI's stderr. */
export function failureText(e: unknown, events: readonly EngineEvent[]): string {
  const diags = events
    .map((x) => x.diagnosticEvent)
    .filter((d) => d && d.severity === "error")
    .map((d) => d!.message.replace(/\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g, "").trim())
    .filter((m) => m !== "" && !/^update failed$|^preview failed$|^refresh failed$/i.test(m));
  if (diags.length > 0) return [...new Set(diags)].join("\n");
  const err = e as { commandResult?: { stderr?: string; stdout?: string }; message?: string };
  const text = err.commandResult ? err.commandResult.stderr?.trim() || err.commandResult.stdout?.trim() || "" : (err.message ?? String(e));
  return text.replace(/\u001b\[[0-9;]*m/g, "").trim() || String(err.message ?? e);
}

async function withEvents<T>(what: string, ctx: FleetContext, stack: string, run: (onEvent: (e: EngineEvent) => void) => Promise<T>): Promise<{ value: T; events: EngineEvent[] }> {
  const events: EngineEvent[] = [];
  try {
    return { value: await run((e) => events.push(e)), events };
  } catch (e) {
    throw new TenantError(`${what} failed: ${failureText(e, events)}`);
  }
}

/** A tenant's run failed; the message is what the report shows. */
export class TenantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantError";
  }
}

/** Refuses a stack that overrides a mandatory baseline key (before any preview or update). */
async function checkBaseline(ctx: FleetContext, s: Stack): Promise<void> {
  const settings = (await s.workspace.projectSettings()) as unknown as { name: string; config?: unknown };
  const mandatory = mandatoryKeys(settings.name, settings.config);
  if (mandatory.length === 0) return;
  const stackSettings = await s.workspace.stackSettings(s.name);
  const violations = mandatoryViolations(s.name, settings.name, mandatory, stackSettings.config as Record<string, unknown> | undefined);
  if (violations.length > 0) throw new TenantError(violations.join("\n"));
}

export async function tenantDrift(ctx: FleetContext, name: string): Promise<TenantResult> {
  const s = await openStack(ctx, name, { exists: true });
  const digest = (await refreshWithoutEngine(ctx, s)) ?? (await refreshByEngine(ctx, s));
  const drift = driftFromRefresh(name, digest);
  return { stack: name, outcome: drift.drifted.length > 0 ? "attention" : "clean", drift };
}

/** The refresh preview of a stack that is all pulumi-intune's, read by the fleet itself (fleetRefresh.ts); else `undefined`. */
async function refreshWithoutEngine(ctx: FleetContext, s: Stack): Promise<PreviewDigest | undefined> {
  if (!ctx.provider) return undefined;
  let deployment: StateDeployment;
  try {
    deployment = ((await s.exportStack()) as { deployment?: StateDeployment }).deployment ?? {};
  } catch (e) {
    throw new TenantError(`reading the stack failed: ${failureText(e, [])}`);
  }
  if (!refreshableInProcess(deployment)) {
    ctx.log(`pulumi-intune fleet drift: ${s.name}: not all pulumi-intune's (or operations pending): the engine refreshes it`);
    return undefined;
  }
  ctx.log(`pulumi-intune fleet drift: ${s.name}: read by the fleet's own provider run (no engine)`);
  try {
    return await refreshDigest(deployment, ctx.provider, ctx.env);
  } catch (e) {
    throw new TenantError(`reading the tenant failed: ${(e as Error).message}`);
  }
}

async function refreshByEngine(ctx: FleetContext, s: Stack): Promise<PreviewDigest> {
  // `previewRefresh`, not `refresh({ previewOnly })`: the latter runs `pulumi stack history` after the refresh
  // for a summary we do not read, a second CLI start and backend read per tenant (bench/fleet.ts).
  const { events } = await withEvents("pulumi refresh --preview-only", ctx, s.name, (onEvent) => s.previewRefresh({ onEvent }));
  return digestFromEvents(events);
}

export async function tenantPreview(ctx: FleetContext, name: string): Promise<TenantResult> {
  const s = await openStack(ctx, name, { exists: true });
  await checkBaseline(ctx, s);
  const { events } = await withEvents("pulumi preview", ctx, name, (onEvent) => s.preview({ onEvent }));
  const review = buildReport(digestFromEvents(events));
  const attention = review.summary.impactFacts > 0 || review.resources.some((r) => r.notes.length > 0);
  return { stack: name, outcome: attention ? "attention" : "clean", review };
}

/** One status read: the stack's profiles (state), its `intune:*` config, Graph. */
export async function readStatus(ctx: FleetContext, s: Stack): Promise<StatusReport> {
  let exported: unknown;
  let config: unknown;
  try {
    exported = await s.exportStack();
    config = await s.getAllConfig();
  } catch (e) {
    throw new TenantError(`reading the stack failed: ${failureText(e, [])}`);
  }
  const profiles = profilesFromExport(JSON.stringify(exported));
  let tenant: TenantStatus = { deviceOverview: {}, userOverview: {}, deviceStatuses: {}, certificateNames: {} };
  if (profiles.length > 0) {
    const api = new GraphApi(resolveSettings(configFromJson(JSON.stringify(config)), ctx.env));
    try {
      tenant = await readTenantStatus(api, profiles);
    } catch (e) {
      throw new TenantError(`cannot read the rollout status from ${api.settings.graphEndpoint}: ${(e as Error).message}`);
    }
  }
  return buildStatusReport(s.name, profiles, tenant);
}

const pendingDevices = (r: StatusReport) => r.profiles.reduce((n, p) => n + p.devices.pending, 0);

export interface PollOptions {
  /** Stop waiting for pending devices after this long; errors and conflicts end the wait at once. */
  deadlineInMs: number;
  intervalInMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Reads status until it is unhealthy (errors or conflicts), nothing is pending, or the deadline passes. */
export async function pollStatus(read: () => Promise<StatusReport>, opts: PollOptions): Promise<StatusReport> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const end = now() + opts.deadlineInMs;
  for (;;) {
    const r = await read();
    if (!r.healthy || pendingDevices(r) === 0 || now() + opts.intervalInMs > end) return r;
    await sleep(opts.intervalInMs);
  }
}

export async function tenantStatus(ctx: FleetContext, name: string): Promise<TenantResult> {
  const s = await openStack(ctx, name, { exists: true });
  const status = await readStatus(ctx, s);
  return { stack: name, outcome: status.healthy ? "clean" : "attention", status };
}

export async function tenantUp(ctx: FleetContext, name: string, poll: PollOptions, exists: boolean): Promise<TenantResult> {
  const s = await openStack(ctx, name, { exists, create: true });
  await checkBaseline(ctx, s);
  const { value } = await withEvents("pulumi up", ctx, name, (onEvent) => s.up({ onEvent }));
  const changes = Object.fromEntries(Object.entries(value.summary.resourceChanges ?? {}).filter(([, n]) => typeof n === "number")) as Record<string, number>;
  const status = await pollStatus(() => readStatus(ctx, s), poll);
  return { stack: name, outcome: status.healthy ? "clean" : "attention", changes, status };
}

/** The stack's wave: its `pulumi-intune:wave` tag, else its config `pulumi-intune:wave`, else none. */
export async function waveOf(ctx: FleetContext, name: string, exists: boolean): Promise<string | undefined> {
  const ws = await workspace(ctx);
  if (exists) {
    const tags = await ws.listTags(name).catch(() => ({}) as Record<string, string>);
    if (tags[WAVE_KEY]) return tags[WAVE_KEY];
  }
  const settings = await ws.stackSettings(name).catch(() => undefined);
  const v = settings?.config?.[WAVE_KEY];
  const value = v && typeof v === "object" && "value" in v ? (v as { value?: unknown }).value : v;
  return typeof value === "string" && value !== "" ? value : undefined;
}
