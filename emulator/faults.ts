// Fault injection: per request through the `x-emulator-fault` header, or queued for the next N matching
// requests through the control API (the provider's Graph client cannot add headers per call).
import { GraphErrorFactory } from "./errors";

/**
 * The fault names understood in the header and the control API. The `…-after` faults let the handler
 * run and commit, then answer 500/502/504 (or drop the connection): a gateway that timed out after the
 * back end did the work. The others are answered before the handler runs, so nothing is committed.
 */
export const FAULT_NAMES = [
  "throttle",
  "unavailable",
  "error",
  "bad-gateway",
  "gateway-timeout",
  "notfound",
  "latency",
  "reset-before",
  "reset-after",
  "error-after",
  "bad-gateway-after",
  "gateway-timeout-after",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** One fault to apply to one request. */
export interface FaultSpec {
  readonly name: FaultName;
  /** `throttle`/`unavailable`: value of Retry-After. */
  readonly retryAfterInSeconds?: number;
  /** `throttle`: answer without a Retry-After header (`retryAfter=none`), as some Intune endpoints do. */
  readonly omitRetryAfter?: boolean;
  /** `latency`: delay before the request is handled. */
  readonly latencyInMs?: number;
}

/** A queued fault rule as the control API shows it. */
export interface FaultRule {
  readonly id: number;
  readonly match: { readonly method?: string; readonly path?: string };
  readonly faults: readonly FaultSpec[];
  /** How many more matching requests get the faults. */
  remaining: number;
}

/** Input of `POST /_emulator/faults`. */
export interface FaultRuleInput {
  match?: { method?: string; path?: string };
  fault: string;
  retryAfterInSeconds?: number;
  latencyInMs?: number;
  count?: number;
}

const ALIASES: Record<string, FaultName> = {
  "notfound-once": "notfound",
  "service-unavailable": "unavailable",
  "internal-error": "error",
  "timeout": "gateway-timeout",
  "badgateway": "bad-gateway",
  "internal-error-after": "error-after",
  "timeout-after": "gateway-timeout-after",
  "badgateway-after": "bad-gateway-after",
};

/**
 * Parses a fault list such as `throttle;retryAfter=2` or `latency;ms=300, reset-after`.
 * Unknown names or parameters are a 400, so a typo never silently disables a test's fault.
 */
export function parseFaults(text: string): FaultSpec[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [rawName, ...params] = item.split(";").map((s) => s.trim());
      const name = (ALIASES[rawName.toLowerCase()] ?? rawName.toLowerCase()) as FaultName;
      if (!FAULT_NAMES.includes(name)) throw GraphErrorFactory.unknownFault(item, FAULT_NAMES);
      const spec: { name: FaultName; retryAfterInSeconds?: number; omitRetryAfter?: boolean; latencyInMs?: number } = { name };
      for (const param of params) {
        const [key, value] = param.split("=").map((s) => s.trim());
        const k = key.toLowerCase();
        const isRetryAfter = k === "retryafter" || k === "retry-after" || k === "retryafterinseconds";
        if (isRetryAfter && name === "throttle" && value?.toLowerCase() === "none") {
          spec.omitRetryAfter = true;
          continue;
        }
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0) throw GraphErrorFactory.unknownFault(item, FAULT_NAMES);
        // A parameter the fault does not use is a typo too (`error-after;ms=3` would not wait).
        if (isRetryAfter && (name === "throttle" || name === "unavailable")) spec.retryAfterInSeconds = n;
        else if ((k === "ms" || k === "latencyinms") && name === "latency") spec.latencyInMs = n;
        else throw GraphErrorFactory.unknownFault(item, FAULT_NAMES);
      }
      if (name === "throttle" && spec.retryAfterInSeconds === undefined && !spec.omitRetryAfter) spec.retryAfterInSeconds = 1;
      if (name === "latency" && spec.latencyInMs === undefined) spec.latencyInMs = 100;
      return spec;
    });
}

/** Faults queued for the next matching requests. */
export class FaultQueue {
  private rules: FaultRule[] = [];
  private nextId = 1;

  /** Queues a rule; the path is a regular expression tested against path and query. */
  add(input: FaultRuleInput): FaultRule {
    if (!input || typeof input.fault !== "string") throw GraphErrorFactory.controlBadRequest("'fault' (string) is required");
    const faults = parseFaults(input.fault).map((f) => ({
      ...f,
      ...(input.retryAfterInSeconds !== undefined ? { retryAfterInSeconds: input.retryAfterInSeconds } : {}),
      ...(input.latencyInMs !== undefined && f.name === "latency" ? { latencyInMs: input.latencyInMs } : {}),
    }));
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw GraphErrorFactory.controlBadRequest("'count' must be a positive integer");
    const path = input.match?.path;
    if (path !== undefined) {
      try {
        new RegExp(path);
      } catch {
        throw GraphErrorFactory.controlBadRequest(`'match.path' is not a valid regular expression: ${path}`);
      }
    }
    const rule: FaultRule = { id: this.nextId++, match: { method: input.match?.method?.toUpperCase(), path }, faults, remaining: count };
    this.rules.push(rule);
    return rule;
  }

  /** The faults for this request, consuming one use of the first matching rule. */
  take(method: string, pathAndQuery: string): readonly FaultSpec[] | undefined {
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (!r.match.method || r.match.method === method.toUpperCase()) && (!r.match.path || new RegExp(r.match.path).test(pathAndQuery)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.faults;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  clear(): void {
    this.rules = [];
  }
}
