import * as assert from "assert";
import { driftFromRefresh, differingPaths } from "../../../cli/drift";
import { parsePreviewJson, PreviewInputError } from "../../../cli/previewJson";
import { buildReport, mask, policyExitCode, renderMarkdown } from "../../../cli/review";
import { renderFact } from "../../../provider/impact/facts";

const urn = (type: string, name: string) => `urn:pulumi:dev::demo::pulumi-nodejs:dynamic/intune:${type}::${name}`;

describe("parsePreviewJson", () => {
  const bad: [string, string, RegExp][] = [
    ["empty input", "", /is empty/],
    ["truncated JSON", '{"steps": [{"op": "create"', /is truncated/],
    ["plain text preview", "Previewing update (dev):", /is not JSON/],
    ["a Terraform plan", '{"format_version":"1.2","resource_changes":[]}', /looks like a Terraform plan/],
    ["an object without steps", '{"hello":1}', /has no "steps" array/],
    ["a step without urn", '{"steps":[{"op":"create"}]}', /steps\[0\] lacks "op" or "urn"/],
  ];
  for (const [what, text, reason] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parsePreviewJson(text, "preview.json"), (e: Error) => e instanceof PreviewInputError && reason.test(e.message));
    });
  }
});

describe("review report", () => {
  const preview = {
    steps: [
      { op: "same", urn: urn("ScopeTag", "tag") },
      {
        op: "update",
        urn: urn("EmailProfile", "ios"),
        diffReasons: ["settings"],
        detailedDiff: { "settings.hostName": { kind: "update", inputDiff: true } },
        oldState: { inputs: { settings: { hostName: "old.example.com" } } },
        newState: { inputs: { settings: { hostName: "new.example.com" } } },
      },
      {
        op: "replace",
        urn: urn("EmailProfile", "win"),
        replaceReasons: ["platform"],
        detailedDiff: { platform: { kind: "update-replace", inputDiff: true } },
        oldState: { inputs: { platform: "windowsPhone81" } },
        newState: { inputs: { platform: "windows10" } },
      },
      { op: "delete", urn: urn("ProfileAssignment", "old"), oldState: { inputs: {} } },
      { op: "create", urn: urn("ScopeTag", "new"), newState: { inputs: { displayName: "x", clientSecret: "hunter2" } } },
    ],
    diagnostics: [
      {
        urn: urn("EmailProfile", "ios"),
        severity: "warning",
        message: renderFact({ kind: "reconfigurationPrompt", profile: "iOS mail", changedSettings: ["settings.hostName"], groups: [{ id: "g1", displayName: "Sales Users", memberCount: 42, userCount: 42, deviceCount: 0, isDeviceGroup: false }] }),
      },
    ],
    changeSummary: { same: 1, update: 1, replace: 1, delete: 1, create: 1 },
  };

  it("summarises and orders resources by URN", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(preview)));
    assert.deepStrictEqual(r.summary, { creates: 1, updates: 1, replaces: 1, deletes: 1, warnings: 1, impactFacts: 1 });
    assert.deepStrictEqual(r.resources.map((x) => x.name), ["ios", "win", "old", "new"].sort((a, b) => urnOf(a).localeCompare(urnOf(b))));
  });

  it("shows each changed property old -> new, marks replacements and masks secrets", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(preview)));
    const ios = r.resources.find((x) => x.name === "ios")!;
    assert.deepStrictEqual(ios.properties, [{ path: "settings.hostName", kind: "update", old: "old.example.com", new: "new.example.com", forcesReplacement: false }]);
    assert.strictEqual(ios.impact[0].kind, "reconfigurationPrompt");
    const win = r.resources.find((x) => x.name === "win")!;
    assert.ok(win.properties[0].forcesReplacement);
    const created = r.resources.find((x) => x.name === "new")!;
    assert.strictEqual(created.properties.find((p) => p.path === "clientSecret")!.new, "[secret]");
    const md = renderMarkdown(r);
    assert.match(md, /1 to create, 1 to update, 1 to replace, 1 to delete, 1 warning/);
    assert.match(md, /`settings.hostName` \| `"old.example.com"` \| `"new.example.com"`/);
    assert.match(md, /Replacement forced by: `platform`/);
    assert.match(md, /will be asked to approve the reconfiguration/);
    assert.match(md, /```mermaid[\s\S]*Sales Users \(42\)/);
    assert.doesNotMatch(md, /hunter2/);
  });

  it("labels a profile's diagram node with its own step, not with the step of an assignment about it", () => {
    const field = { id: "g2", displayName: "Field Engineers", memberCount: 17, userCount: 17, deviceCount: 0, isDeviceGroup: false };
    const withRemoval = {
      ...preview,
      diagnostics: [
        ...preview.diagnostics,
        { urn: urn("ProfileAssignment", "old"), severity: "warning", message: renderFact({ kind: "accountRemoval", profile: "Knox B", groups: [field], allUsers: false, allDevices: false }) },
      ],
    };
    const md = renderMarkdown(buildReport(parsePreviewJson(JSON.stringify(withRemoval))));
    assert.match(md, /\["Knox B"\]/);
    assert.doesNotMatch(md, /Knox B \(delete\)/);
    assert.match(md, /Field Engineers \(17\)/);
  });

  it("reviews secure e-mail: a certificate gap names the chain in the diagram, and deleting a root or certificate says what stops", () => {
    const sales = { id: "g1", displayName: "Sales Users", memberCount: 42, userCount: 42, deviceCount: 0, isDeviceGroup: false };
    const secure = {
      steps: [
        { op: "create", urn: urn("TrustedRootCertificate", "root"), newState: { inputs: { displayName: "Contoso root CA" } } },
        { op: "create", urn: urn("EmailProfile", "mail"), newState: { inputs: { displayName: "iOS mail" } } },
        { op: "delete", urn: urn("CertificateProfile", "old-scep"), oldState: { id: "c-1", inputs: { displayName: "Old SCEP" }, outputs: { id: "c-1" } } },
        { op: "delete", urn: urn("ProfileAssignment", "old-scep-assignment"), oldState: { inputs: { profileId: "c-1", targets: [{ kind: "group", groupId: "g1" }] } } },
        { op: "delete", urn: urn("TrustedRootCertificate", "old-root"), oldState: { inputs: { displayName: "Old root" } } },
      ],
      diagnostics: [
        { urn: urn("EmailProfile", "mail"), severity: "warning", message: renderFact({ kind: "certificateChainGap", profile: "iOS mail", certificateProfile: "Contoso root CA", role: "trustedRoot", missingGroups: [sales] }) },
      ],
    };
    const r = buildReport(parsePreviewJson(JSON.stringify(secure)));
    const notes = (name: string) => r.resources.find((x) => x.name === name)!.notes.join(" ");
    assert.match(notes("old-root"), /trusted root .*stop validating/);
    assert.match(notes("old-scep"), /certificate profile removes its certificate/);
    assert.match(notes("old-scep-assignment"), /removes the certificate \(and e-mail that authenticates with it\) from the devices of group g1/);
    const md = renderMarkdown(r);
    assert.match(md, /needs its trusted root certificate profile "Contoso root CA"/);
    // The chain in the diagram: profile -> root (with the root's own step) -> the group it does not reach.
    assert.match(md, /\["trusted root: Contoso root CA \(create\)"\]/);
    assert.match(md, /-\. "not assigned" \.->/);
    assert.match(md, /\["iOS mail \(create\)"\]/);
  });

  it("sets the policy exit code", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(preview)));
    assert.strictEqual(policyExitCode(r, []), 0);
    assert.strictEqual(policyExitCode(r, ["replace"]), 3);
    assert.strictEqual(policyExitCode(r, ["impact"]), 3);
    const quiet = buildReport(parsePreviewJson(JSON.stringify({ steps: [{ op: "same", urn: urn("ScopeTag", "t") }] })));
    assert.strictEqual(policyExitCode(quiet, ["replace", "delete", "impact"]), 0);
  });

  it("masks Pulumi secret values", () => {
    assert.strictEqual(mask({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" }), "[secret]");
  });
});

function urnOf(name: string): string {
  return { ios: urn("EmailProfile", "ios"), win: urn("EmailProfile", "win"), old: urn("ProfileAssignment", "old"), new: urn("ScopeTag", "new") }[name]!;
}

describe("drift", () => {
  it("lists differing paths", () => {
    assert.deepStrictEqual(differingPaths({ a: 1, s: { h: "x", k: [1] } }, { a: 1, s: { h: "y", k: [2] } }), ["s.h", "s.k"]);
  });

  it("reports changed and deleted resources from a refresh preview", () => {
    const r = driftFromRefresh("dev", {
      steps: [
        { op: "same", urn: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev" },
        { op: "update", urn: urn("ScopeTag", "t"), oldState: { inputs: { displayName: "A" } }, newState: { inputs: { displayName: "B" } } },
        { op: "delete", urn: urn("EmailProfile", "p") },
      ],
    });
    assert.deepStrictEqual(
      r.drifted.map((d) => [d.name, d.state, d.properties]),
      [
        ["p", "deleted", []],
        ["t", "changed", [{ path: "displayName", declared: "A", live: "B" }]],
      ],
    );
  });
});
