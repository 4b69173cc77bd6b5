// Process-wide request limiter: every Graph call of one app in one tenant shares a budget, so parallel
// resource operations stay under Intune's published throttles instead of relying on 429s.
//
// The windows follow the service's model (emulator/throttle.ts mirrors it): a request is counted from
// the moment the service saw it until one window length later, and a window with `limit` requests
// admits the next one only when the oldest leaves. We cannot see when the service counted a request,
// only that it happened between sending and the answer, so a request holds its slot from release until
// its answer and is then stamped with the answer's time: our window always ends no earlier than the
// service's, and a request we release is one the service admits.
import { processCache } from "./processCache";

/** Limits per sliding window; the defaults are Intune's published limits. */
export interface RequestLimits {
  /** POST, PUT, PATCH and DELETE per window, for this app in this tenant. */
  readonly writesPerWindow: number;
  /** Requests of any method per window, for this app in this tenant. */
  readonly requestsPerWindow: number;
  /**
   * Writes per window for the whole tenant, all apps together. This process is one app, so it only
   * matters when set below `writesPerWindow` to leave room for other apps. @default 200
   */
  readonly tenantWritesPerWindow?: number;
  /** Requests per window for the whole tenant, all apps together (see `tenantWritesPerWindow`). @default 2000 */
  readonly tenantRequestsPerWindow?: number;
  readonly windowInMs: number;
}

/** Intune device configuration and RBAC: 100 writes and 1,000 requests per app, 200 and 2,000 per tenant, per 20 s. */
export const intuneRequestLimits: RequestLimits = {
  writesPerWindow: 100,
  requestsPerWindow: 1000,
  tenantWritesPerWindow: 200,
  tenantRequestsPerWindow: 2000,
  windowInMs: 20_000,
};

/** Time source, replaceable in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function isWriteMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m !== "GET" && m !== "HEAD" && m !== "OPTIONS";
}

/** Slots one request takes: a `$batch` takes one per sub-request, since the service throttles each on its own. */
export interface RequestCost {
  readonly requests: number;
  readonly writes: number;
}

/** The slots of a plain request. */
export function costOf(method: string): RequestCost {
  return { requests: 1, writes: isWriteMethod(method) ? 1 : 0 };
}

/** The slots of a `$batch` with these sub-request methods (the batch envelope itself is not counted). */
export function batchCost(methods: readonly string[]): RequestCost {
  return { requests: methods.length, writes: methods.filter(isWriteMethod).length };
}

/** A granted request: call `release` once its answer (or failure) is in. */
export interface LimiterPermit {
  /** How long the caller waited for the slot. */
  readonly waitedInMs: number;
  release(): void;
}

/** One sliding window: answered requests by answer time, plus the ones still in flight. */
class SlidingWindow {
  private readonly stamps: number[] = [];
  private inFlight = 0;

  constructor(readonly limit: number, readonly windowInMs: number) {}

  /** Milliseconds until `cost` more fit; Infinity when requests in flight must answer first. */
  waitInMs(cost: number, now: number): number {
    if (cost === 0) return 0;
    this.prune(now);
    // A cost above the limit (a batch bigger than the window) waits for an empty window.
    const excess = this.stamps.length + this.inFlight + Math.min(cost, this.limit) - this.limit;
    if (excess <= 0) return 0;
    if (excess > this.stamps.length) return Infinity;
    // Frees up when the excess-th oldest stamp leaves, exactly when the service's window would.
    return this.stamps[excess - 1] + this.windowInMs - now;
  }

  take(cost: number): void {
    this.inFlight += cost;
  }

  finish(cost: number, now: number): void {
    this.inFlight -= cost;
    for (let i = 0; i < cost; i++) this.stamps.push(now);
  }

  private prune(now: number): void {
    const cutoff = now - this.windowInMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= cutoff) drop++;
    if (drop) this.stamps.splice(0, drop);
  }
}

/** Sliding-window limiter: `acquire` resolves once a request may be sent; callers are served in order. */
export class RequestLimiter {
  private readonly requests: SlidingWindow[];
  private readonly writes: SlidingWindow[];
  private queue: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  private wakeUps: (() => void)[] = [];

  constructor(
    readonly limits: RequestLimits = intuneRequestLimits,
    private readonly clock: Clock = systemClock,
  ) {
    const w = limits.windowInMs;
    this.requests = [new SlidingWindow(limits.requestsPerWindow, w)];
    this.writes = [new SlidingWindow(limits.writesPerWindow, w)];
    if (limits.tenantRequestsPerWindow !== undefined) this.requests.push(new SlidingWindow(limits.tenantRequestsPerWindow, w));
    if (limits.tenantWritesPerWindow !== undefined) this.writes.push(new SlidingWindow(limits.tenantWritesPerWindow, w));
  }

  /** Waits for slots of a method (or an explicit cost) and holds them until `release`. */
  acquire(request: string | RequestCost): Promise<LimiterPermit> {
    const cost = typeof request === "string" ? costOf(request) : request;
    const started = this.clock.now();
    const turn = this.queue.then(async () => {
      for (;;) {
        const wait = this.waitInMs(cost);
        if (wait <= 0) break;
        if (Number.isFinite(wait)) await this.clock.sleep(wait);
        else await new Promise<void>((resolve) => this.wakeUps.push(resolve));
      }
      for (const window of this.requests) window.take(cost.requests);
      for (const window of this.writes) window.take(cost.writes);
    });
    this.queue = turn.catch(() => undefined);
    return turn.then(() => {
      let released = false;
      return {
        waitedInMs: this.clock.now() - started,
        release: () => {
          if (released) return;
          released = true;
          const now = this.clock.now();
          for (const window of this.requests) window.finish(cost.requests, now);
          for (const window of this.writes) window.finish(cost.writes, now);
          const wake = this.wakeUps;
          this.wakeUps = [];
          for (const w of wake) w();
        },
      };
    });
  }

  /** The service answered 429: hold every caller for that long (callers already waiting included). */
  pause(durationInMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + durationInMs);
  }

  /** How long until `cost` more fit in every window (Infinity: until a request in flight answers). */
  waitInMs(cost: RequestCost): number {
    const now = this.clock.now();
    let wait = this.pausedUntil - now;
    for (const window of this.requests) wait = Math.max(wait, window.waitInMs(cost.requests, now));
    for (const window of this.writes) wait = Math.max(wait, window.waitInMs(cost.writes, now));
    return wait;
  }
}

/** The limiter for one app in one tenant at one Graph endpoint, shared by the whole process (see processCache.ts). */
export function sharedLimiter(key: string, limits: RequestLimits = intuneRequestLimits): RequestLimiter {
  let limiter = processCache.limiters.get(key);
  if (!limiter) {
    limiter = new RequestLimiter(limits);
    processCache.limiters.set(key, limiter);
  }
  return limiter;
}
