import * as assert from "assert";
import { fakeClock } from "../../support/fakeClock";
import { type LimiterPermit, type RequestCost, RequestLimiter, batchCost, costOf, intuneRequestLimits } from "../../../provider/limiter";
// The emulator's window model, used here only as the referee of what the service would admit.
import { INTUNE_THROTTLE_LIMITS, ThrottleWindows } from "../../../emulator/throttle";


const small = (writes: number, requests: number, windowInMs = 20_000) => ({ writesPerWindow: writes, requestsPerWindow: requests, windowInMs });

describe("RequestLimiter", () => {
  it("lets requests through while under the limits", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(3, 10), clock);
    for (let i = 0; i < 3; i++) (await limiter.acquire("POST")).release();
    assert.deepStrictEqual(clock.sleeps, []);
  });

  it("holds the write over the limit until the oldest write leaves the window", async () => {
    // GIVEN three writes answered at t=0, 1000, 2000 with a limit of 3 per 20 s
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(3, 10), clock);
    for (let i = 0; i < 3; i++) {
      (await limiter.acquire("PATCH")).release();
      clock.t += 1000;
    }
    // WHEN a fourth write comes at t=3000
    const permit = await limiter.acquire("DELETE");
    // THEN it waits exactly until t=20000, when the first write leaves
    assert.strictEqual(permit.waitedInMs, 17_000);
    assert.strictEqual(clock.t, 20_000);
  });

  it("does not count reads against the write budget", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(1, 10), clock);
    (await limiter.acquire("POST")).release();
    for (let i = 0; i < 5; i++) assert.strictEqual((await limiter.acquire("GET")).waitedInMs, 0);
  });

  it("limits all requests together", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(100, 2, 1000), clock);
    (await limiter.acquire("GET")).release();
    (await limiter.acquire("GET")).release();
    assert.strictEqual((await limiter.acquire("GET")).waitedInMs, 1000);
  });

  it("serves concurrent callers in order", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(1, 100, 500), clock);
    const done: number[] = [];
    await Promise.all([1, 2, 3].map((n) => limiter.acquire("POST").then((p) => (done.push(n), p.release()))));
    assert.deepStrictEqual(done, [1, 2, 3]);
    assert.strictEqual(clock.t, 1000);
  });

  it("counts a $batch as one slot per sub-request, writes among them as writes", async () => {
    assert.deepStrictEqual(batchCost(Array(20).fill("GET")), { requests: 20, writes: 0 });
    assert.deepStrictEqual(batchCost(["GET", "PATCH", "delete"]), { requests: 3, writes: 2 });
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(100, 40), clock);
    (await limiter.acquire(batchCost(Array(20).fill("GET")))).release();
    (await limiter.acquire(batchCost(Array(20).fill("GET")))).release();
    // A third batch of 20 does not fit a window of 40 requests.
    assert.strictEqual((await limiter.acquire(batchCost(Array(20).fill("GET")))).waitedInMs, 20_000);
  });

  it("keeps a request's slot until its answer and counts the window from the answer", async () => {
    // GIVEN a window of 1 request and a request sent at t=0 that answers at t=5000
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(10, 1), clock);
    const first = await limiter.acquire("GET");
    let secondReleased = false;
    const second = limiter.acquire("GET").then((p) => ((secondReleased = true), p));
    await new Promise((r) => setImmediate(r));
    // THEN the next request waits for the answer, not for t=20000 ...
    assert.strictEqual(secondReleased, false);
    clock.t = 5000;
    first.release();
    // ... and then for the window that began with the answer
    const permit = await second;
    assert.strictEqual(clock.t, 25_000);
    assert.strictEqual(permit.waitedInMs, 25_000);
  });

  it("holds every caller while paused by a 429", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(intuneRequestLimits, clock);
    limiter.pause(7000);
    limiter.pause(3000); // a shorter pause never shortens a longer one
    const waited = await Promise.all([limiter.acquire("GET"), limiter.acquire("PATCH")]);
    assert.deepStrictEqual(waited.map((p) => p.waitedInMs), [7000, 7000]);
  });

  it("applies the tenant ceiling when it is below the app's", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter({ ...small(100, 1000), tenantWritesPerWindow: 2, tenantRequestsPerWindow: 2000 }, clock);
    (await limiter.acquire("POST")).release();
    (await limiter.acquire("POST")).release();
    assert.strictEqual((await limiter.acquire("POST")).waitedInMs, 20_000);
  });
});

describe("RequestLimiter lanes and start", () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it("serves a read while a write waits for the write window", async () => {
    // GIVEN a write window that is full (1 write per 20 s, answered at t=0)
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(1, 100), { now: () => clock.t, sleep: () => new Promise(() => undefined) });
    (await limiter.acquire("POST")).release({ status: 201 });
    // WHEN a write queues (it would wait 20 s) and then a read comes
    let writeGranted = false;
    void limiter.acquire("PATCH").then(() => (writeGranted = true));
    const read = await Promise.race([limiter.acquire("GET"), tick().then(() => "blocked")]);
    // THEN the read goes at once and the write still waits
    assert.notStrictEqual(read, "blocked", "the read waited behind the write");
    assert.strictEqual(writeGranted, false);
  });

  it("sends the first write alone, then at most four at a time during the first window", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(intuneRequestLimits, clock);
    const granted: LimiterPermit[] = [];
    for (let i = 0; i < 10; i++) void limiter.acquire("POST").then((p) => granted.push(p));
    await tick();
    assert.strictEqual(granted.length, 1, "the probe goes alone");
    granted[0].release({ status: 201 });
    await tick();
    assert.strictEqual(granted.length, 5, "then four in flight");
    // After the first window nothing of an earlier process can count any more: no cap.
    clock.t = 20_000;
    granted[1].release({ status: 201 });
    await tick();
    assert.strictEqual(granted.length, 10);
  });

  it("a write's 429 holds writes for its Retry-After and spreads the unknown writes over the window; reads go on", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(small(10, 1000), clock);
    limiter.throttled(costOf("POST"), 4000);
    assert.strictEqual(limiter.waitInMs(costOf("GET")), 0);
    // Ten unknown writes: the first leaves at 4 s, the last at 20 s, evenly.
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await limiter.acquire("POST");
      waits.push(clock.t);
      p.release({ status: 201 });
    }
    assert.deepStrictEqual(waits.map(Math.round), Array.from({ length: 10 }, (_, i) => Math.round(4000 + (i * 16_000) / 9)));
  });
});

describe("RequestLimiter against the emulator's throttle windows", () => {
  type Step = { readonly methods: readonly string[] }; // one request; a $batch has several methods
  const plain = (method: string): Step => ({ methods: [method] });
  const batchOf = (n: number, method = "GET"): Step => ({ methods: Array(n).fill(method) });

  /**
   * Sends every step at once through the limiter; each released request reaches the emulator's
   * windows at the release time (each sub-request on its own) and answers immediately.
   */
  async function replay(steps: readonly Step[], cost: (s: Step) => RequestCost = (s) => batchCost(s.methods)) {
    const clock = fakeClock();
    const limiter = new RequestLimiter(intuneRequestLimits, clock);
    const service = new ThrottleWindows(INTUNE_THROTTLE_LIMITS, clock);
    let rejected = 0;
    let admitted = 0;
    await Promise.all(
      steps.map(async (step) => {
        const permit = await limiter.acquire(cost(step));
        for (const m of step.methods) {
          const decision = service.admit("app", "tenant", m !== "GET");
          if (decision.admitted) admitted++;
          else rejected++;
        }
        permit.release();
      }),
    );
    return { rejected, admitted, elapsedInMs: clock.t };
  }

  it("a burst of 250 writes draws no 429 and takes the three windows it needs", async () => {
    const result = await replay(Array.from({ length: 250 }, (_, i) => plain(["POST", "PATCH", "DELETE"][i % 3])));
    assert.deepStrictEqual(result, { rejected: 0, admitted: 250, elapsedInMs: 40_000 });
  });

  it("a burst of 1,200 mixed requests draws no 429", async () => {
    // One write in ten: 120 writes (over the 100 per window) and 1,200 requests (over the 1,000).
    const result = await replay(Array.from({ length: 1200 }, (_, i) => plain(i % 10 === 0 ? "PATCH" : "GET")));
    assert.strictEqual(result.rejected, 0);
    assert.strictEqual(result.admitted, 1200);
    assert.strictEqual(result.elapsedInMs, 20_000);
  });

  it("batches of 20 GETs, mixed with writes, draw no 429", async () => {
    // 60 batches of 20 GETs, each followed by a few writes: 1,200 sub-requests and 150 writes.
    const steps = Array.from({ length: 60 }, (_, i) => [batchOf(20), ...Array.from({ length: i < 30 ? 3 : 2 }, () => plain("PATCH"))]).flat();
    const result = await replay(steps);
    assert.strictEqual(result.rejected, 0);
    assert.strictEqual(result.admitted, 60 * 20 + 150);
  });

  it("would catch a limiter that counts a batch as one request", async () => {
    // The check itself can fail: counting 60 batches of 20 as 60 requests lets 1,200 through at once.
    const result = await replay(Array.from({ length: 60 }, () => batchOf(20)), () => costOf("POST"));
    assert.strictEqual(result.rejected, 200);
  });

  /**
   * A new process after one that wrote `earlier` writes at these times (ms before our start): every
   * step is a write sent at once through a fresh limiter; the service answers 429 with its Retry-After
   * and the caller sends it again (as the retry policy does, through the limiter). Returns the 429s.
   */
  async function afterEarlierWrites(earlier: readonly number[], writes: number, inFlightPerWrite = 0) {
    const clock = fakeClock(100_000);
    const service = new ThrottleWindows(INTUNE_THROTTLE_LIMITS, clock);
    const start = clock.t;
    for (const ago of [...earlier].sort((a, b) => b - a)) {
      clock.t = start - ago;
      assert.ok(service.admit("app", "tenant", true).admitted);
    }
    clock.t = start;
    const limiter = new RequestLimiter(intuneRequestLimits, clock);
    let throttled = 0;
    await Promise.all(
      Array.from({ length: writes }, async () => {
        for (;;) {
          const permit = await limiter.acquire("POST");
          const decision = service.admit("app", "tenant", true);
          // Answers take a moment, so several writes can be in flight together.
          await clock.sleep(inFlightPerWrite);
          if (decision.admitted) return permit.release({ status: 201 });
          throttled++;
          permit.release({ status: 429, retryAfterInMs: decision.retryAfterInSeconds * 1000 });
          await clock.sleep(decision.retryAfterInSeconds * 1000);
        }
      }),
    );
    return { throttled, elapsedInMs: clock.t - start };
  }

  it("right after a process that filled the write window, 150 writes draw one 429", async () => {
    // The earlier process wrote 100 writes over the last 20 s at the window's pace.
    const earlier = Array.from({ length: 100 }, (_, i) => 200 * i + 100);
    const result = await afterEarlierWrites(earlier, 150);
    assert.strictEqual(result.throttled, 1);
  });

  it("right after a burst of an earlier process, writes draw at most a few 429s", async () => {
    // 60 writes 5 s ago, all at once: 40 slots free now, the rest at 15 s.
    const result = await afterEarlierWrites(Array(60).fill(5000), 120, 1);
    assert.ok(result.throttled <= 4, `${result.throttled} × 429`);
  });
});
