import * as assert from "assert";
import { type Clock, RequestLimiter } from "../../../provider/limiter";

/** A clock whose sleeps advance virtual time instantly, recording each wait. */
function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("RequestLimiter", () => {
  it("lets requests through while under the limits", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter({ writesPerWindow: 3, requestsPerWindow: 10, windowInMs: 20_000 }, clock);
    for (let i = 0; i < 3; i++) assert.strictEqual(await limiter.acquire("POST"), 0);
    assert.deepStrictEqual(clock.sleeps, []);
  });

  it("holds the write over the limit until the oldest write leaves the window", async () => {
    // GIVEN three writes at t=0, 1000, 2000 with a limit of 3 per 20 s
    const clock = fakeClock();
    const limiter = new RequestLimiter({ writesPerWindow: 3, requestsPerWindow: 10, windowInMs: 20_000 }, clock);
    for (let i = 0; i < 3; i++) {
      await limiter.acquire("PATCH");
      clock.t += 1000;
    }
    // WHEN a fourth write comes at t=3000
    const waited = await limiter.acquire("DELETE");
    // THEN it waits exactly until t=20000, when the first write expires
    assert.strictEqual(waited, 17_000);
    assert.strictEqual(clock.t, 20_000);
  });

  it("does not count reads against the write budget", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter({ writesPerWindow: 1, requestsPerWindow: 10, windowInMs: 20_000 }, clock);
    await limiter.acquire("POST");
    for (let i = 0; i < 5; i++) assert.strictEqual(await limiter.acquire("GET"), 0);
  });

  it("limits all requests together", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter({ writesPerWindow: 100, requestsPerWindow: 2, windowInMs: 1000 }, clock);
    await limiter.acquire("GET");
    await limiter.acquire("GET");
    assert.strictEqual(await limiter.acquire("GET"), 1000);
  });

  it("serves concurrent callers in order", async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter({ writesPerWindow: 1, requestsPerWindow: 100, windowInMs: 500 }, clock);
    const done: number[] = [];
    await Promise.all([1, 2, 3].map((n) => limiter.acquire("POST").then(() => done.push(n))));
    assert.deepStrictEqual(done, [1, 2, 3]);
    assert.strictEqual(clock.t, 1000);
  });
});
