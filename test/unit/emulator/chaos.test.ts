import * as assert from "assert";
import { CHAOS_MIX, ChaosEngine, type ChaosSettings, chaosDraw, parseChaosSettings } from "../../../emulator";

const PATHS = ["/beta/deviceManagement/deviceConfigurations", "/beta/deviceManagement/roleScopeTags", "/beta/groups/1"];
const METHODS = ["GET", "POST", "PATCH", "DELETE"];

/** The kinds drawn for a fixed request sequence. */
function sequence(seed: number, rate: number, length = 300): string[] {
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const draw = chaosDraw({ rate, seed }, METHODS[i % METHODS.length], PATHS[i % PATHS.length], Math.floor(i / 12));
    out.push(draw?.kind ?? "-");
  }
  return out;
}

describe("emulator chaos: seeded faults", () => {
  it("draws the same faults for the same seed and different ones for another seed", () => {
    assert.deepStrictEqual(sequence(7, 0.3), sequence(7, 0.3));
    assert.notDeepStrictEqual(sequence(7, 0.3), sequence(8, 0.3));
    assert.ok(sequence(7, 0.3).some((k) => k !== "-"), "some faults at rate 0.3");
  });

  it("honours the rate roughly over many requests, and rate 0 injects nothing", () => {
    const n = 20_000;
    for (const rate of [0.05, 0.1, 0.5]) {
      let faults = 0;
      for (let i = 0; i < n; i++) if (chaosDraw({ rate, seed: 42 }, "GET", "/beta/groups", i)) faults++;
      assert.ok(Math.abs(faults / n - rate) < 0.02, `rate ${rate}: got ${faults / n}`);
    }
    for (let i = 0; i < 1000; i++) assert.strictEqual(chaosDraw({ rate: 0, seed: 42 }, "GET", "/beta/groups", i), undefined);
  });

  it("draws every kind of the production-like mix, 429 without Retry-After included", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(chaosDraw({ rate: 1, seed: 3 }, "POST", "/beta/x", i)!.kind);
    assert.deepStrictEqual([...seen].sort(), CHAOS_MIX.map((k) => k.kind).sort());
    const bare = CHAOS_MIX.find((k) => k.kind === "throttle-no-retry-after")!;
    assert.strictEqual(bare.fault.name, "throttle");
    assert.strictEqual(bare.fault.omitRetryAfter, true);
  });

  it("counts per method and path, so interleaved clients get the same faults per path; ignores the query case", () => {
    const settings: ChaosSettings = { rate: 0.4, seed: 11, identity: false };
    const sequential = new ChaosEngine(() => settings);
    const a = Array.from({ length: 50 }, () => sequential.next("GET", "/beta/a")?.kind ?? "-");
    const b = Array.from({ length: 50 }, () => sequential.next("GET", "/beta/b")?.kind ?? "-");
    const interleaved = new ChaosEngine(() => settings);
    const a2: string[] = [];
    const b2: string[] = [];
    for (let i = 0; i < 50; i++) {
      b2.push(interleaved.next("GET", "/beta/b")?.kind ?? "-");
      a2.push(interleaved.next("get", "/BETA/a")?.kind ?? "-");
    }
    assert.deepStrictEqual(a2, a);
    assert.deepStrictEqual(b2, b);
    const report = interleaved.report();
    assert.strictEqual(report.requestsSeen, 100);
    assert.strictEqual(report.injectedTotal, [...a2, ...b2].filter((k) => k !== "-").length);
    interleaved.reset();
    assert.strictEqual(interleaved.report().requestsSeen, 0);
  });

  it("rejects bad settings naming the field, the rule and the value", () => {
    const off: ChaosSettings = { rate: 0, seed: 0, identity: false };
    assert.throws(() => parseChaosSettings(off, { rate: 2 }), /`chaos.rate` must be a number from 0 to 1, got 2/);
    assert.throws(() => parseChaosSettings(off, { rate: "0.1" }), /`chaos.rate` must be a number from 0 to 1, got "0.1"/);
    assert.throws(() => parseChaosSettings(off, { seed: 1.5 }), /`chaos.seed` must be an integer, got 1.5/);
    assert.throws(() => parseChaosSettings(off, { identity: "yes" }), /`chaos.identity` must be a boolean, got "yes"/);
    assert.throws(() => parseChaosSettings(off, { rte: 0.1 }), /`chaos.rte` is not a chaos setting/);
    assert.throws(() => parseChaosSettings(off, 0.1), /`chaos` must be an object/);
    assert.deepStrictEqual(parseChaosSettings(off, { rate: 0.1, seed: 7 }), { rate: 0.1, seed: 7, identity: false });
  });
});
