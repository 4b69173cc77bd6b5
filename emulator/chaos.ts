// Seeded chaos: each Graph request gets a fault with probability `rate`, drawn from a production-like mix.
// The draw is a hash of (seed, method, path without query, how many times that method and path were seen),
// so the same request sequence per path gets the same faults however clients interleave.
import * as crypto from "crypto";
import { GraphErrorFactory } from "./errors";
import type { FaultSpec } from "./faults";

/** Chaos settings (`PUT /_emulator/config {"chaos": {...}}`, `--chaos RATE --seed N`). */
export interface ChaosSettings {
  /** Probability in [0, 1] that a request gets a fault; 0 turns chaos off. */
  rate: number;
  /** Integer seed of the draw. */
  seed: number;
  /** Also the Entra ID token and discovery endpoints. @default false */
  identity: boolean;
}

export const CHAOS_OFF: ChaosSettings = { rate: 0, seed: 0, identity: false };

/** The kinds of fault chaos injects, with their weight in the mix and the fault they apply. */
export const CHAOS_MIX = [
  { kind: "throttle", weight: 30, fault: { name: "throttle", retryAfterInSeconds: 1 } },
  // Some Intune endpoints answer 429 without Retry-After.
  { kind: "throttle-no-retry-after", weight: 10, fault: { name: "throttle", omitRetryAfter: true } },
  { kind: "unavailable", weight: 20, fault: { name: "unavailable" } },
  // A 500, 502 or 504 comes before or after the commit; a gateway times out most often on slow back-end work.
  { kind: "error", weight: 7, fault: { name: "error" } },
  { kind: "error-after", weight: 3, fault: { name: "error-after" } },
  { kind: "bad-gateway", weight: 7, fault: { name: "bad-gateway" } },
  { kind: "bad-gateway-after", weight: 3, fault: { name: "bad-gateway-after" } },
  { kind: "gateway-timeout", weight: 5, fault: { name: "gateway-timeout" } },
  { kind: "gateway-timeout-after", weight: 5, fault: { name: "gateway-timeout-after" } },
  { kind: "reset-before", weight: 5, fault: { name: "reset-before" } },
  { kind: "reset-after", weight: 5, fault: { name: "reset-after" } },
] as const satisfies readonly { kind: string; weight: number; fault: FaultSpec }[];

export type ChaosKind = (typeof CHAOS_MIX)[number]["kind"];

const TOTAL_WEIGHT = CHAOS_MIX.reduce((sum, k) => sum + k.weight, 0);

/** One chaos decision. */
export interface ChaosDraw {
  readonly kind: ChaosKind;
  readonly fault: FaultSpec;
}

/** The pure draw for the `occurrence`-th (0-based) request with this method and path. */
export function chaosDraw(settings: Pick<ChaosSettings, "rate" | "seed">, method: string, path: string, occurrence: number): ChaosDraw | undefined {
  if (settings.rate <= 0) return undefined;
  const digest = crypto.createHash("sha256").update(`${settings.seed}\n${method.toUpperCase()}\n${path.toLowerCase()}\n${occurrence}`).digest();
  const roll = digest.readUInt32BE(0) / 0x1_0000_0000;
  if (roll >= settings.rate) return undefined;
  let pick = digest.readUInt32BE(4) % TOTAL_WEIGHT;
  for (const entry of CHAOS_MIX) {
    if (pick < entry.weight) return { kind: entry.kind, fault: entry.fault };
    pick -= entry.weight;
  }
  return undefined;
}

/** What `GET /_emulator/chaos` answers. */
export interface ChaosReport extends ChaosSettings {
  /** Requests chaos considered. */
  readonly requestsSeen: number;
  /** Faults injected, by kind. */
  readonly injected: Record<ChaosKind, number>;
  readonly injectedTotal: number;
}

function zeroCounters(): Record<ChaosKind, number> {
  return Object.fromEntries(CHAOS_MIX.map((k) => [k.kind, 0])) as Record<ChaosKind, number>;
}

/** Counts requests per method and path, draws faults and keeps the counters. */
export class ChaosEngine {
  private seen = new Map<string, number>();
  private requestsSeen = 0;
  private injected = zeroCounters();

  constructor(private readonly settings: () => ChaosSettings) {}

  /** The fault for this request, if any (counts the request either way). */
  next(method: string, path: string): ChaosDraw | undefined {
    const s = this.settings();
    if (s.rate <= 0) return undefined;
    const key = `${method.toUpperCase()} ${path.toLowerCase()}`;
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    this.requestsSeen++;
    const draw = chaosDraw(s, method, path, occurrence);
    if (draw) this.injected[draw.kind]++;
    return draw;
  }

  /** Forgets what was seen and injected (a new seed or rate starts a new sequence). */
  reset(): void {
    this.seen.clear();
    this.requestsSeen = 0;
    this.injected = zeroCounters();
  }

  report(): ChaosReport {
    const injected = { ...this.injected };
    return { ...this.settings(), requestsSeen: this.requestsSeen, injected, injectedTotal: Object.values(injected).reduce((a, b) => a + b, 0) };
  }
}

/**
 * Checks a chaos settings patch and returns the merged settings. Errors name the field, the rule and the
 * bad value, e.g. "`chaos.rate` must be a number from 0 to 1, got 2".
 */
export function parseChaosSettings(current: ChaosSettings, patch: unknown): ChaosSettings {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
    throw GraphErrorFactory.controlBadRequest(`\`chaos\` must be an object like {"rate":0.1,"seed":7}, got ${JSON.stringify(patch)}`);
  }
  const next: ChaosSettings = { ...current };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    switch (k) {
      case "rate":
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) throw GraphErrorFactory.controlBadRequest(`\`chaos.rate\` must be a number from 0 to 1, got ${JSON.stringify(v)}`);
        next.rate = v;
        break;
      case "seed":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) throw GraphErrorFactory.controlBadRequest(`\`chaos.seed\` must be an integer, got ${JSON.stringify(v)}`);
        next.seed = v;
        break;
      case "identity":
        if (typeof v !== "boolean") throw GraphErrorFactory.controlBadRequest(`\`chaos.identity\` must be a boolean, got ${JSON.stringify(v)}`);
        next.identity = v;
        break;
      default:
        throw GraphErrorFactory.controlBadRequest(`\`chaos.${k}\` is not a chaos setting (rate, seed, identity)`);
    }
  }
  return next;
}
