// Policy violations of a preview, read from the engine's event log (`pulumi preview --event-log FILE`):
// `pulumi preview --json` leaves CrossGuard's policy events out, so the review reads them from there.
// The log is one JSON engine event per line (apitype.EngineEvent); we keep only `policyEvent`s.

/** One CrossGuard violation, as the engine reported it. */
export interface RuleViolation {
  /** The resource it is about; absent for a stack policy that named no resource. */
  urn?: string;
  policyPack: string;
  policyPackVersion: string;
  policyName: string;
  /** "mandatory", "advisory" (the engine may say "warning"), "remediate". */
  enforcementLevel: string;
  /** What the policy says this resource does wrong. */
  message: string;
  /** The policy's own description (the engine puts it before the message). */
  description: string;
}

/** The event log cannot be used; the message says why. */
export class EventLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventLogError";
  }
}

// The engine's colour directives, e.g. "<{%reset%}>", which a plain-text report must not show.
const colorDirective = /<\{%[^%]*%\}>/g;

function splitMessage(text: string): { message: string; description: string } {
  const [first, ...rest] = text.trim().split("\n");
  const own = rest.join("\n").trim();
  return own === "" ? { message: first.trim(), description: "" } : { message: own, description: first.trim() };
}

/**
 * The policy violations in an event log's text, in log order, each once (the engine can report a
 * resource's violation again for the second half of a replacement).
 */
export function policyViolationsFromEventLog(text: string, source = "event log"): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Set<string>();
  const lines = text.split("\n");
  let events = 0;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let event: { policyEvent?: Record<string, unknown> } & Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch (e) {
      // The last line may be cut if the log was copied while the engine was still writing it.
      if (i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === "")) return;
      throw new EventLogError(`${source}: line ${i + 1} is not JSON (${(e as Error).message}); pass the file written by \`pulumi preview --event-log FILE\``);
    }
    if (event === null || typeof event !== "object" || (typeof event.sequence !== "number" && typeof event.timestamp !== "number"))
      throw new EventLogError(`${source}: line ${i + 1} is not an engine event (no sequence or timestamp); pass the file written by \`pulumi preview --event-log FILE\``);
    events++;
    const p = event.policyEvent;
    if (!p) return;
    const v: RuleViolation = {
      ...(typeof p.resourceUrn === "string" && p.resourceUrn !== "" ? { urn: p.resourceUrn } : {}),
      policyPack: String(p.policyPackName ?? ""),
      policyPackVersion: String(p.policyPackVersion ?? ""),
      policyName: String(p.policyName ?? ""),
      enforcementLevel: p.enforcementLevel === "warning" ? "advisory" : String(p.enforcementLevel ?? ""),
      // The engine sends "<policy description>\n<violation message>"; a violation without a message of its own
      // is just the description.
      ...splitMessage(String(p.message ?? "").replace(colorDirective, "")),
    };
    const key = JSON.stringify(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  });
  if (events === 0) throw new EventLogError(`${source} has no engine events; pass the file written by \`pulumi preview --event-log FILE\``);
  return out;
}
