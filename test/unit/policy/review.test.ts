// The review report with CrossGuard violations read from the engine's event log.
import * as assert from "assert";
import { EventLogError, policyViolationsFromEventLog } from "../../../cli/policyEvents";
import { parsePreviewJson } from "../../../cli/previewJson";
import { buildReport, renderComment, renderMarkdown } from "../../../cli/review";

const urn = (type: string, name: string) => `urn:pulumi:dev::demo::pulumi-nodejs:dynamic/intune:${type}::${name}`;
let seq = 0;
const line = (event: object) => JSON.stringify({ sequence: ++seq, timestamp: 1700000000 + seq, ...event });
const policyEvent = (resourceUrn: string | undefined, policyName: string, enforcementLevel: string, message: string) =>
  line({ policyEvent: { ...(resourceUrn ? { resourceUrn } : {}), message, color: "raw", policyName, policyPackName: "intune-email-baseline", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel } });

const log = [
  line({ preludeEvent: { config: {} } }),
  policyEvent(urn("EmailProfile", "ssl-off"), "email-ssl-required", "mandatory", "settings.requireSsl must be true (rule email-ssl-required, from Microsoft), got false<{%reset%}>"),
  policyEvent(urn("EmailProfile", "ssl-off"), "email-ssl-required", "mandatory", "settings.requireSsl must be true (rule email-ssl-required, from Microsoft), got false<{%reset%}>"),
  policyEvent(urn("EmailProfile", "password"), "email-modern-authentication", "advisory", 'settings.authenticationMethod must be "certificate", got "usernameAndPassword"'),
  policyEvent(urn("ProfileAssignment", "unchanged"), "email-user-targets", "mandatory", "targets[0] must be a user group, got allDevices"),
  policyEvent(undefined, "email-certificate-reach", "mandatory", "a stack-wide finding"),
  line({ summaryEvent: { maybeCorrupt: false } }),
  "",
].join("\n");

const preview = {
  steps: [
    { op: "create", urn: urn("EmailProfile", "ssl-off"), newState: { inputs: { displayName: "iOS: no SSL", settings: { requireSsl: false } } } },
    { op: "create", urn: urn("EmailProfile", "password"), newState: { inputs: { displayName: "iOS: password" } } },
    { op: "same", urn: urn("ProfileAssignment", "unchanged") },
    { op: "same", urn: urn("ScopeTag", "quiet") },
  ],
  changeSummary: { create: 2, same: 2 },
};

describe("policy: violations in the review report", () => {
  it("reads policy events from the event log once each, without colour directives", () => {
    const vs = policyViolationsFromEventLog(log);
    assert.deepStrictEqual(vs.map((v) => [v.urn?.split("::").pop(), v.policyName, v.enforcementLevel]), [
      ["ssl-off", "email-ssl-required", "mandatory"],
      ["password", "email-modern-authentication", "advisory"],
      ["unchanged", "email-user-targets", "mandatory"],
      [undefined, "email-certificate-reach", "mandatory"],
    ]);
    assert.ok(!vs[0].message.includes("<{%"), vs[0].message);
  });

  it("separates the policy's description from the violation's own message, as the engine joins them", () => {
    const [v] = policyViolationsFromEventLog(policyEvent(urn("EmailProfile", "x"), "email-ssl-required", "mandatory", "E-mail profiles use SSL. Source: Microsoft\nsettings.requireSsl must be true, got false\n"));
    assert.deepStrictEqual([v.description, v.message], ["E-mail profiles use SSL. Source: Microsoft", "settings.requireSsl must be true, got false"]);
    const [bare] = policyViolationsFromEventLog(policyEvent(undefined, "p", "advisory", "only a description"));
    assert.deepStrictEqual([bare.description, bare.message], ["", "only a description"]);
  });

  it("refuses what is not an event log, naming the line", () => {
    assert.throws(() => policyViolationsFromEventLog(JSON.stringify(preview), "preview.json"), (e: Error) => e instanceof EventLogError && /line 1 is not an engine event/.test(e.message));
    assert.throws(() => policyViolationsFromEventLog("not json\n{}\n", "x.log"), (e: Error) => e instanceof EventLogError && /line 1 is not JSON/.test(e.message));
    assert.throws(() => policyViolationsFromEventLog("\n\n", "x.log"), (e: Error) => e instanceof EventLogError && /has no engine events/.test(e.message));
  });

  it("attaches violations to their resources, keeps unchanged resources that have one, and counts them", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(preview)), policyViolationsFromEventLog(log));
    assert.deepStrictEqual(r.resources.map((x) => [x.name, x.op, (x.violations ?? []).map((v) => v.policyName)]), [
      ["password", "create", ["email-modern-authentication"]],
      ["ssl-off", "create", ["email-ssl-required"]],
      ["unchanged", "same", ["email-user-targets"]],
    ]);
    assert.deepStrictEqual({ ...r.policy, unattached: r.policy!.unattached.map((v) => v.message) }, { mandatory: 3, advisory: 1, unattached: ["a stack-wide finding"] });
    // Without an event log the report is what it always was.
    const plain = buildReport(parsePreviewJson(JSON.stringify(preview)));
    assert.strictEqual(plain.policy, undefined);
    assert.ok(plain.resources.every((x) => x.violations === undefined && x.name !== "unchanged"));
  });

  it("the comment lists every violation with its resource and shows it next to the change", () => {
    const md = renderMarkdown(buildReport(parsePreviewJson(JSON.stringify(preview)), policyViolationsFromEventLog(log)));
    assert.match(md, /### Policy\n\n\*\*3 mandatory violations\*\* \(the preview fails on these\), 1 advisory violation:/);
    const section = md.split("### Policy")[1].split("###")[0];
    const lines = section.split("\n").filter((l) => l.startsWith("- "));
    assert.strictEqual(lines.length, 4);
    assert.match(lines[0], /^- ⛔ \*\*mandatory\*\* `email-certificate-reach`|^- ⛔ \*\*mandatory\*\* `email-ssl-required`: settings\.requireSsl must be true .* \(on `ssl-off`, create\)$/);
    assert.ok(lines.some((l) => /`email-user-targets`: targets\[0\] must be a user group, got allDevices \(on `unchanged`, unchanged\)$/.test(l)), section);
    assert.match(lines[3], /^- ⚠️ \*\*advisory\*\* `email-modern-authentication`: .* \(on `password`, create\)$/);
    // Next to the change: inside the resource's own section.
    const sslOff = md.split("<code>ssl-off</code>")[1].split("</details>")[0];
    assert.match(sslOff, /1 policy violation/);
    assert.match(sslOff, /\*\*Policy:\*\*\n\n- ⛔ \*\*mandatory\*\* `email-ssl-required`: settings\.requireSsl must be true/);
    const clean = renderMarkdown(buildReport(parsePreviewJson(JSON.stringify(preview)), []));
    assert.match(clean, /### Policy\n\nNo policy violations\./);
  });

  it("a comment over budget drops advisory violation lines before mandatory ones", () => {
    const many = [line({ preludeEvent: {} })];
    for (let i = 0; i < 400; i++) many.push(policyEvent(urn("EmailProfile", "ssl-off"), "email-modern-authentication", "advisory", `advisory finding number ${i} ${"x".repeat(100)}`));
    many.push(policyEvent(urn("EmailProfile", "ssl-off"), "email-ssl-required", "mandatory", "the mandatory one"));
    const report = buildReport(parsePreviewJson(JSON.stringify(preview)), policyViolationsFromEventLog(many.join("\n")));
    const comment = renderComment(report, { budget: 20_000 });
    assert.ok(comment.length <= 20_000, String(comment.length));
    const section = comment.split("### Policy")[1].split("###")[0];
    assert.match(section, /the mandatory one/);
    assert.match(comment, /policy violation lines?/);
  });
});
