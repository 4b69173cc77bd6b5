// The fleet report: one line per tenant (stack), the details collapsed, built from what drift, review and
// status compute for one stack. Pure: the JSON form carries the per-stack reports, so shard reports merge
// into exactly the report one run over all stacks would have written (`fleet report a.json b.json`).
import { type DriftReport, renderDriftMarkdown } from "./drift";
import { type Finding, findings } from "./findings";
import { intuneKind } from "./previewJson";
import { COMMENT_BUDGET, COMMENT_LIMIT, renderMarkdown, type ReviewReport } from "./review";
import { renderStatusMarkdown, type StatusReport } from "./status";

export const fleetOperations = ["drift", "preview", "status", "up"] as const;
export type FleetOperation = (typeof fleetOperations)[number];

/** clean: nothing to say; attention: drift, impact on people or an unhealthy rollout; broken: the run failed; skipped: not run (a wave before it stopped the rollout). */
export type Outcome = "clean" | "attention" | "broken" | "skipped";

export interface TenantResult {
  stack: string;
  outcome: Outcome;
  wave?: string;
  /** Why the tenant is broken or skipped, in words. */
  error?: string;
  drift?: DriftReport;
  review?: ReviewReport;
  /** What `up` did: counts per operation (create, update, same, …). */
  changes?: Record<string, number>;
  status?: StatusReport;
}

export interface WaveResult {
  name: string;
  stacks: string[];
  state: "healthy" | "unhealthy" | "broken" | "not started";
}

export interface FleetReport {
  kind: "pulumi-intune-fleet-report";
  version: 1;
  operation: FleetOperation;
  /** `K/N` for one shard's report; absent for a whole fleet (or merged shards). */
  shard?: string;
  waves?: WaveResult[];
  tenants: TenantResult[];
}

export class FleetReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetReportError";
  }
}

export function fleetReport(operation: FleetOperation, tenants: TenantResult[], extra: { shard?: string; waves?: WaveResult[] } = {}): FleetReport {
  return {
    kind: "pulumi-intune-fleet-report",
    version: 1,
    operation,
    ...(extra.shard ? { shard: extra.shard } : {}),
    ...(extra.waves ? { waves: extra.waves } : {}),
    tenants: [...tenants].sort((a, b) => a.stack.localeCompare(b.stack)),
  };
}

/** 1 when any tenant is broken, else 2 when any needs attention (drift, impact, unhealthy), else 0. */
export function fleetExitCode(r: FleetReport): number {
  if (r.tenants.some((t) => t.outcome === "broken")) return 1;
  if (r.tenants.some((t) => t.outcome === "attention") || r.waves?.some((w) => w.state === "unhealthy")) return 2;
  return 0;
}

/** Reads a report written by `fleet … --format json`, refusing anything else by name. */
export function parseFleetReport(text: string, source: string): FleetReport {
  let data: Partial<FleetReport>;
  try {
    data = JSON.parse(text) as Partial<FleetReport>;
  } catch (e) {
    throw new FleetReportError(`${source} is not JSON (${(e as Error).message}); write shard reports with \`--format json --out FILE\``);
  }
  if (data?.kind !== "pulumi-intune-fleet-report" || data.version !== 1 || !Array.isArray(data.tenants))
    throw new FleetReportError(`${source} is not a fleet report (kind "pulumi-intune-fleet-report", version 1); write shard reports with \`--format json --out FILE\``);
  if (!fleetOperations.includes(data.operation as FleetOperation)) throw new FleetReportError(`${source}: operation must be one of ${fleetOperations.join(", ")}; got ${JSON.stringify(data.operation)}`);
  return data as FleetReport;
}

/** Shard reports of one operation as one report; a stack in two reports is refused (the shards overlap). */
export function mergeFleetReports(reports: readonly { report: FleetReport; source: string }[]): FleetReport {
  if (reports.length === 0) throw new FleetReportError("`fleet report` needs at least one report file");
  const op = reports[0].report.operation;
  const seen = new Map<string, string>();
  const tenants: TenantResult[] = [];
  for (const { report, source } of reports) {
    if (report.operation !== op) throw new FleetReportError(`${source} is a fleet ${report.operation} report, ${reports[0].source} a fleet ${op} report: merge reports of one operation`);
    if (report.waves) throw new FleetReportError(`${source} is a staged rollout (--waves): a rollout runs in one job, there is nothing to merge`);
    for (const t of report.tenants) {
      const other = seen.get(t.stack);
      if (other) throw new FleetReportError(`stack \`${t.stack}\` is in ${other} and in ${source}: the shards overlap (give every runner the same --stacks and its own --shard K/N)`);
      seen.set(t.stack, source);
      tenants.push(t);
    }
  }
  return fleetReport(op, tenants);
}

// ---------------------------------------------------------------- Markdown

const plural = (k: number, word: string, many = `${word}s`) => `${k.toLocaleString("en-US")} ${k === 1 ? word : many}`;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** A stack's own report nested under the fleet's: headings two levels down. */
const nested = (md: string) => md.replace(/^(#{1,4}) /gm, "$1## ");

const title: Record<FleetOperation, string> = { drift: "Fleet drift", preview: "Fleet preview", status: "Fleet rollout status", up: "Fleet update" };
const attentionWord: Record<FleetOperation, string> = { drift: "drift", preview: "impact on people", status: "unhealthy", up: "unhealthy" };
const icon: Record<Outcome, string> = { clean: "✅", attention: "⚠️", broken: "❌", skipped: "⏸️" };

function findingText(f: Finding): string {
  const sev = { blocked: "⛔", overwritten: "♻️", removal: "➖", prompt: "💬", delivery: "📬" }[f.severity];
  return `${sev} ${f.severity}: ${f.audience || f.resources.join(", ")}`;
}

function statusSummary(s: StatusReport): string {
  if (s.profiles.length === 0) return "no e-mail profiles";
  const bad = s.profiles.filter((p) => p.devices.error + p.devices.conflict + p.users.error + p.users.conflict > 0 || p.issues.length > 0);
  if (bad.length === 0) return `${plural(s.profiles.length, "profile")} healthy`;
  return bad
    .map((p) => {
      const others = [...new Set(p.issues.flatMap((i) => i.otherProfiles.map((o) => o.name ?? o.displayName)))];
      return `\`${p.name}\`: ${plural(p.devices.error, "device")} in error, ${p.devices.conflict} in conflict${others.length > 0 ? ` (with ${others.map((o) => `\`${o}\``).join(", ")})` : ""}`;
    })
    .join("; ");
}

function changeSummary(c: Record<string, number>): string {
  const words: [string, string][] = [["create", "created"], ["update", "updated"], ["replace", "replaced"], ["delete", "deleted"]];
  const done = words.filter(([k]) => (c[k] ?? 0) > 0).map(([k, w]) => `${c[k]} ${w}`);
  return done.length > 0 ? done.join(", ") : "no changes";
}

function reviewSummary(r: ReviewReport): string {
  const s = r.summary;
  const changes = [["create", s.creates], ["update", s.updates], ["replace", s.replaces], ["delete", s.deletes]].filter(([, k]) => (k as number) > 0).map(([w, k]) => `${k} to ${w}`);
  const fs = findings(r);
  const head = changes.length > 0 ? changes.join(", ") : "no changes";
  if (fs.length === 0) return head;
  return `${head}; ${plural(fs.length, "impact finding")}: ${fs.slice(0, 3).map(findingText).join("; ")}${fs.length > 3 ? "; …" : ""}`;
}

/** The tenant's line: what a person scanning 40 tenants needs. */
export function tenantSummary(t: TenantResult): string {
  if (t.outcome === "broken" || t.outcome === "skipped") return cut(t.error ?? "", 300);
  const parts: string[] = [];
  if (t.drift) {
    parts.push(
      t.drift.drifted.length === 0
        ? "no drift"
        : t.drift.drifted.map((d) => `\`${d.name}\` (${intuneKind(d.type) ?? d.type}): ${d.state === "deleted" ? "deleted" : d.properties.map((p) => `\`${p.path}\``).join(", ")}`).join("; "),
    );
  }
  if (t.review) parts.push(reviewSummary(t.review));
  if (t.changes) parts.push(changeSummary(t.changes));
  if (t.status) parts.push(statusSummary(t.status));
  return cut(parts.join("; "), 600);
}

function tenantDetails(t: TenantResult): string[] {
  const body: string[] = [];
  if (t.outcome === "broken" && t.error) body.push("```", t.error.replace(/```/g, "'''"), "```", "");
  if (t.drift && t.drift.drifted.length > 0) body.push(nested(renderDriftMarkdown(t.drift)));
  if (t.review && t.review.resources.length > 0) body.push(nested(renderMarkdown(t.review)));
  if (t.status && !t.status.healthy) body.push(nested(renderStatusMarkdown(t.status)));
  if (body.length === 0) return [];
  return [`<details><summary>${icon[t.outcome]} <code>${html(t.stack)}</code></summary>`, "", ...body, "", "</details>", ""];
}

const rank: Record<Outcome, number> = { broken: 0, attention: 1, skipped: 2, clean: 3 };

function counts(r: FleetReport): string {
  const by = (o: Outcome) => r.tenants.filter((t) => t.outcome === o).length;
  const parts = [
    by("attention") > 0 ? `${by("attention")} ${attentionWord[r.operation]}` : "",
    by("broken") > 0 ? `${by("broken")} broken` : "",
    by("skipped") > 0 ? `${by("skipped")} not started` : "",
    `${by("clean")} clean`,
  ].filter(Boolean);
  return `${plural(r.tenants.length, "tenant")}: ${parts.join(", ")}`;
}

function assemble(r: FleetReport, rows: number, details: number, fullReport: string | undefined): string {
  const out = [`## ${title[r.operation]}${r.shard ? ` (shard ${r.shard})` : ""}`, "", `**${counts(r)}**`, ""];
  if (r.waves) {
    out.push("Waves, in order:", "");
    for (const w of r.waves) out.push(`- \`${w.name}\` (${w.stacks.map((s) => `\`${s}\``).join(", ") || "no stacks"}): ${w.state}`);
    const stopped = r.waves.find((w) => w.state === "unhealthy" || w.state === "broken");
    if (stopped) out.push("", `The rollout stopped after wave \`${stopped.name}\`; later waves were left untouched.`);
    out.push("");
  }
  // Worst first, so trimming drops clean tenants before troubled ones.
  const ordered = [...r.tenants].sort((a, b) => rank[a.outcome] - rank[b.outcome] || a.stack.localeCompare(b.stack));
  if (ordered.length > 0) {
    out.push("| tenant | result | summary |", "| --- | --- | --- |");
    for (const t of ordered.slice(0, rows)) out.push(`| \`${t.stack}\`${t.wave ? ` (${t.wave})` : ""} | ${icon[t.outcome]} ${t.outcome === "attention" ? attentionWord[r.operation] : t.outcome} | ${cell(tenantSummary(t)) || "–"} |`);
    out.push("");
  }
  const detailed = ordered.slice(0, details).flatMap(tenantDetails);
  if (detailed.length > 0) out.push("### Details", "", ...detailed);
  const left: string[] = [];
  if (rows < ordered.length) left.push(`the lines of ${plural(ordered.length - rows, "tenant")} (${ordered.slice(rows).map((t) => t.outcome).filter((o, i, a) => a.indexOf(o) === i).join(", ")})`);
  const withDetails = ordered.filter((t) => tenantDetails(t).length > 0).length;
  const shown = ordered.slice(0, details).filter((t) => tenantDetails(t).length > 0).length;
  if (shown < withDetails) left.push(`the details of ${plural(withDetails - shown, "tenant")}`);
  if (left.length > 0)
    out.push(
      "### Left out of this comment",
      "",
      `To stay under GitHub's ${COMMENT_LIMIT.toLocaleString("en-US")}-character limit this comment leaves out ${left.join(" and ")}. ${fullReport ? `The full report is \`${fullReport}\`.` : "Run with `--out FILE` for the full report."}`,
      "",
    );
  return out.join("\n");
}

/** The whole report in Markdown. */
export function renderFleetMarkdown(r: FleetReport): string {
  return assemble(r, r.tenants.length, r.tenants.length, undefined);
}

/**
 * The pull-request comment: the whole report when it fits, else the lines of clean tenants go first (worst
 * tenants are listed first, so the lines dropped are the last ones), then the details of the least troubled
 * tenants, then more lines.
 */
export function renderFleetComment(r: FleetReport, opts: { fullReport?: string; budget?: number } = {}): string {
  const budget = opts.budget ?? COMMENT_BUDGET;
  const n = r.tenants.length;
  const fits = (rows: number, details: number) => assemble(r, rows, details, opts.fullReport).length <= budget;
  if (fits(n, n)) return assemble(r, n, n, opts.fullReport);
  const largest = (hi: number, ok: (k: number) => boolean) => {
    let lo = 0;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const troubled = r.tenants.filter((t) => t.outcome !== "clean").length;
  let details = n;
  let rows = Math.max(troubled, largest(n, (k) => fits(k, details)));
  if (!fits(rows, details)) details = largest(n, (d) => fits(rows, d));
  if (!fits(rows, details)) rows = largest(n, (k) => fits(k, details));
  const text = assemble(r, rows, details, opts.fullReport);
  return text.length <= budget ? text : `${text.slice(0, budget - 60)}\n\n_(cut at the comment limit; see the full report)_\n`;
}
