// Intune's published Graph throttles, as sliding windows: a request is admitted only when every window
// it falls into has room, and a rejection says how long until the oldest counted request leaves.

/** Time source; tests inject one so windows move without real waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Limits per window (Intune: 100 writes per app and 200 per tenant, 1000 requests per app, per 20 s). */
export interface ThrottleLimits {
  readonly windowInMs: number;
  readonly writesPerAppPerWindow: number;
  readonly writesPerTenantPerWindow: number;
  readonly requestsPerAppPerWindow: number;
}

/** Intune's published limits for device-management writes and requests. */
export const INTUNE_THROTTLE_LIMITS: ThrottleLimits = {
  windowInMs: 20_000,
  writesPerAppPerWindow: 100,
  writesPerTenantPerWindow: 200,
  requestsPerAppPerWindow: 1000,
};

/** The outcome of {@link ThrottleWindows.admit}. */
export type ThrottleDecision = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterInSeconds: number; readonly window: string };

/** Sliding-window counters keyed by app and tenant. */
export class ThrottleWindows {
  private readonly windows = new Map<string, number[]>();

  constructor(public limits: ThrottleLimits = INTUNE_THROTTLE_LIMITS, private readonly clock: Clock = systemClock) {}

  /** Counts the request if every applicable window has room; otherwise says when to retry. Rejections are not counted. */
  admit(appId: string, tenantId: string, isWrite: boolean): ThrottleDecision {
    const now = this.clock.now();
    const checks: [string, number][] = [[`app:${appId}:requests`, this.limits.requestsPerAppPerWindow]];
    if (isWrite) {
      checks.push([`app:${appId}:writes`, this.limits.writesPerAppPerWindow], [`tenant:${tenantId}:writes`, this.limits.writesPerTenantPerWindow]);
    }
    let worstInMs = 0;
    let worstWindow = "";
    for (const [key, limit] of checks) {
      const stamps = this.prune(key, now);
      if (stamps.length >= limit) {
        // The window frees up when the request that filled it (the limit-th most recent) ages out.
        const waitInMs = stamps[stamps.length - limit] + this.limits.windowInMs - now;
        if (waitInMs > worstInMs || !worstWindow) {
          worstInMs = waitInMs;
          worstWindow = key;
        }
      }
    }
    if (worstWindow) return { admitted: false, retryAfterInSeconds: Math.max(1, Math.ceil(worstInMs / 1000)), window: worstWindow };
    for (const [key] of checks) this.windows.get(key)!.push(now);
    return { admitted: true };
  }

  /** Forgets every counted request. */
  reset(): void {
    this.windows.clear();
  }

  private prune(key: string, now: number): number[] {
    let stamps = this.windows.get(key);
    if (!stamps) {
      stamps = [];
      this.windows.set(key, stamps);
    }
    const cutoff = now - this.limits.windowInMs;
    let drop = 0;
    while (drop < stamps.length && stamps[drop] <= cutoff) drop++;
    if (drop) stamps.splice(0, drop);
    return stamps;
  }
}
