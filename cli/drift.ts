// Drift run: Pulumi's refresh in preview mode for a stack, reduced to "which resource, which property,
// declared vs live". Exit 0 = no drift, 2 = drift, 1 = error.
import { isProtocolKey } from "../protocol";
import { runPulumiProcess } from "./pulumiProcess";
import { intuneKind, parseUrn, type PreviewDigest, PreviewInputError, parsePreviewJson } from "./previewJson";
import { mask } from "./review";

export interface DriftedProperty {
  path: string;
  declared: unknown;
  live: unknown;
}

export interface DriftedResource {
  urn: string;
  type: string;
  name: string;
  /** "changed" (properties differ) or "deleted" (gone from the tenant). */
  state: "changed" | "deleted";
  properties: DriftedProperty[];
}

export interface DriftReport {
  stack: string;
  drifted: DriftedResource[];
}

/** Paths (dotted) where two JSON values differ, depth-first. */
export function differingPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    return [...new Set([...Object.keys(ao), ...Object.keys(bo)])]
      .filter((k) => !isProtocolKey(k))
      .sort()
      .flatMap((k) => differingPaths(ao[k], bo[k], prefix ? `${prefix}.${k}` : k));
  }
  return [prefix || "(value)"];
}

const get = (o: unknown, path: string) => path.split(".").reduce<unknown>((c, k) => (c && typeof c === "object" ? (c as Record<string, unknown>)[k] : undefined), o);

/** Drift from `pulumi refresh --preview-only --json` output. */
export function driftFromRefresh(stack: string, digest: PreviewDigest): DriftReport {
  const drifted: DriftedResource[] = [];
  for (const step of digest.steps) {
    const { type, name } = parseUrn(step.urn);
    if (type.startsWith("pulumi:pulumi:") || type.startsWith("pulumi:providers:")) continue;
    if (step.op === "delete" || (step.op === "refresh" && !step.newState)) {
      drifted.push({ urn: step.urn, type, name, state: "deleted", properties: [] });
      continue;
    }
    if (step.op === "same") continue;
    // Declared = what state says (inputs); live = what the provider read from the tenant.
    const declared = step.oldState?.inputs ?? step.oldState?.outputs ?? {};
    const live = step.newState?.inputs ?? step.newState?.outputs ?? {};
    const paths = differingPaths(declared, live);
    if (paths.length === 0) continue;
    drifted.push({
      urn: step.urn,
      type,
      name,
      state: "changed",
      properties: paths.map((p) => ({ path: p, declared: mask(get(declared, p), p.split(".").pop()), live: mask(get(live, p), p.split(".").pop()) })),
    });
  }
  drifted.sort((a, b) => a.urn.localeCompare(b.urn));
  return { stack, drifted };
}

export function renderDriftMarkdown(r: DriftReport): string {
  const out = [`## Drift in stack \`${r.stack}\``, ""];
  if (r.drifted.length === 0) return [...out, "No drift: the tenant matches the stack.", ""].join("\n");
  out.push(`${r.drifted.length} resource${r.drifted.length === 1 ? "" : "s"} drifted.`, "");
  for (const d of r.drifted) {
    out.push(`### \`${d.name}\` (${intuneKind(d.type) ?? d.type}): ${d.state === "deleted" ? "deleted outside Pulumi" : "changed outside Pulumi"}`, "");
    if (d.properties.length > 0) {
      out.push("| property | declared | live |", "| --- | --- | --- |");
      for (const p of d.properties) out.push(`| \`${p.path}\` | \`${JSON.stringify(p.declared)}\` | \`${JSON.stringify(p.live)}\` |`);
      out.push("");
    }
  }
  return out.join("\n");
}

/** Runs the refresh preview; reports progress on stderr while it runs. */
export async function runRefreshPreview(stack: string, cwd: string, pulumiBin = "pulumi"): Promise<PreviewDigest> {
  const args = ["refresh", "--preview-only", "--json", "--non-interactive", "--stack", stack];
  const started = Date.now();
  process.stderr.write(`pulumi-intune drift: running \`pulumi ${args.join(" ")}\` in ${cwd}\n`);
  const ticker = setInterval(() => process.stderr.write(`  … still reading the tenant (${Math.round((Date.now() - started) / 1000)} s)\n`), 10_000);
  try {
    const { code, stdout, stderr } = await runPulumiProcess(pulumiBin, args, cwd);

    if (code !== 0) {
      let detail = stderr.trim();
      try {
        const j = JSON.parse(stdout) as PreviewDigest;
        detail = (j.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message.trim()).join("\n") || detail;
      } catch {
        detail = detail || stdout.trim();
      }
      throw new PreviewInputError(`pulumi refresh failed with exit code ${code}: ${detail}`);
    }
    return parsePreviewJson(stdout, "pulumi refresh output");
  } finally {
    clearInterval(ticker);
  }
}
