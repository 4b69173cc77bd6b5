// Process-wide request limiter: every Graph call of one app in one tenant shares a budget, so parallel
// resource operations stay under Intune's published throttles instead of relying on 429s.
//
// The windows follow the service's model (emulator/throttle.ts mirrors it): a request is counted from
// the moment the service saw it until one window length later, and a window with `limit` requests
// admits the next one only when the oldest leaves. We cannot see when the service counted a request,
// only that it happened between sending and the answer, so a request holds its slot from release until
// its answer and is then stamped with the answer's time: our window always ends no earlier than the
// service's, and a request we release is one the service admits.
//
// What we cannot see: the service's window remembers writes of the process before us (an `up` right
// before this `destroy`), or of another app. Waiting a whole window at every start would cost 20 s on
// each command; instead the limiter starts carefully and learns. During the first window the first
// write goes alone and then at most a few are in flight, so a full window answers one 429 (a few at
// most) instead of one per write in flight; a write's 429 fills our write window with the writes we did
// not see (the oldest leaving at its Retry-After, the rest spread over the window, as a writer paced by
// this limiter leaves them) and holds writes only: reads go on, in their own lane.
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

/** What the service answered, as far as the limiter cares. */
export interface RequestAnswer {
  readonly status: number;
  /** The answer's `Retry-After`, when it had one. */
  readonly retryAfterInMs?: number;
}

/** A granted request: call `release` once its answer (or failure: no answer) is in. */
export interface LimiterPermit {
  /** How long the caller waited for the slot. */
  readonly waitedInMs: number;
  release(answer?: RequestAnswer): void;
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

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * The service said this window is full and its oldest request leaves in `retryAfterInMs`: fill the
   * free slots with requests we never saw (another process's), the first leaving then and the others
   * one by one until a window from now, as a writer paced by this same window would have left them.
   */
  fillUnknown(retryAfterInMs: number, now: number): void {
    this.prune(now);
    const unknown = this.limit - this.stamps.length - this.inFlight;
    if (unknown <= 0) return;
    const first = now + Math.min(retryAfterInMs, this.windowInMs) - this.windowInMs;
    const step = unknown > 1 ? (now - first) / (unknown - 1) : 0;
    const added = Array.from({ length: unknown }, (_, i) => first + i * step);
    this.stamps.push(...added);
    this.stamps.sort((a, b) => a - b);
  }

  private prune(now: number): void {
    const cutoff = now - this.windowInMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= cutoff) drop++;
    if (drop) this.stamps.splice(0, drop);
  }
}

/** How {@link RequestLimiter} starts when it cannot know what the service's windows already hold. */
export interface LimiterOptions {
  /**
   * Writes in flight at most during the first window after the limiter starts, when writes of an
   * earlier process (the `up` before this `destroy`) may still count in the service's write window.
   * The very first write goes alone: if the window is full, one 429 teaches the limiter
   * (see {@link RequestLimiter.throttled}) before anything else is sent. @default 4
   */
  readonly writesInFlightAtStart?: number;
}

/**
 * Sliding-window limiter: `acquire` resolves once a request may be sent. Reads and writes queue in two
 * lanes, each served in order: a write waiting for the write window never holds up a read.
 */
export class RequestLimiter {
  private readonly requests: SlidingWindow[];
  private readonly writes: SlidingWindow[];
  private readonly lanes = { reads: Promise.resolve(), writes: Promise.resolve() };
  private pausedUntil = 0;
  private writesPausedUntil = 0;
  private wakeUps: (() => void)[] = [];
  private readonly startedAt: number;
  private readonly writesInFlightAtStart: number;
  /** Whether a write has been answered (anything but 429): the window had room for it. */
  private writeAnswered = false;

  constructor(
    readonly limits: RequestLimits = intuneRequestLimits,
    private readonly clock: Clock = systemClock,
    options: LimiterOptions = {},
  ) {
    const w = limits.windowInMs;
    this.requests = [new SlidingWindow(limits.requestsPerWindow, w)];
    this.writes = [new SlidingWindow(limits.writesPerWindow, w)];
    if (limits.tenantRequestsPerWindow !== undefined) this.requests.push(new SlidingWindow(limits.tenantRequestsPerWindow, w));
    if (limits.tenantWritesPerWindow !== undefined) this.writes.push(new SlidingWindow(limits.tenantWritesPerWindow, w));
    this.startedAt = clock.now();
    this.writesInFlightAtStart = Math.max(1, options.writesInFlightAtStart ?? 4);
  }

  /** Waits for slots of a method (or an explicit cost) and holds them until `release`. */
  acquire(request: string | RequestCost): Promise<LimiterPermit> {
    const cost = typeof request === "string" ? costOf(request) : request;
    const started = this.clock.now();
    const lane = cost.writes > 0 ? "writes" : "reads";
    const turn = this.lanes[lane].then(async () => {
      for (;;) {
        const wait = this.waitInMs(cost);
        if (wait <= 0) break;
        if (Number.isFinite(wait)) await this.clock.sleep(wait);
        else await new Promise<void>((resolve) => this.wakeUps.push(resolve));
      }
      for (const window of this.requests) window.take(cost.requests);
      for (const window of this.writes) window.take(cost.writes);
    });
    this.lanes[lane] = turn.catch(() => undefined);
    return turn.then(() => {
      let released = false;
      return {
        waitedInMs: this.clock.now() - started,
        release: (answer?: RequestAnswer) => {
          if (released) return;
          released = true;
          const now = this.clock.now();
          // Learn before the slot frees, so no waiting write goes out on the old picture.
          if (answer?.status === 429) this.throttled(cost, answer.retryAfterInMs);
          else if (answer !== undefined && cost.writes > 0) this.writeAnswered = true;
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

  /**
   * The service answered 429 to a request of this cost. A write: its write window is full of writes we
   * did not send (an earlier process's, another app's), so the limiter fills its own write window to
   * match and holds writes only, for `retryAfterInMs` (a second when the answer had none); reads go on.
   * A read: the request window is full; everything waits.
   */
  throttled(cost: RequestCost, retryAfterInMs: number | undefined): void {
    const now = this.clock.now();
    const wait = retryAfterInMs ?? 1000;
    if (cost.writes === 0) {
      this.pause(wait);
      return;
    }
    this.writes[0].fillUnknown(wait, now);
    this.writesPausedUntil = Math.max(this.writesPausedUntil, now + wait);
  }

  /** How long until `cost` more fit in every window (Infinity: until a request in flight answers). */
  waitInMs(cost: RequestCost): number {
    const now = this.clock.now();
    let wait = this.pausedUntil - now;
    for (const window of this.requests) wait = Math.max(wait, window.waitInMs(cost.requests, now));
    if (cost.writes === 0) return wait;
    wait = Math.max(wait, this.writesPausedUntil - now);
    for (const window of this.writes) wait = Math.max(wait, window.waitInMs(cost.writes, now));
    // The first window after start: unknown writes may still count. One probe, then a few at a time.
    if (now < this.startedAt + this.limits.windowInMs) {
      const cap = this.writeAnswered ? this.writesInFlightAtStart : 1;
      if (this.writes[0].requestsInFlight + cost.writes > cap && this.writes[0].requestsInFlight > 0) wait = Infinity;
    }
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
