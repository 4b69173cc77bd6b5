// The refresh read-ahead (provider/readAhead.ts) on a fake clock and a fake listing: when a type is
// listed, how often, which reads it answers, and that anything it cannot vouch for is read directly.
import * as assert from "assert";
import { ReadAhead } from "../../../provider/readAhead";
import { fakeClock } from "../../support/fakeClock";

type Obj = { id: string; v: number };

function setup(objects: Record<string, Obj[]>, options: { directReadsPerType?: number; maxAgeInMs?: number; fail?: boolean } = {}) {
  const clock = fakeClock(1_000);
  const listed: string[] = [];
  const ahead = new ReadAhead<Obj>(
    async (typeName) => {
      listed.push(typeName);
      if (options.fail) throw new Error("503 from the listing");
      return objects[typeName] ?? [];
    },
    { directReadsPerType: options.directReadsPerType ?? 2, maxAgeInMs: options.maxAgeInMs ?? 30_000, now: clock.now },
  );
  return { clock, listed, ahead };
}

const many = (prefix: string, n: number): Obj[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, v: i }));

describe("unit: refresh read-ahead", () => {
  it("reads the first reads of a type directly, then lists the type once and answers the rest from it", async () => {
    const { ahead, listed } = setup({ ios: many("i", 10) });
    assert.strictEqual(await ahead.take("ios", "i0"), undefined);
    assert.strictEqual(await ahead.take("ios", "i1"), undefined);
    assert.deepStrictEqual(listed, [], "no listing for the first two reads");
    const rest = await Promise.all(["i2", "i3", "i4", "i5"].map((id) => ahead.take("ios", id)));
    assert.deepStrictEqual(rest, [2, 3, 4, 5].map((v) => ({ id: `i${v}`, v })));
    assert.deepStrictEqual(listed, ["ios"], "one listing for every later read of the type");
  });

  it("counts and lists each type on its own", async () => {
    const { ahead, listed } = setup({ ios: many("i", 4), android: many("a", 4) });
    for (const id of ["i0", "i1"]) await ahead.take("ios", id);
    assert.deepStrictEqual(await ahead.take("android", "a0"), undefined, "android has had one read");
    assert.deepStrictEqual(await ahead.take("ios", "i2"), { id: "i2", v: 2 });
    assert.deepStrictEqual(listed, ["ios"]);
    await ahead.take("android", "a1");
    assert.deepStrictEqual(await ahead.take("android", "a2"), { id: "a2", v: 2 });
    assert.deepStrictEqual(listed, ["ios", "android"]);
  });

  it("answers each listed object once: the same id asked again is read directly", async () => {
    const { ahead } = setup({ ios: many("i", 4) }, { directReadsPerType: 0 });
    assert.deepStrictEqual(await ahead.take("ios", "i3"), { id: "i3", v: 3 });
    assert.strictEqual(await ahead.take("ios", "i3"), undefined);
  });

  it("an id the listing does not have (created after it, or deleted) is read directly", async () => {
    const { ahead } = setup({ ios: many("i", 2) }, { directReadsPerType: 0 });
    assert.strictEqual(await ahead.take("ios", "new-one"), undefined);
  });

  it("a listing older than maxAgeInMs answers nothing more", async () => {
    const { ahead, clock, listed } = setup({ ios: many("i", 5) }, { directReadsPerType: 0, maxAgeInMs: 30_000 });
    assert.ok(await ahead.take("ios", "i0"));
    clock.t += 30_000;
    assert.ok(await ahead.take("ios", "i1"), "at exactly the age limit it still answers");
    clock.t += 1;
    assert.strictEqual(await ahead.take("ios", "i2"), undefined);
    assert.deepStrictEqual(listed, ["ios"], "and it is not listed again in the same run");
  });

  it("a failed listing is not an error: the reads go direct", async () => {
    const { ahead, listed } = setup({ ios: many("i", 3) }, { directReadsPerType: 0, fail: true });
    assert.strictEqual(await ahead.take("ios", "i0"), undefined);
    assert.strictEqual(await ahead.take("ios", "i1"), undefined);
    assert.deepStrictEqual(listed, ["ios"], "one attempt per run");
  });
});
