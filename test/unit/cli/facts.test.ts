// factsFromDigest: the one reader of machine facts, for both channels the provider may use.
import * as assert from "assert";
import { factsFromDigest, parsePreviewJson } from "../../../cli/previewJson";
import { buildReport } from "../../../cli/review";
import { describeFact, IMPACT_MARKER, type ImpactFact, renderFact } from "../../../provider/impact/facts";

const urn = (type: string, name: string) => `urn:pulumi:dev::demo::pulumi-nodejs:dynamic/intune:${type}::${name}`;
const sales = { id: "g1", displayName: "Sales Users", memberCount: 42, userCount: 42, deviceCount: 0, isDeviceGroup: false };
const prompt: ImpactFact = { kind: "reconfigurationPrompt", profile: "iOS mail", changedSettings: ["settings.hostName"], groups: [sales] };
const removal: ImpactFact = { kind: "accountRemoval", profile: "Knox", groups: [sales], allUsers: false, allDevices: false };

describe("cli: factsFromDigest", () => {
  it("reads facts from warning lines `[pulumi-intune impact] {json}` (as the engine prints them, with `warning: `)", () => {
    const facts = factsFromDigest({
      steps: [],
      diagnostics: [
        { urn: urn("EmailProfile", "ios"), severity: "warning", message: `warning: ${renderFact(prompt)}\n` },
        { urn: urn("EmailProfile", "ios"), severity: "warning", message: "warning: a warning of someone else" },
        { severity: "info", message: `${IMPACT_MARKER} ${JSON.stringify(removal)}` },
      ],
    });
    assert.deepStrictEqual(facts, [{ urn: urn("EmailProfile", "ios"), fact: prompt }]);
  });

  it("reads facts from debug diagnostics whose message is the marker and the JSON", () => {
    const facts = factsFromDigest({
      steps: [],
      diagnostics: [
        { urn: urn("EmailProfile", "ios"), severity: "debug", message: `${IMPACT_MARKER} ${JSON.stringify(prompt)}` },
        { urn: urn("ProfileAssignment", "a"), severity: "debug", message: `debug: ${IMPACT_MARKER} ${JSON.stringify(removal)}\n` },
        { urn: urn("ProfileAssignment", "a"), severity: "debug", message: `registering resource, ${IMPACT_MARKER} {"kind":"x"}` },
        { urn: urn("ProfileAssignment", "a"), severity: "debug", message: `${IMPACT_MARKER} {not json` },
        { urn: urn("ProfileAssignment", "a"), severity: "debug", message: `${IMPACT_MARKER} [1,2]` },
      ],
    });
    assert.deepStrictEqual(facts, [
      { urn: urn("EmailProfile", "ios"), fact: prompt },
      { urn: urn("ProfileAssignment", "a"), fact: removal },
    ]);
  });

  it("says each fact once per resource, whichever channels and however often it came", () => {
    const u = urn("EmailProfile", "ios");
    const facts = factsFromDigest({
      steps: [],
      diagnostics: [
        { urn: u, severity: "warning", message: renderFact(prompt) },
        { urn: u, severity: "warning", message: renderFact(prompt) },
        { urn: u, severity: "debug", message: `${IMPACT_MARKER} ${JSON.stringify(prompt)}` },
        { urn: urn("EmailProfile", "other"), severity: "debug", message: `${IMPACT_MARKER} ${JSON.stringify(prompt)}` },
      ],
    });
    assert.deepStrictEqual(facts.map((f) => f.urn), [u, urn("EmailProfile", "other")]);
  });

  it("gives the review report the same facts from either channel; debug facts are not warnings", () => {
    const step = { op: "update", urn: urn("EmailProfile", "ios"), diffReasons: ["settings"], oldState: { inputs: {} }, newState: { inputs: {} } };
    const viaWarning = buildReport(parsePreviewJson(JSON.stringify({ steps: [step], diagnostics: [{ urn: step.urn, severity: "warning", message: renderFact(prompt) }] })));
    const viaDebug = buildReport(
      parsePreviewJson(
        JSON.stringify({
          steps: [step],
          diagnostics: [
            { urn: step.urn, severity: "warning", message: describeFact(prompt) },
            { urn: step.urn, severity: "debug", message: `${IMPACT_MARKER} ${JSON.stringify(prompt)}` },
          ],
        }),
      ),
    );
    assert.deepStrictEqual(viaDebug.resources[0].impact, [prompt]);
    assert.deepStrictEqual(viaDebug.resources, viaWarning.resources);
    assert.deepStrictEqual(viaDebug.summary, viaWarning.summary);
    assert.strictEqual(viaDebug.summary.warnings, 1);
  });
});
