// Process-wide request limiter: every Graph call of one app in one tenant shares a budget, so parallel
// resource operations stay under Intune's published throttles instead of relying on 429s.

/** Limits per sliding window; the defaults are Intune's published per-app-per-tenant limits. */
export interface RequestLimits {
  /** POST, PUT, PATCH and DELETE per window. */
  readonly writesPerWindow: number;
  /** Requests of any method per window. */
  readonly requestsPerWindow: number;
  readonly windowInMs: number;
}

export const intuneRequestLimits: RequestLimits = { writesPerWindow: 100, requestsPerWindow: 1000, windowInMs: 20_000 };

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
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}

/** Sliding-window limiter: `acquire` resolves once a request may be sent, and records it. */
export class RequestLimiter {
  private readonly writes: number[] = [];
  private readonly all: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly limits: RequestLimits = intuneRequestLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Waits for a slot; callers are served in order. Returns the milliseconds waited. */
  acquire(method: string): Promise<number> {
    const write = isWriteMethod(method);
    const started = this.clock.now();
    const turn = this.queue.then(async () => {
      for (;;) {
        const wait = this.waitInMs(write);
        if (wait <= 0) break;
        await this.clock.sleep(wait);
      }
      const now = this.clock.now();
      this.all.push(now);
      if (write) this.writes.push(now);
    });
    this.queue = turn.catch(() => undefined);
    return turn.then(() => this.clock.now() - started);
  }

  /** How long until one more request (a write if `write`) fits in the window. */
  waitInMs(write: boolean): number {
    const now = this.clock.now();
    const horizon = now - this.limits.windowInMs;
    prune(this.all, horizon);
    prune(this.writes, horizon);
    let wait = 0;
    if (this.all.length >= this.limits.requestsPerWindow) wait = Math.max(wait, this.all[0] - horizon);
    if (write && this.writes.length >= this.limits.writesPerWindow) wait = Math.max(wait, this.writes[0] - horizon);
    return wait;
  }
}

function prune(times: number[], horizon: number): void {
  while (times.length > 0 && times[0] <= horizon) times.shift();
}

const shared = new Map<string, RequestLimiter>();

/** The limiter for one app in one tenant at one Graph endpoint, shared by the whole process. */
export function sharedLimiter(key: string, limits: RequestLimits = intuneRequestLimits): RequestLimiter {
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new RequestLimiter(limits);
    shared.set(key, limiter);
  }
  return limiter;
}
