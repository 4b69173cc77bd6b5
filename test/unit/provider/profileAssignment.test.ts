import * as assert from "assert";
import { handler } from "../../../provider/dispatch";
import { checkProfileAssignmentInputs, targetKey } from "../../../provider/resources/profileAssignment";
import { UNKNOWN } from "../../../provider/validation";
import { offlineRun } from "../../support/offlineGraph";


const g1 = "11111111-1111-1111-1111-111111111111";
const g2 = "22222222-2222-2222-2222-222222222222";
const f1 = "33333333-3333-3333-3333-333333333333";

describe("ProfileAssignment check", () => {
  const run = offlineRun();
  it("normalises and sorts targets, with filterType derived from filterId", () => {
    const { inputs, failures } = checkProfileAssignmentInputs({
      profileId: "p",
      targets: [{ kind: "group", groupId: g2.toUpperCase(), filterId: f1 }, { kind: "allDevices" }, { kind: "exclusionGroup", groupId: g1 }],
    });
    assert.deepStrictEqual(failures, []);
    assert.deepStrictEqual(inputs.targets, [
      { kind: "allDevices", filterType: "none" },
      { kind: "exclusionGroup", groupId: g1, filterType: "none" },
      { kind: "group", groupId: g2, filterId: f1, filterType: "include" },
    ]);
  });

  const bad: [string, unknown[], string, RegExp][] = [
    ["group without groupId", [{ kind: "group" }], "targets[0].groupId", /is required for a target of kind "group"/],
    ["allDevices with groupId", [{ kind: "allDevices", groupId: g1 }], "targets[0].groupId", /must not be set for a target of kind "allDevices"/],
    ["filter on exclusion", [{ kind: "exclusionGroup", groupId: g1, filterId: f1 }], "targets[0].filterId", /must not be set on an exclusion group/],
    ["filterType without filter", [{ kind: "allDevices", filterType: "include" }], "targets[0].filterType", /needs `targets\[0\].filterId`, got "include"/],
    ["filter with type none", [{ kind: "group", groupId: g1, filterId: f1, filterType: "none" }], "targets[0].filterType", /must be "include" or "exclude"/],
    ["duplicate group", [{ kind: "group", groupId: g1 }, { kind: "group", groupId: g1.toUpperCase() }], "targets[1]", /repeats `targets\[0\]`/],
    ["bad kind", [{ kind: "everyone" }], "targets[0].kind", /must be one of "group", "exclusionGroup", "allLicensedUsers", "allDevices", got "everyone"/],
    ["bad group id", [{ kind: "group", groupId: "sales" }], "targets[0].groupId", /must be an Entra ID group id \(a GUID\), got "sales"/],
    ["unknown key", [{ kind: "allDevices", intent: "apply" }], "targets[0].intent", /`targets\[0\].intent` is not a known property here, got "apply"/],
    ["no targets", [], "targets", /at least 1 item/],
  ];
  for (const [what, targets, property, reason] of bad) {
    it(`fails on ${what}`, () => {
      const { failures } = checkProfileAssignmentInputs({ profileId: "p", targets });
      assert.ok(failures.length > 0, "expected a failure");
      assert.strictEqual(failures[0].property, property);
      assert.match(failures[0].reason, reason);
    });
  }

  // The placeholder is a well-formed GUID, so one unknown group id passes any GUID check: two of them
  // (two groups made by the same program) are what shows whether unknown ids are held back from the
  // duplicate check until they are known.
  it("accepts group ids unknown during preview, without calling two unknown groups the same", () => {
    const { failures, inputs } = checkProfileAssignmentInputs({ profileId: UNKNOWN, targets: [{ kind: "group", groupId: UNKNOWN }, { kind: "group", groupId: UNKNOWN, filterId: UNKNOWN }] });
    assert.deepStrictEqual(failures, []);
    assert.deepStrictEqual(inputs.targets, [
      { kind: "group", groupId: UNKNOWN, filterType: "none" },
      { kind: "group", groupId: UNKNOWN, filterId: UNKNOWN, filterType: "include" },
    ]);
  });

  it("marks a profileId change as a replace and a target change as an update", async () => {
    const olds = { profileId: "a", targets: [{ kind: "allDevices", filterType: "none" }] };
    assert.deepStrictEqual(await handler("ProfileAssignment", run).diff("x", olds, { ...olds, profileId: "b" }), { replaces: ["profileId"] });
    assert.deepStrictEqual(await handler("ProfileAssignment", run).diff("x", olds, { ...olds, targets: [{ kind: "allLicensedUsers", filterType: "none" }] }), {});
    assert.deepStrictEqual(await handler("ProfileAssignment", run).diff("x", olds, { ...olds }), { changes: false });
  });

  it("keys targets by kind and lower-case group id", () => {
    assert.strictEqual(targetKey({ kind: "group", groupId: "ABC" }), "group:abc");
    assert.strictEqual(targetKey({ kind: "allDevices" }), "allDevices");
  });
});
