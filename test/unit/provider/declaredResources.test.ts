// The stack record (provider/resources/declaredResources.ts): when its step is an update. A preview with
// impact facts must list it (the review reads the facts from it); a refresh, which diffs the last `up`'s
// inputs without a check, must not (its summary would report a change where nothing changed).
import * as assert from "assert";
import { DECLARED_RESOURCES_NAME, ProtocolKeys, type DeclaredResourcesInputs } from "../../../protocol";
import type { ImpactFact } from "../../../provider/impact/facts";
import { declaredResourcesHandler as record } from "../../../provider/resources/declaredResources";
import { ProviderRun } from "../../../provider/run";

/** A run that fails any Graph call: the record's check and diff need none here. */
const offlineRun = () =>
  new ProviderRun(() => {
    throw new Error("this test makes no Graph call");
  });

const fact: ImpactFact = { kind: "accountRemoval", profile: "iOS mail", groups: [], allUsers: true, allDevices: false };
const declarations: DeclaredResourcesInputs = { profiles: [], assignments: [] };

describe("unit: the stack record's step", () => {
  it("is an update in a run whose check carried impact facts, and the same otherwise", async () => {
    const run = offlineRun();
    run.impact.factsByUrn.set("urn:pulumi:s::p::pulumi-nodejs:dynamic/intune:ProfileAssignment::a", [fact]);
    const { inputs } = await record.check(run, {}, { ...declarations });
    assert.match(String(inputs[ProtocolKeys.impact]), /accountRemoval/);
    assert.strictEqual((await record.diff(run, DECLARED_RESOURCES_NAME, {}, inputs as DeclaredResourcesInputs)).changes, true);

    const quiet = offlineRun();
    const checked = await record.check(quiet, {}, { ...declarations });
    assert.strictEqual(checked.inputs[ProtocolKeys.impact], "{}");
    assert.strictEqual((await record.diff(quiet, DECLARED_RESOURCES_NAME, {}, checked.inputs as DeclaredResourcesInputs)).changes, false);
  });

  it("is the same in a refresh: the last up's facts, diffed without a check, are no change", async () => {
    const up = offlineRun();
    up.impact.factsByUrn.set("urn:pulumi:s::p::pulumi-nodejs:dynamic/intune:ProfileAssignment::a", [fact]);
    const { inputs: stored } = await record.check(up, {}, { ...declarations });
    const refresh = offlineRun();
    const { props = {} } = await record.read(refresh, DECLARED_RESOURCES_NAME, {});
    assert.strictEqual((await record.diff(refresh, DECLARED_RESOURCES_NAME, props, stored as DeclaredResourcesInputs)).changes, false);
  });
});
