// Reading `pulumi preview --json` (and `pulumi refresh --preview-only --json`) output safely.
import { DECLARED_RESOURCES_TYPE, IMPACT_MARKER, type ImpactByUrn, type ImpactFact, ProtocolKeys, userKindOfType } from "../protocol";
import { parseFacts } from "../provider/impact/facts";

export { DECLARED_RESOURCES_TYPE };

/** How Pulumi marks a secret in JSON it prints (state exports, events): this key with this value beside the secret. */
export const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  diffReasons?: string[] | null;
  replaceReasons?: string[] | null;
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
  oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; id?: string } | null;
  newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; id?: string } | null;
}

export interface PreviewDiagnostic {
  urn?: string;
  message: string;
  severity: string;
}

export interface PreviewDigest {
  steps: PreviewStep[];
  diagnostics?: PreviewDiagnostic[];
  changeSummary?: Record<string, number>;
  config?: Record<string, unknown>;
}

/** The input is not usable preview JSON; the message says why. */
export class PreviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreviewInputError";
  }
}

/** Parses and sanity-checks preview JSON text, with errors a person can act on. */
export function parsePreviewJson(text: string, source = "input"): PreviewDigest {
  const trimmed = text.trim();
  if (trimmed === "") throw new PreviewInputError(`${source} is empty: pipe \`pulumi preview --json\` into this command or pass the file it wrote`);
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /position (\d+)/.exec(msg);
    // A parse error at the very end of the text means the JSON stopped early.
    const looksCut = /Unexpected end|Unterminated|end of JSON/i.test(msg) || (at !== null && Number(at[1]) >= trimmed.length - 1);
    throw new PreviewInputError(
      looksCut
        ? `${source} is truncated (${(e as Error).message}); was the preview interrupted or the file cut off?`
        : `${source} is not JSON (${(e as Error).message}); run \`pulumi preview --json\`, not plain \`pulumi preview\``,
    );
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new PreviewInputError(`${source} is JSON but not an object, so not \`pulumi preview --json\` output`);
  const o = data as Record<string, unknown>;
  if ("resource_changes" in o || "format_version" in o) throw new PreviewInputError(`${source} looks like a Terraform plan (resource_changes/format_version), not \`pulumi preview --json\` output`);
  if ("resourceChanges" in o && !("steps" in o)) throw new PreviewInputError(`${source} looks like \`pulumi up --json\` output (resourceChanges without steps); review reads \`pulumi preview --json\``);
  if (!Array.isArray(o.steps)) throw new PreviewInputError(`${source} has no "steps" array, so it is not \`pulumi preview --json\` output`);
  for (const [i, s] of (o.steps as unknown[]).entries()) {
    const step = s as Record<string, unknown>;
    if (!step || typeof step.op !== "string" || typeof step.urn !== "string") throw new PreviewInputError(`${source}: steps[${i}] lacks "op" or "urn"`);
  }
  return o as unknown as PreviewDigest;
}

/** `urn:pulumi:stack::project::type::name` -> its parts. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return { stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""), project: parts[1] ?? "", type, name: parts.slice(3).join("::") };
}

/** Our resource kind from a type token, e.g. `pulumi-nodejs:dynamic/intune:EmailProfile` -> `EmailProfile`. */
export const intuneKind = userKindOfType;

/** Value at a Pulumi property path like `settings.hostName` or `targets[1].groupId`. */
export function valueAtPath(obj: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let cur: unknown = obj;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** One machine-readable impact fact and the resource it is about. */
export interface DigestFact {
  urn?: string;
  fact: ImpactFact;
}

const isFact = (v: unknown): v is ImpactFact => v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as { kind?: unknown }).kind === "string";

/** A debug diagnostic that is one fact: `[pulumi-intune impact] {json}` (the engine may put `debug: ` before it). */
function debugFact(message: string): ImpactFact | undefined {
  const text = message.trim().replace(/^debug:\s*/, "");
  if (!text.startsWith(`${IMPACT_MARKER} `)) return undefined;
  try {
    const v: unknown = JSON.parse(text.slice(IMPACT_MARKER.length + 1));
    return isFact(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The impact facts of a preview, wherever the provider put them: the impact input of the stack record
 * (`DeclaredResources`, today's channel: no JSON in what people read), a `[pulumi-intune impact] {json}`
 * line in a warning (older versions), or a diagnostic of severity "debug" whose message is that marker and the JSON (a
 * channel that keeps JSON out of the human preview). Each fact once per resource (the engine may report
 * a diagnostic twice, and a fact may come through both channels), in the order first seen.
 */
export function factsFromDigest(digest: PreviewDigest): DigestFact[] {
  const out: DigestFact[] = [];
  const seen = new Set<string>();
  const add = (urn: string | undefined, fact: ImpactFact) => {
    const key = `${urn ?? ""}\n${JSON.stringify(fact)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(urn ? { urn, fact } : { fact });
  };
  // The machine channel: the stack record's inputs carry every fact of the run, by resource URN.
  for (const step of digest.steps) {
    if (parseUrn(step.urn).type !== DECLARED_RESOURCES_TYPE) continue;
    const raw = step.newState?.inputs?.[ProtocolKeys.impact];
    if (typeof raw !== "string") continue;
    try {
      for (const [urn, facts] of Object.entries(JSON.parse(raw) as ImpactByUrn)) for (const f of facts ?? []) if (isFact(f)) add(urn || undefined, f);
    } catch {
      // not ours
    }
  }
  for (const d of digest.diagnostics ?? []) {
    if (typeof d?.message !== "string") continue;
    let facts: ImpactFact[] = [];
    if (d.severity === "warning") facts = parseFacts(d.message).filter(isFact);
    else if (d.severity === "debug") facts = [debugFact(d.message)].filter((f): f is ImpactFact => f !== undefined);
    for (const fact of facts) add(d.urn, fact);
  }
  return out;
}
