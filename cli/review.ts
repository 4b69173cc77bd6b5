// The pull-request review report: what a preview will change, per resource and property, and what it
// will do to people (the provider's impact warnings), in Markdown for a comment or JSON for machines.
import { IMPACT_MARKER, type ImpactFact } from "../provider/impact/facts";
import { factsFromDigest, intuneKind, parseUrn, type PreviewDigest, type PreviewStep, valueAtPath } from "./previewJson";

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
}

export interface ReviewReport {
  summary: { creates: number; updates: number; replaces: number; deletes: number; warnings: number; impactFacts: number };
  resources: ResourceChange[];
  /** Warnings not attached to a changed resource. */
  otherWarnings: string[];
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const secretKeys = /secret|password|token|key$/i;

/** Masks secrets: Pulumi's secret markers, "[secret]" placeholders and values of secret-looking keys. */
export function mask(value: unknown, key = ""): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && SECRET_SIG in (value as object)) return "[secret]";
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
    .filter(([p]) => !p.startsWith("__"))
    .map(([path, kind]) => ({
      path,
      kind,
      old: mask(valueAtPath(oldInputs, path), path.split(".").pop()),
      new: mask(valueAtPath(newInputs, path), path.split(".").pop()),
      forcesReplacement: kind.endsWith("-replace") || replace.has(path) || replace.has(path.split(/[.[]/)[0]),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Builds the report from preview JSON; resources in URN order so reports diff cleanly. */
export function buildReport(preview: PreviewDigest): ReviewReport {
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
  const resources: ResourceChange[] = [];
  for (const step of preview.steps) {
    const cls = opClass(step.op);
    const warnings = warningsByUrn.get(step.urn) ?? [];
    const impact = factsByUrn.get(step.urn) ?? [];
    if (cls === "other" && warnings.length === 0 && impact.length === 0) continue;
    if (step.op === "same" && warnings.length === 0 && impact.length === 0) continue;
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
      warnings: warnings.map((w) => w.split("\n").filter((l) => !l.includes(IMPACT_MARKER)).join("\n").trim()),
      notes: cls === "delete" ? deleteNotes(type, step) : [],
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
  };
}

function deleteNotes(type: string, step: PreviewStep): string[] {
  const kind = intuneKind(type);
  if (kind === "EmailProfile") return ["deleting the profile removes its e-mail account from every device it is assigned to"];
  if (kind !== "ProfileAssignment") return [];
  const targets = (step.oldState?.inputs?.targets ?? step.oldState?.outputs?.targets ?? []) as { kind?: string; groupId?: string }[];
  const who = targets
    .filter((t) => t.kind !== "exclusionGroup")
    .map((t) => (t.kind === "group" ? `group ${t.groupId}` : t.kind === "allLicensedUsers" ? "all licensed users" : t.kind === "allDevices" ? "all devices" : String(t.kind)));
  return [`deleting the assignment removes the e-mail account from the devices of ${who.length > 0 ? who.join(", ") : "its targets"}`];
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
  if (v === "04da6b54-80e4-46f7-96ec-b56ff0331ba9") return "_known after `up`_";
  const s = JSON.stringify(v);
  return "`" + (s.length > 120 ? `${s.slice(0, 117)}...` : s).replace(/`/g, "'") + "`";
}

const opIcon: Record<string, string> = { create: "🟢 create", update: "🟡 update", replace: "🔴 replace", delete: "🔴 delete", other: "ℹ️" };

function mermaid(report: ReviewReport): string[] {
  // Profiles -> certificate profiles -> groups, for the resources this change touches.
  const lines: string[] = [];
  const nodes = new Map<string, string>();
  const node = (key: string, label: string) => {
    if (!nodes.has(key)) nodes.set(key, `n${nodes.size}`);
    lines.push(`  ${nodes.get(key)}["${label.replace(/"/g, "'")}"]`);
    return nodes.get(key)!;
  };
  const edges = new Set<string>();
  for (const r of report.resources) {
    const kind = intuneKind(r.type);
    const profile = r.impact.find((f) => "profile" in f) as { profile: string } | undefined;
    if (kind === "EmailProfile" || profile) {
      const p = node(`p:${profile?.profile ?? r.label}`, `${profile?.profile ?? r.label} (${r.op})`);
      for (const f of r.impact) {
        if (f.kind === "certificateChainGap") {
          const c = node(`c:${f.certificateProfile}`, `${f.role === "trustedRoot" ? "trusted root" : "certificate"}: ${f.certificateProfile}`);
          edges.add(`  ${p} --> ${c}`);
          for (const g of f.missingGroups) edges.add(`  ${c} -. "not assigned" .-> ${node(`g:${g.id}`, `${g.displayName} (${g.memberCount})`)}`);
        }
        if ("groups" in f) for (const g of f.groups) edges.add(`  ${p} -- "${f.kind}" --> ${node(`g:${g.id}`, `${g.displayName} (${g.memberCount})`)}`);
      }
    }
  }
  if (nodes.size === 0) return [];
  return ["```mermaid", "flowchart LR", ...[...new Set(lines)], ...[...edges].sort(), "```"];
}

/** The Markdown comment. */
export function renderMarkdown(report: ReviewReport): string {
  const s = report.summary;
  const out: string[] = [
    "## pulumi-intune review",
    "",
    `**${s.creates} to create, ${s.updates} to update, ${s.replaces} to replace, ${s.deletes} to delete, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}** (${s.impactFacts} impact fact${s.impactFacts === 1 ? "" : "s"})`,
    "",
  ];
  if (report.resources.length === 0) out.push("No changes.", "");
  for (const r of report.resources) {
    out.push(`### ${opIcon[opClass(r.op)]} \`${r.name}\` (${intuneKind(r.type) ?? r.type})`, "");
    if (r.replaceReasons.length > 0) out.push(`Replacement forced by: ${r.replaceReasons.map((p) => `\`${p}\``).join(", ")}`, "");
    if (r.properties.length > 0) {
      out.push("| property | before | after |", "| --- | --- | --- |");
      for (const p of r.properties) out.push(`| \`${p.path}\`${p.forcesReplacement ? " ⚠️ replaces" : ""} | ${fmt(p.old)} | ${fmt(p.new)} |`);
      out.push("");
    }
    if (r.warnings.length > 0 || r.notes.length > 0) {
      out.push("**Impact on people:**", "");
      for (const w of r.warnings) out.push(`- ${w.replace(/\n/g, " ")}`);
      for (const n of r.notes) out.push(`- ${n}`);
      out.push("");
    }
  }
  if (report.otherWarnings.length > 0) {
    out.push("### Other warnings", "");
    for (const w of report.otherWarnings) out.push(`- ${w.replace(/\n/g, " ")}`);
    out.push("");
  }
  const diagram = mermaid(report);
  if (diagram.length > 0) out.push("### Who is affected", "", ...diagram, "");
  return out.join("\n");
}

/** The pull-request comment (for now the whole report). */
export function renderComment(report: ReviewReport, _opts: { fullReport?: string } = {}): string {
  return renderMarkdown(report);
}
