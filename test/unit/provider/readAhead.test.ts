// The refresh read-ahead (provider/readAhead.ts) on a fake clock and a fake listing: when a type is
// listed, how often, which reads it answers, and that anything it cannot vouch for is read directly.
import * as assert from "assert";
import { ReadAhead } from "../../../provider/readAhead";
import { fakeClock } from "../../support/fakeClock";

type Obj = { id: string; v: number };
type Assignment = { id: string };

function setup(
  objects: Record<string, Obj[]>,
  options: { directReads?: number; maxAgeInMs?: number; fail?: boolean; assignments?: Record<string, Assignment[]>; allTypes?: string[]; allTypesAfterReads?: number } = {},
) {
  const clock = fakeClock(1_000);
  const listed: string[] = [];
  const ahead = new ReadAhead<Obj, Assignment>(
    async (typeName) => {
      listed.push(typeName);
      if (options.fail) throw new Error("503 from the listing");
      return (objects[typeName] ?? []).map((object) => ({ object, ...(options.assignments?.[object.id] ? { assignments: options.assignments[object.id] } : {}) }));
    },
    { directReads: options.directReads ?? 2, maxAgeInMs: options.maxAgeInMs ?? 30_000, now: clock.now, allTypes: options.allTypes, allTypesAfterReads: options.allTypesAfterReads },
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

  it("counts the reads of all types together; past the count it lists every type read so far at once, and a new type at its first read", async () => {
    const { ahead, listed } = setup({ ios: many("i", 4), android: many("a", 4), windows: many("w", 4), mac: many("m", 2) });
    assert.strictEqual(await ahead.take("ios", "i0"), undefined);
    assert.strictEqual(await ahead.take("android", "a0"), undefined);
    assert.deepStrictEqual(listed, [], "two reads, of two types, go direct");
    assert.deepStrictEqual(await ahead.take("windows", "w0"), { id: "w0", v: 0 }, "the third read lists its type although it is the type's first");
    assert.deepStrictEqual(listed, ["ios", "android", "windows"], "and the types read before it, side by side");
    assert.deepStrictEqual(await ahead.take("ios", "i1"), { id: "i1", v: 1 });
    assert.deepStrictEqual(await ahead.take("android", "a1"), { id: "a1", v: 1 });
    assert.deepStrictEqual(await ahead.take("mac", "m1"), { id: "m1", v: 1 });
    assert.deepStrictEqual(await ahead.take("ios", "i2"), { id: "i2", v: 2 });
    assert.deepStrictEqual(listed, ["ios", "android", "windows", "mac"], "each type once");
  });

  it("past allTypesAfterReads lists every type of allTypes at once, so a type first met late in the state finds its listing done", async () => {
    const objects = { ios: many("i", 8), android: many("a", 2), windows: many("w", 2) };
    const { ahead, listed } = setup(objects, { allTypes: ["ios", "android", "windows", "mac"], allTypesAfterReads: 5 });
    for (const id of ["i0", "i1", "i2", "i3", "i4"]) await ahead.take("ios", id);
    assert.deepStrictEqual(listed, ["ios"], "up to the count, only types read so far");
    assert.deepStrictEqual(await ahead.take("ios", "i5"), { id: "i5", v: 5 });
    assert.deepStrictEqual(listed, ["ios", "android", "windows", "mac"], "the read past the count lists the rest of allTypes, types never read included");
    assert.deepStrictEqual(await ahead.take("windows", "w1"), { id: "w1", v: 1 }, "a type met later is answered from the listing already made");
    assert.deepStrictEqual(await ahead.takeAssignments("a0"), undefined, "an unexpanded listing vouches for no assignments");
    assert.deepStrictEqual(listed, ["ios", "android", "windows", "mac"], "each type once");
  });

  it("without allTypes, a large run still lists only the types it reads", async () => {
    const { ahead, listed } = setup({ ios: many("i", 8) }, { allTypesAfterReads: 1 });
    for (const id of ["i0", "i1", "i2", "i3"]) await ahead.take("ios", id);
    assert.deepStrictEqual(listed, ["ios"]);
  });

  it("answers an object's expanded assignments once, from a listing under way or done, and never lists for them", async () => {
    const { ahead, listed } = setup({ ios: many("i", 3) }, { directReads: 0, assignments: { i0: [{ id: "i0_g1" }], i1: [] } });
    assert.strictEqual(await ahead.takeAssignments("i0"), undefined, "no listing yet: read directly");
    assert.deepStrictEqual(listed, []);
    const read = ahead.take("ios", "i2");
    assert.deepStrictEqual(await ahead.takeAssignments("i0"), [{ id: "i0_g1" }], "waits for the listing under way");
    await read;
    assert.strictEqual(await ahead.takeAssignments("i0"), undefined, "the same set asked again is read directly");
    assert.deepStrictEqual(await ahead.takeAssignments("i1"), [], "an expanded empty set is an answer (the caller decides what it vouches for)");
    assert.strictEqual(await ahead.takeAssignments("i2"), undefined, "a listing without the expansion answers nothing");
    assert.strictEqual(await ahead.takeAssignments("other"), undefined);
    assert.deepStrictEqual(listed, ["ios"]);
  });

  it("an old listing answers no assignments", async () => {
    const { ahead, clock } = setup({ ios: many("i", 2) }, { directReads: 0, assignments: { i0: [{ id: "a" }], i1: [{ id: "b" }] } });
    await ahead.take("ios", "i0");
    assert.deepStrictEqual(await ahead.takeAssignments("i0"), [{ id: "a" }]);
    clock.t += 30_001;
    assert.strictEqual(await ahead.takeAssignments("i1"), undefined);
  });

  it("answers each listed object once: the same id asked again is read directly", async () => {
    const { ahead } = setup({ ios: many("i", 4) }, { directReads: 0 });
    assert.deepStrictEqual(await ahead.take("ios", "i3"), { id: "i3", v: 3 });
    assert.strictEqual(await ahead.take("ios", "i3"), undefined);
  });

  it("an id the listing does not have (created after it, or deleted) is read directly", async () => {
    const { ahead } = setup({ ios: many("i", 2) }, { directReads: 0 });
    assert.strictEqual(await ahead.take("ios", "new-one"), undefined);
  });

  it("a listing older than maxAgeInMs answers nothing more", async () => {
    const { ahead, clock, listed } = setup({ ios: many("i", 5) }, { directReads: 0, maxAgeInMs: 30_000 });
    assert.ok(await ahead.take("ios", "i0"));
    clock.t += 30_000;
    assert.ok(await ahead.take("ios", "i1"), "at exactly the age limit it still answers");
    clock.t += 1;
    assert.strictEqual(await ahead.take("ios", "i2"), undefined);
    assert.deepStrictEqual(listed, ["ios"], "and it is not listed again in the same run");
  });

  it("a failed listing is not an error: the reads go direct", async () => {
    const { ahead, listed } = setup({ ios: many("i", 3) }, { directReads: 0, fail: true });
    assert.strictEqual(await ahead.take("ios", "i0"), undefined);
    assert.strictEqual(await ahead.take("ios", "i1"), undefined);
    assert.deepStrictEqual(listed, ["ios"], "one attempt per run");
  });
});
