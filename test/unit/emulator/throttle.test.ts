import * as assert from "assert";
import { ThrottleWindows } from "../../../emulator/throttle";
import { FaultQueue, parseFaults } from "../../../emulator/faults";

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("emulator throttle windows", () => {
  const limits = { windowInMs: 20_000, writesPerAppPerWindow: 3, writesPerTenantPerWindow: 5, requestsPerAppPerWindow: 10 };

  it("admits writes up to the per-app limit, then says when the window frees", () => {
    const clock = fakeClock();
    const t = new ThrottleWindows(limits, clock);
    for (let i = 0; i < 3; i++) {
      assert.deepStrictEqual(t.admit("app", "tenant", true), { admitted: true });
      clock.advance(1000);
    }
    const d = t.admit("app", "tenant", true);
    assert.strictEqual(d.admitted, false);
    // The first write was 3 s ago; it leaves the 20 s window in 17 s.
    assert.strictEqual(d.admitted === false && d.retryAfterInSeconds, 17);
    assert.deepStrictEqual(t.admit("app", "tenant", false), { admitted: true }, "reads are not write-limited");
    clock.advance(17_000);
    assert.deepStrictEqual(t.admit("app", "tenant", true), { admitted: true });
  });

  it("limits writes per tenant across apps and all requests per app", () => {
    const clock = fakeClock();
    const t = new ThrottleWindows(limits, clock);
    for (const app of ["a", "a", "a", "b", "b"]) assert.strictEqual(t.admit(app, "tenant", true).admitted, true);
    const d = t.admit("c", "tenant", true);
    assert.ok(!d.admitted && d.window === "tenant:tenant:writes");
    for (let i = 0; i < 7; i++) assert.strictEqual(t.admit("a", "tenant", false).admitted, true);
    const r = t.admit("a", "tenant", false);
    assert.ok(!r.admitted && r.window === "app:a:requests" && r.retryAfterInSeconds === 20);
  });

  it("does not count rejected requests", () => {
    const clock = fakeClock();
    const t = new ThrottleWindows({ ...limits, writesPerAppPerWindow: 1 }, clock);
    assert.strictEqual(t.admit("a", "t", true).admitted, true);
    for (let i = 0; i < 5; i++) assert.strictEqual(t.admit("a", "t", true).admitted, false);
    clock.advance(20_000);
    assert.strictEqual(t.admit("a", "t", true).admitted, true);
  });
});

describe("emulator faults", () => {
  it("parses header fault lists with parameters", () => {
    assert.deepStrictEqual(parseFaults("throttle;retryAfter=2"), [{ name: "throttle", retryAfterInSeconds: 2 }]);
    assert.deepStrictEqual(parseFaults("latency;ms=300, reset-after"), [{ name: "latency", latencyInMs: 300 }, { name: "reset-after" }]);
    assert.deepStrictEqual(parseFaults("notfound-once"), [{ name: "notfound" }]);
    assert.throws(() => parseFaults("explode"), /Unknown fault/);
    assert.throws(() => parseFaults("throttle;retryAfter=soon"), /Unknown fault/);
  });

  it("queues faults for the next N requests matching method and path", () => {
    const q = new FaultQueue();
    q.add({ match: { method: "post", path: "roleScopeTags" }, fault: "throttle", retryAfterInSeconds: 3, count: 2 });
    assert.strictEqual(q.take("GET", "/beta/deviceManagement/roleScopeTags"), undefined);
    assert.deepStrictEqual(q.take("POST", "/beta/deviceManagement/roleScopeTags"), [{ name: "throttle", retryAfterInSeconds: 3 }]);
    assert.ok(q.take("POST", "/beta/deviceManagement/roleScopeTags"));
    assert.strictEqual(q.take("POST", "/beta/deviceManagement/roleScopeTags"), undefined);
    assert.deepStrictEqual(q.list(), []);
  });
});
