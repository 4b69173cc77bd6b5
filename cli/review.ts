// The pull-request review report: what a preview will change, per resource and property, and what it
// will do to people (the provider's impact warnings), in Markdown for a comment or JSON for machines.
import { isProtocolKey } from "../protocol";
import { IMPACT_MARKER, type ImpactFact, quotedList } from "../provider/impact/facts";
import { isUnknown } from "../provider/validation";
import { type Finding, findings, type Severity, severities } from "./findings";
import type { RuleViolation } from "./policyEvents";
import { DECLARED_RESOURCES_TYPE, factsFromDigest, intuneKind, parseUrn, type PreviewDigest, type PreviewStep, SECRET_SIGNATURE_KEY, valueAtPath } from "./previewJson";

/** What `--fail-on` can gate on. */
export const failOnKinds = ["replace", "delete", "impact", "create", "update"] as const;
export type FailOn = (typeof failOnKinds)[number];

export interface PropertyChange {
  path: string;
  kind: string;
  old: unknown;
  new: unknown;
  forcesReplacement: boolean;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** The resource's displayName where it has one (what people know it by), else its name. */
  label: string;
  op: string;
  properties: PropertyChange[];
  replaceReasons: string[];
  impact: ImpactFact[];
  warnings: string[];
  /** What a delete does to people; the engine does not ask the provider about deletes at preview. */
  notes: string[];
  /** CrossGuard violations about this resource (only when the review was given the preview's event log). */
  violations?: RuleViolation[];
}

/** CrossGuard's verdict on the preview, from its event log (`review --events`). */
export interface PolicyOutcome {
  mandatory: number;
  advisory: number;
  /** Violations that name no resource of the preview. */
  unattached: RuleViolation[];
}

export interface ReviewReport {
  summary: { creates: number; updates: number; replaces: number; deletes: number; warnings: number; impactFacts: number };
  resources: ResourceChange[];
  /** Warnings not attached to a changed resource. */
  otherWarnings: string[];
  /** Present when the review was given the preview's event log. */
  policy?: PolicyOutcome;
}

const secretKeys = /secret|password|token|key$/i;

/** Masks secrets: Pulumi's secret markers, "[secret]" placeholders and values of secret-looking keys. */
export function mask(value: unknown, key = ""): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && SECRET_SIGNATURE_KEY in (value as object)) return "[secret]";
  if (typeof value === "string" && key && secretKeys.test(key)) return "[secret]";
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return value;
}

function opClass(op: string): "create" | "update" | "replace" | "delete" | "other" {
  if (op === "create") return "create";
  if (op === "update") return "update";
  if (op === "delete") return "delete";
  if (op.includes("replace")) return "replace";
  return "other";
}

function propertyChanges(step: PreviewStep): PropertyChange[] {
  const oldInputs = step.oldState?.inputs ?? {};
  const newInputs = step.newState?.inputs ?? {};
  const replace = new Set(step.replaceReasons ?? []);
  let paths: [string, string][];
  if (step.detailedDiff && Object.keys(step.detailedDiff).length > 0) {
    paths = Object.entries(step.detailedDiff).map(([p, d]) => [p, d.kind]);
  } else if (step.op === "create") {
    paths = Object.keys(newInputs).map((k) => [k, "add"]);
  } else {
    paths = (step.diffReasons ?? []).map((k) => [k, "update"]);
  }
  return paths
    .filter(([p]) => !isProtocolKey(p))
    .map(([path, kind]) => ({
      path,
      kind,
      old: mask(valueAtPath(oldInputs, path), path.split(".").pop()),
      new: mask(valueAtPath(newInputs, path), path.split(".").pop()),
      forcesReplacement: kind.endsWith("-replace") || replace.has(path) || replace.has(path.split(/[.[]/)[0]),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Builds the report from preview JSON, and the policy violations of the same preview's event log when
 * given; resources in URN order so reports diff cleanly.
 */
export function buildReport(preview: PreviewDigest, violations?: readonly RuleViolation[]): ReviewReport {
  const diagnostics = preview.diagnostics ?? [];
  const warningsByUrn = new Map<string, string[]>();
  const otherWarnings: string[] = [];
  // The engine may report one warning twice for a resource (check and diff of a replacement): once is enough.
  const seen = new Set<string>();
  const warningDiagnostics = diagnostics.filter((d) => {
    const key = `${d.urn ?? ""}\n${d.message.trim()}`;
    return d.severity === "warning" && !seen.has(key) && (seen.add(key), true);
  });
  for (const d of warningDiagnostics) {
    if (d.urn) warningsByUrn.set(d.urn, [...(warningsByUrn.get(d.urn) ?? []), d.message.trim()]);
    else otherWarnings.push(d.message.trim());
  }
  const factsByUrn = new Map<string, ImpactFact[]>();
  for (const { urn, fact } of factsFromDigest(preview)) if (urn) factsByUrn.set(urn, [...(factsByUrn.get(urn) ?? []), fact]);
  const violationsByUrn = new Map<string, RuleViolation[]>();
  for (const v of violations ?? []) if (v.urn) violationsByUrn.set(v.urn, [...(violationsByUrn.get(v.urn) ?? []), v]);
  const resources: ResourceChange[] = [];
  const kinds = kindsById(preview);
  for (const step of preview.steps) {
    // pulumi-intune's own stack record: bookkeeping, not a change anyone reviews.
    if (parseUrn(step.urn).type === DECLARED_RESOURCES_TYPE) continue;
    const cls = opClass(step.op);
    const warnings = warningsByUrn.get(step.urn) ?? [];
    const impact = factsByUrn.get(step.urn) ?? [];
    const ruled = violationsByUrn.get(step.urn) ?? [];
    // A resource that does not change still shows up when something is said about it.
    if ((cls === "other" || step.op === "same") && warnings.length === 0 && impact.length === 0 && ruled.length === 0) continue;
    const { type, name } = parseUrn(step.urn);
    resources.push({
      urn: step.urn,
      type,
      name,
      label: String((step.newState?.inputs ?? step.oldState?.inputs ?? {}).displayName ?? name),
      op: step.op,
      properties: cls === "other" ? [] : propertyChanges(step),
      replaceReasons: [...(step.replaceReasons ?? [])].sort(),
      impact,
      // Sorted: impact work runs side by side, so the engine receives the warnings in no fixed order.
      warnings: warnings.map((w) => w.split("\n").filter((l) => !l.includes(IMPACT_MARKER)).join("\n").trim()).sort(),
      // Impact facts of a delete name the groups already; the note is for when no fact could be had.
      notes: cls === "delete" && impact.length === 0 ? deleteNotes(type, step, kinds) : [],
      ...(violations ? { violations: sortViolations(ruled) } : {}),
    });
  }
  resources.sort((a, b) => a.urn.localeCompare(b.urn));
  const count = (c: string) => resources.filter((r) => opClass(r.op) === c).length;
  return {
    summary: {
      creates: count("create"),
      updates: count("update"),
      replaces: count("replace"),
      deletes: count("delete"),
      warnings: warningDiagnostics.length,
      impactFacts: resources.reduce((n, r) => n + r.impact.length, 0),
    },
    resources,
    otherWarnings: otherWarnings.sort(),
    ...(violations ? { policy: policyOutcome(violations, new Set(resources.map((r) => r.urn))) } : {}),
  };
}

const levelRank = (level: string) => (level === "mandatory" ? 0 : level === "remediate" ? 1 : 2);
const sortViolations = (vs: readonly RuleViolation[]) =>
  [...vs].sort((a, b) => levelRank(a.enforcementLevel) - levelRank(b.enforcementLevel) || a.policyName.localeCompare(b.policyName) || a.message.localeCompare(b.message));

function policyOutcome(violations: readonly RuleViolation[], shown: Set<string>): PolicyOutcome {
  return {
    mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: violations.filter((v) => v.enforcementLevel !== "mandatory").length,
    unattached: sortViolations(violations.filter((v) => !v.urn || !shown.has(v.urn))),
  };
}

/** Kinds of the objects this preview knows by id, so an assignment's delete can say what it assigned. */
function kindsById(preview: PreviewDigest): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of preview.steps) {
    const kind = intuneKind(parseUrn(step.urn).type);
    for (const id of [step.oldState?.id, step.newState?.id]) if (kind && id) out.set(id, kind);
  }
  return out;
}

function deleteNotes(type: string, step: PreviewStep, kinds: Map<string, string>): string[] {
  const kind = intuneKind(type);
  if (kind === "EmailProfile") return ["deleting the profile removes its e-mail account from every device it is assigned to"];
  // Certificate-based mail needs the whole chain on the device (see docs/secure-email.md).
  if (kind === "TrustedRootCertificate") return ["deleting the trusted root removes it from every device it is assigned to: certificates issued under it stop validating there, and e-mail profiles that use them stop connecting"];
  if (kind === "CertificateProfile") return ["deleting the certificate profile removes its certificate from every device it is assigned to: e-mail profiles that authenticate with it stop connecting there"];
  if (kind !== "ProfileAssignment") return [];
  const targets = (step.oldState?.inputs?.targets ?? step.oldState?.outputs?.targets ?? []) as { kind?: string; groupId?: string }[];
  const who = targets
    .filter((t) => t.kind !== "exclusionGroup")
    .map((t) => (t.kind === "group" ? `group ${t.groupId}` : t.kind === "allLicensedUsers" ? "all licensed users" : t.kind === "allDevices" ? "all devices" : String(t.kind)));
  const profileId = step.oldState?.inputs?.profileId ?? step.oldState?.outputs?.profileId;
  const assigned = typeof profileId === "string" ? kinds.get(profileId) : undefined;
  const what = assigned === "TrustedRootCertificate" ? "the trusted root" : assigned === "CertificateProfile" ? "the certificate (and e-mail that authenticates with it)" : "the e-mail account";
  return [`deleting the assignment removes ${what} from the devices of ${who.length > 0 ? who.join(", ") : "its targets"}`];
}

/** What trips each gate of `failOn`, as sentences ("replace: ios-mail (EmailProfile)"). */
export function policyViolations(report: ReviewReport, failOn: readonly FailOn[]): string[] {
  const out: string[] = [];
  for (const f of failOn) {
    if (f === "impact") {
      if (report.summary.impactFacts > 0) out.push(`impact: ${report.summary.impactFacts} impact fact(s) on people`);
      continue;
    }
    const hits = report.resources.filter((r) => opClass(r.op) === f).map((r) => `${r.name} (${intuneKind(r.type) ?? r.type})`);
    if (hits.length > 0) out.push(`${f}: ${hits.join(", ")}`);
  }
  return out;
}

/** Exit code for a policy gate: 3 when any of `failOn` happened, else 0. */
export function policyExitCode(report: ReviewReport, failOn: readonly FailOn[]): number {
  return policyViolations(report, failOn).length > 0 ? 3 : 0;
}

function fmt(v: unknown): string {
  if (v === undefined) return "–";
  // Pulumi's placeholder for a value computed during the update (a new profile's id, say).
  if (isUnknown(v)) return "_known after `up`_";
  const s = JSON.stringify(v);
  return "`" + (s.length > 120 ? `${s.slice(0, 117)}...` : s).replace(/`/g, "'") + "`";
}

const levelIcon = (level: string) => (level === "mandatory" ? "⛔" : "⚠️");
const violationText = (v: RuleViolation) => `${levelIcon(v.enforcementLevel)} **${v.enforcementLevel}** \`${v.policyName}\`: ${v.message.replace(/\n/g, " ")}`;

/** Every violation with the resource it is about, mandatory first, then by resource rank. */
function violationLines(p: Parts): string[] {
  const attached = p.resources.flatMap((r) => (r.violations ?? []).map((v) => ({ v, line: `- ${violationText(v)} (on \`${r.name}\`, ${opClass(r.op) === "other" ? "unchanged" : r.op})` })));
  const unattached = (p.report.policy?.unattached ?? []).map((v) => ({ v, line: `- ${violationText(v)}${v.urn ? ` (on \`${parseUrn(v.urn).name}\`)` : ""}` }));
  return [...attached, ...unattached].sort((a, b) => levelRank(a.v.enforcementLevel) - levelRank(b.v.enforcementLevel)).map((x) => x.line);
}

const opIcon: Record<string, string> = { create: "🟢 create", update: "🟡 update", replace: "🔴 replace", delete: "🔴 delete", other: "ℹ️" };
const severityIcon: Record<Severity, string> = { blocked: "⛔", overwritten: "♻️", removal: "➖", prompt: "💬", delivery: "📬" };
const opRank: Record<string, number> = { delete: 4, replace: 3, update: 2, create: 1, other: 0 };
const n = (x: number) => x.toLocaleString("en-US");
const plural = (k: number, word: string) => `${n(k)} ${word}${k === 1 ? "" : "s"}`;
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A GitHub comment holds at most this many characters. */
export const COMMENT_LIMIT = 65_536;
/** What the comment may use: the limit less room for a workflow's marker line around it. */
export const COMMENT_BUDGET = COMMENT_LIMIT - 1_536;
/** Beyond this many changed resources the comment lists them in one compact table, not one section each. */
export const DETAILS_MAX = 40;
/** Edges a person can read in the diagram. */
export const DIAGRAM_EDGES_MAX = 30;
/** Profiles named per finding in the comment (the full report names all). */
export const FINDING_PROFILES_MAX = 100;

/** Resources biggest consequence first: most people reached by their findings, then delete > replace > update > create, then URN. */
function rankResources(report: ReviewReport, all: Finding[]): ResourceChange[] {
  const reach = new Map<string, number>();
  for (const f of all) for (const r of f.resources) reach.set(r, Math.max(reach.get(r) ?? 0, f.everyone ? Number.MAX_SAFE_INTEGER : f.people));
  return [...report.resources].sort((a, b) => (reach.get(b.name) ?? -1) - (reach.get(a.name) ?? -1) || opRank[opClass(b.op)] - opRank[opClass(a.op)] || a.urn.localeCompare(b.urn));
}

function findingLine(f: Finding, i: number, maxNames: number): string {
  const names = (ps: readonly string[]) => (ps.length <= maxNames ? quotedList(ps) : `${quotedList(ps.slice(0, maxNames))} and ${n(ps.length - maxNames)} more (full report)`);
  return `${i + 1}. ${severityIcon[f.severity]} **${f.severity}**: ${f.sentence(names).replace(/\n/g, " ")}`;
}

function diagram(report: ReviewReport, all: Finding[]): string[] {
  // Profiles -> certificate profiles -> groups, from the findings, biggest first, at most DIAGRAM_EDGES_MAX edges.
  // A profile's node shows its own step; a profile that only an assignment's step is about stays unlabelled
  // (deleting an assignment does not delete the profile).
  const ops = new Map<string, string>();
  const certificateOps = new Map<string, string>();
  for (const r of report.resources) {
    const kind = intuneKind(r.type);
    if (kind === "EmailProfile") ops.set(r.label, r.op);
    else if (kind === "CertificateProfile" || kind === "TrustedRootCertificate") certificateOps.set(r.label, r.op);
  }
  const ids = new Map<string, string>();
  const labels = new Map<string, string>();
  const node = (key: string, label: string) => {
    if (!ids.has(key)) {
      ids.set(key, `n${ids.size}`);
      labels.set(key, label);
    }
    return ids.get(key)!;
  };
  const edges = new Map<string, { from: [string, string]; to: [string, string]; dotted: boolean; kinds: Set<string> }>();
  const edge = (from: [string, string], to: [string, string], kind: string, dotted = false) => {
    const k = `${from[0]}\n${to[0]}`;
    const e = edges.get(k) ?? { from, to, dotted, kinds: new Set<string>() };
    e.kinds.add(kind);
    edges.set(k, e);
  };
  for (const f of all) {
    if (f.kind === "delete") continue;
    const target: [string, string] = f.group ? [`g:${f.group.id}`, `${f.group.displayName} (${f.group.memberCount})`] : [`a:${f.audience}`, f.audience];
    for (const p of f.profiles) {
      const from: [string, string] = [`p:${p}`, ops.has(p) ? `${p} (${ops.get(p)})` : p];
      if (f.certificate) {
        const name = f.certificate.name;
        const op = certificateOps.has(name) ? ` (${certificateOps.get(name)})` : "";
        const c: [string, string] = [`c:${name}`, `${f.certificate.role === "trustedRoot" ? "trusted root" : "certificate"}: ${name}${op}`];
        edge(from, c, "needs");
        edge(c, target, "not assigned", true);
      } else edge(from, target, f.kind);
    }
  }
  if (edges.size === 0) return [];
  const shown = [...edges.values()].slice(0, DIAGRAM_EDGES_MAX);
  const lines = shown.map((e) => {
    const a = node(...e.from);
    const b = node(...e.to);
    const label = [...e.kinds].sort().join(", ");
    return e.dotted ? `  ${a} -. "${label}" .-> ${b}` : `  ${a} -- "${label}" --> ${b}`;
  });
  const out = ["```mermaid", "flowchart LR", ...[...ids].map(([k, id]) => `  ${id}["${labels.get(k)!.replace(/"/g, "'")}"]`), ...lines.sort(), "```"];
  if (edges.size > shown.length) out.push("", `_…and ${plural(edges.size - shown.length, "more edge")} not drawn; every finding is listed above._`);
  return out;
}

function resourceDetails(r: ResourceChange): string[] {
  const ruled = r.violations ?? [];
  const bits = [
    r.properties.length > 0 ? `${n(r.properties.length)} propert${r.properties.length === 1 ? "y" : "ies"}` : "",
    r.replaceReasons.length > 0 ? "forces replacement" : "",
    r.impact.length > 0 ? plural(r.impact.length, "impact fact") : "",
    ruled.length > 0 ? plural(ruled.length, "policy violation") : "",
  ].filter(Boolean);
  const out = [`<details><summary>${opIcon[opClass(r.op)]} <code>${html(r.name)}</code> (${html(intuneKind(r.type) ?? r.type)})${bits.length > 0 ? `: ${bits.join(", ")}` : ""}</summary>`, ""];
  if (r.replaceReasons.length > 0) out.push(`Replacement forced by: ${r.replaceReasons.map((p) => `\`${p}\``).join(", ")}`, "");
  if (r.properties.length > 0) {
    out.push("| property | before | after |", "| --- | --- | --- |");
    for (const p of r.properties) out.push(`| \`${p.path}\`${p.forcesReplacement ? " ⚠️ replaces" : ""} | ${fmt(p.old)} | ${fmt(p.new)} |`);
    out.push("");
  }
  if (ruled.length > 0) {
    out.push("**Policy:**", "");
    for (const v of ruled) out.push(`- ${violationText(v)}`);
    out.push("");
  }
  if (r.warnings.length > 0 || r.notes.length > 0) {
    out.push("**Impact on people:**", "");
    for (const w of r.warnings) out.push(`- ${w.replace(/\n/g, " ")}`);
    for (const note of r.notes) out.push(`- ${note}`);
    out.push("");
  }
  out.push("</details>", "");
  return out;
}

function resourceRow(r: ResourceChange): string {
  const props = r.properties.map((p) => `\`${p.path}\`${p.forcesReplacement ? " ⚠️" : ""}`).join(", ") || "–";
  const ruled = (r.violations ?? []).length > 0 ? ` (${plural(r.violations!.length, "policy violation")})` : "";
  return `| ${opIcon[opClass(r.op)]} | \`${r.name.replace(/\|/g, "\\|")}\`${ruled} | ${intuneKind(r.type) ?? r.type} | ${props} | ${r.impact.length > 0 ? n(r.impact.length) : "–"} |`;
}

interface Shape {
  findings: number;
  /** Resources shown as a `<details>` section each; the next `rows` as table rows. */
  details: number;
  rows: number;
  others: number;
  /** Policy violation lines shown (mandatory first). */
  violations: number;
  diagram: boolean;
  maxNames: number;
}

interface Parts {
  report: ReviewReport;
  findings: Finding[];
  resources: ResourceChange[];
  diagram: string[];
  violations: string[];
}

function parts(report: ReviewReport): Parts {
  const all = findings(report);
  const p = { report, findings: all, resources: rankResources(report, all), diagram: diagram(report, all), violations: [] as string[] };
  p.violations = violationLines(p);
  return p;
}

function assemble(p: Parts, shape: Shape, footer: (left: string[]) => string[]): string {
  const s = p.report.summary;
  const out: string[] = [
    "## pulumi-intune review",
    "",
    `**${s.creates} to create, ${s.updates} to update, ${s.replaces} to replace, ${s.deletes} to delete, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}** (${s.impactFacts} impact fact${s.impactFacts === 1 ? "" : "s"})`,
    "",
  ];
  const left: string[] = [];
  if (p.report.policy) {
    const { mandatory, advisory } = p.report.policy;
    out.push("### Policy", "");
    if (mandatory + advisory === 0) out.push("No policy violations.", "");
    else {
      out.push(`**${plural(mandatory, "mandatory violation")}** (the preview fails on these), ${plural(advisory, "advisory violation")}:`, "");
      out.push(...p.violations.slice(0, shape.violations), "");
      if (shape.violations < p.violations.length) left.push(plural(p.violations.length - shape.violations, "policy violation line"));
    }
  }
  if (p.report.resources.length === 0) out.push("No changes.", "");
  if (p.findings.length > 0) {
    out.push(
      "### What this change does to people",
      "",
      `${plural(p.findings.length, "finding")}, biggest consequence first (members reached, then ${severities.join(" > ")}; groups can overlap):`,
      "",
    );
    p.findings.slice(0, shape.findings).forEach((f, i) => out.push(findingLine(f, i, shape.maxNames)));
    out.push("");
    if (shape.findings < p.findings.length) left.push(`the ${plural(p.findings.length - shape.findings, "lowest-ranked finding")}`);
  }
  if (shape.diagram && p.diagram.length > 0) out.push("### Who is affected", "", ...p.diagram, "");
  else if (p.diagram.length > 0) left.push("the diagram of who is affected");
  if (p.resources.length > 0) {
    out.push(`### Changes (${plural(p.resources.length, "resource")})`, "");
    for (const r of p.resources.slice(0, shape.details)) out.push(...resourceDetails(r));
    const rows = p.resources.slice(shape.details, shape.details + shape.rows);
    if (rows.length > 0) out.push("| change | resource | kind | properties | impact facts |", "| --- | --- | --- | --- | --- |", ...rows.map(resourceRow), "");
    const hidden = p.resources.length - shape.details - rows.length;
    if (hidden > 0) left.push(`${plural(hidden, "resource")} of lowest consequence`);
    if (rows.length > 0) left.push(`the property values (before/after) of the ${plural(rows.length, "resource")} in the table`);
  }
  if (p.report.otherWarnings.length > 0) {
    out.push("### Other warnings", "");
    for (const w of p.report.otherWarnings.slice(0, shape.others)) out.push(`- ${w.replace(/\n/g, " ")}`);
    out.push("");
    if (shape.others < p.report.otherWarnings.length) left.push(plural(p.report.otherWarnings.length - shape.others, "other warning"));
  }
  if (shape.maxNames < Number.MAX_SAFE_INTEGER && p.findings.some((f) => f.profiles.length > shape.maxNames)) left.push(`profile names beyond ${shape.maxNames} per finding`);
  if (left.length > 0) out.push(...footer(left));
  return out.join("\n");
}

function fullShape(p: Parts): Shape {
  return { findings: p.findings.length, details: p.resources.length, rows: 0, others: p.report.otherWarnings.length, violations: p.violations.length, diagram: true, maxNames: Number.MAX_SAFE_INTEGER };
}

/** The full report in Markdown: every finding, every resource with its property values. */
export function renderMarkdown(report: ReviewReport): string {
  const p = parts(report);
  return assemble(p, fullShape(p), () => []);
}

/** Largest k in [0, hi] with fits(k), given fits is monotone (true up to some k). */
function largest(hi: number, fits: (k: number) => boolean): number {
  let lo = 0;
  if (!fits(0)) return -1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The pull-request comment: the full report when it fits in COMMENT_BUDGET characters (and has at most
 * DETAILS_MAX resources), else trimmed lowest-ranked detail first (property values of the least
 * consequential resources, then their table rows, other warnings, the lowest-ranked findings, the diagram),
 * saying what was left out and where the full report is.
 */
export function renderComment(report: ReviewReport, opts: { fullReport?: string; budget?: number } = {}): string {
  const budget = opts.budget ?? COMMENT_BUDGET;
  const p = parts(report);
  const footer = (left: string[]) => [
    "### Left out of this comment",
    "",
    `To stay under GitHub's ${n(COMMENT_LIMIT)}-character limit this comment leaves out ${left.join("; ")}. ${
      opts.fullReport ? `The full report is \`${opts.fullReport}\` (written by \`--out\`).` : "Run `pulumi-intune review` with `--out FILE` for the full report."
    }`,
    "",
  ];
  const shape = fullShape(p);
  const fits = (s: Shape) => assemble(p, s, footer).length <= budget;
  if (p.resources.length <= DETAILS_MAX && fits(shape)) return assemble(p, shape, footer);
  shape.maxNames = FINDING_PROFILES_MAX;
  const total = p.resources.length;
  // Property values of the least consequential resources go first (they become table rows) …
  shape.details = p.resources.length <= DETAILS_MAX ? Math.max(0, largest(total, (k) => fits({ ...shape, details: k, rows: total - k }))) : 0;
  shape.rows = total - shape.details;
  // … then their rows, other warnings, the lowest-ranked findings, the diagram.
  if (!fits(shape)) shape.rows = Math.max(0, largest(total - shape.details, (k) => fits({ ...shape, rows: k })));
  if (!fits(shape)) shape.others = Math.max(0, largest(shape.others, (k) => fits({ ...shape, others: k })));
  // Violations are listed mandatory first, so advisory ones are the first to go.
  if (!fits(shape)) shape.violations = Math.max(0, largest(shape.violations, (k) => fits({ ...shape, violations: k })));
  if (!fits(shape)) shape.findings = Math.max(0, largest(shape.findings, (k) => fits({ ...shape, findings: k })));
  if (!fits(shape)) shape.diagram = false;
  if (!fits(shape)) shape.findings = Math.max(0, largest(shape.findings, (k) => fits({ ...shape, findings: k })));
  const text = assemble(p, shape, footer);
  if (text.length <= budget) return text;
  // Only a summary line longer than the budget could get here.
  const cut = "\n\n_(cut at the comment limit; see the full report)_\n";
  return text.slice(0, budget - cut.length) + cut;
}
