import * as assert from "assert";
import { handler } from "../../../provider/dispatch";
import { scopeTagHandler } from "../../../provider/resources/scopeTag";
import { UNKNOWN } from "../../../provider/validation";
import { offlineRun } from "../../support/offlineGraph";

const run = offlineRun();

describe("ScopeTag check", () => {
  it("accepts a name and an optional description", async () => {
    const r = await scopeTagHandler.check(run, {}, { displayName: "Sales", description: "EU sales", __provider: "x" });
    assert.deepStrictEqual(r, { inputs: { displayName: "Sales", description: "EU sales" } });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["missing displayName", {}, /`displayName` is required/],
    ["empty displayName", { displayName: "" }, /`displayName` must not be empty, got ""/],
    ["numeric displayName", { displayName: 7 }, /`displayName` must be a string, got 7/],
    ["built-in name", { displayName: "Default" }, /built-in scope tag \(id "0"\)/],
    ["padded name", { displayName: " Sales" }, /must not start or end with white space/],
    ["unknown property", { displayName: "x", color: "red" }, /^`color` is not a known property here, got "red"$/],
    ["long description", { displayName: "x", description: "d".repeat(1025) }, /`description` must have at most 1024 characters, got 1025/],
  ];
  for (const [what, news, reason] of bad) {
    it(`fails on ${what}, naming the property`, async () => {
      const r = await scopeTagHandler.check(run, {}, news);
      assert.ok(r.failures && r.failures.length > 0, "expected a failure");
      assert.match(r.failures![0].reason, reason);
    });
  }

  // The preview placeholder is itself a valid display name (a lower-case GUID): only `adoptExistingId`,
  // which must be digits, tells whether unknown values are let through.
  it("accepts values unknown during preview, keeping them for the engine", async () => {
    const r = await scopeTagHandler.check(run, {}, { displayName: UNKNOWN, adoptExistingId: UNKNOWN });
    assert.strictEqual(r.failures, undefined);
    assert.deepStrictEqual(r.inputs, { displayName: UNKNOWN, adoptExistingId: UNKNOWN });
  });
});

describe("ScopeTag diff", () => {
  it("reports no changes for equal inputs, ignoring outputs", async () => {
    const r = await handler("ScopeTag", run).diff("1", { displayName: "a", isBuiltIn: false, __provider: "p" }, { displayName: "a", __provider: "p" });
    assert.deepStrictEqual(r, { changes: false });
  });

  it("leaves changes undefined (engine shows per-property diff) when something changed", async () => {
    const r = await handler("ScopeTag", run).diff("1", { displayName: "a" }, { displayName: "a", description: "new" });
    assert.deepStrictEqual(r, {});
  });

  // Equal to the prior value as a string, on purpose: an unknown value is a change because it is unknown,
  // not because the placeholder differs from what was there.
  it("treats an unknown value as a change, even where the placeholder equals the prior value", async () => {
    const r = await handler("ScopeTag", run).diff("1", { displayName: UNKNOWN }, { displayName: UNKNOWN });
    assert.deepStrictEqual(r, {});
  });
});
