// `pulumi-intune status` without a tenant: flag parsing, reading stack export / config JSON, the report
// (counts, other profile by correlation, certificate delivery and the certificate or root a device misses)
// and its Markdown rendering.
import * as assert from "assert";
import {
  type StackProfile,
  type TenantStatus,
  buildStatusReport,
  configFromJson,
  profilesFromExport,
  renderStatusMarkdown,
  statusExitCode,
} from "../../../cli/status";
import { parseCommandLine, UsageError } from "../../../cli/args";
import { commands, statusOptions } from "../../../cli/commands";
import { main } from "../../../cli/main";

/** `status`'s flags through the CLI's one parser, as `pulumi-intune status …` parses them. */
const parseStatus = (argv: string[]) => {
  const parsed = parseCommandLine(commands, ["status", ...argv]);
  return parsed.help ? "help" : statusOptions(parsed.values);
};

const iosSettings = { hostName: "outlook.office365.com", emailAddressSource: "primarySmtpAddress", accountName: "Work mail" };
const P = {
  a: { name: "ios-a", id: "aaaa", displayName: "iOS A", platform: "iosIpados", settings: iosSettings } as StackProfile,
  b: { name: "ios-b", id: "bbbb", displayName: "iOS B", platform: "iosIpados", settings: { ...iosSettings, hostName: "OUTLOOK.office365.com" } } as StackProfile,
  other: { name: "ios-other", id: "cccc", displayName: "iOS other host", platform: "iosIpados", settings: { ...iosSettings, hostName: "mail.contoso.com" } } as StackProfile,
  knox1: { name: "knox-1", id: "k1", displayName: "Knox 1", platform: "androidDeviceAdministrator", settings: { hostName: "a.contoso.com", emailAddressSource: "primarySmtpAddress" } } as StackProfile,
  knox2: { name: "knox-2", id: "k2", displayName: "Knox 2", platform: "androidDeviceAdministrator", settings: { hostName: "b.contoso.com", emailAddressSource: "primarySmtpAddress" } } as StackProfile,
  cert: { name: "ios-cert", id: "dddd", displayName: "iOS cert mail", platform: "iosIpados", settings: { ...iosSettings, hostName: "c.contoso.com", authenticationMethod: "certificate" }, identityCertificateId: "scep1" } as StackProfile,
};

const row = (profileId: string, device: string, status: string) => ({ id: `${profileId}_${device}`, deviceDisplayName: `DEV-${device}`, userPrincipalName: `${device}@contoso.example`, status });
const overview = (success: number, error = 0, conflict = 0, extra: Record<string, number> = {}) => ({ successCount: success, errorCount: error, conflictCount: conflict, pendingCount: 0, notApplicableCount: 0, failedCount: 0, configurationVersion: 1, ...extra });

function tenant(statuses: Record<string, ReturnType<typeof row>[]>, certificateNames: Record<string, string> = {}): TenantStatus {
  const t: TenantStatus = { deviceOverview: {}, userOverview: {}, deviceStatuses: statuses, certificateNames };
  for (const [id, rows] of Object.entries(statuses)) {
    const n = (s: string) => rows.filter((r) => r.status === s).length;
    t.deviceOverview[id] = overview(n("compliant"), n("error"), n("conflict"));
    t.userOverview[id] = overview(n("compliant"), n("error"), n("conflict"));
  }
  return t;
}

describe("pulumi-intune status: flags", () => {
  it("parses --stack, --cwd and --format (default markdown)", () => {
    const o = parseStatus(["--stack", "prod", "--cwd", "/tmp/x", "--format=json"]);
    assert.deepStrictEqual(o, { stack: "prod", cwd: "/tmp/x", format: "json" });
    assert.deepStrictEqual(parseStatus(["--stack", "prod"]), { stack: "prod", cwd: process.cwd(), format: "markdown" });
    assert.strictEqual(parseStatus(["--help"]), "help");
  });

  it("refuses unknown flags, positionals, a missing stack and a bad format, naming the flag and value", () => {
    const fails = (argv: string[], pattern: RegExp) =>
      assert.throws(() => parseStatus(argv), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
    fails(["--stack", "a", "--colour"], /^`status` takes --stack, --cwd, --format, --help; got unknown option "--colour"$/);
    fails(["--stack", "a", "extra"], /^`status` takes no positional arguments; got "extra"$/);
    fails([], /^`status` needs `--stack NAME`; got nothing$/);
    fails(["--stack", ""], /^`--stack` needs a value \(NAME\); got ""$/);
    fails(["--stack", " "], /^`--stack` needs a value \(NAME\); got " "$/);
    fails(["--stack", "a", "--format", "xml"], /^`--format` takes markdown, json; got "xml"$/);
    fails(["--stack"], /^`--stack` needs a value \(NAME\); got nothing$/);
  });

  it("exits 1 with the usage on bad flags, 0 with it on --help", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: {}, readInput: () => Promise.reject(new Error("no input")) };
    assert.strictEqual(await main(["status", "--nope"], io), 1);
    assert.match(err.join(""), /pulumi-intune: `status` takes .*; got unknown option "--nope"[\s\S]*usage:\n  pulumi-intune status --stack NAME/);
    assert.strictEqual(await main(["status", "-h"], io), 0);
    assert.match(out.join(""), /^usage:\n  pulumi-intune status/);
  });
});

describe("pulumi-intune status: reading the stack", () => {
  it("takes the e-mail profiles of `pulumi stack export` with id, name, displayName, platform, settings and certificate", () => {
    const text = JSON.stringify({
      version: 3,
      deployment: {
        resources: [
          { urn: "urn:pulumi:e2e::p::pulumi:pulumi:Stack::p-e2e", type: "pulumi:pulumi:Stack" },
          { urn: "urn:pulumi:e2e::p::pulumi-nodejs:dynamic/intune:ProfileAssignment::x", type: "pulumi-nodejs:dynamic/intune:ProfileAssignment", id: "x1" },
          {
            urn: "urn:pulumi:e2e::p::pulumi-nodejs:dynamic/intune:EmailProfile::ios-mail",
            type: "pulumi-nodejs:dynamic/intune:EmailProfile",
            id: "11",
            outputs: { displayName: "iOS", platform: "iosIpados", settings: { hostName: "h" }, identityCertificateId: "c1" },
          },
        ],
      },
    });
    assert.deepStrictEqual(profilesFromExport(text), [{ name: "ios-mail", id: "11", displayName: "iOS", platform: "iosIpados", settings: { hostName: "h" }, identityCertificateId: "c1" }]);
    assert.throws(() => profilesFromExport("not json"), /pulumi stack export did not print JSON/);
  });

  it("reads `pulumi config --json --show-secrets` values, secrets included", () => {
    const get = configFromJson(JSON.stringify({ "intune:clientSecret": { value: "s3cret", secret: true }, "intune:tenantId": { value: "t", secret: false } }));
    assert.strictEqual(get("intune:clientSecret"), "s3cret");
    assert.strictEqual(get("intune:tenantId"), "t");
    assert.strictEqual(get("intune:clientId"), undefined);
  });
});

describe("pulumi-intune status: report", () => {
  it("is healthy (exit 0) when nothing is in error or conflict", () => {
    const r = buildStatusReport("prod", [P.a, P.other], tenant({ aaaa: [row("aaaa", "d1", "compliant")], cccc: [row("cccc", "d1", "compliant")] }));
    assert.strictEqual(r.healthy, true);
    assert.strictEqual(statusExitCode(r), 0);
    assert.deepStrictEqual(r.profiles.map((p) => [p.name, p.devices]), [
      ["ios-a", { succeeded: 1, pending: 0, error: 0, conflict: 0, notApplicable: 0 }],
      ["ios-other", { succeeded: 1, pending: 0, error: 0, conflict: 0, notApplicable: 0 }],
    ]);
  });

  it("names the other iOS profile with the same host and address that reaches the blocked device, not one on another host", () => {
    const t = tenant({
      aaaa: [row("aaaa", "d1", "compliant"), row("aaaa", "d2", "compliant")],
      bbbb: [row("bbbb", "d1", "error"), row("bbbb", "d3", "compliant")],
      cccc: [row("cccc", "d1", "compliant")],
    });
    const r = buildStatusReport("prod", [P.a, P.b, P.other], t);
    assert.strictEqual(statusExitCode(r), 2);
    const b = r.profiles.find((p) => p.name === "ios-b")!;
    assert.strictEqual(b.issues.length, 1);
    assert.deepStrictEqual(b.issues[0], {
      device: "DEV-d1",
      deviceId: "d1",
      user: "d1@contoso.example",
      status: "error",
      reason: 'another profile already set up an account for host "OUTLOOK.office365.com" and the same address (primarySmtpAddress): this profile is blocked on the device',
      otherProfiles: [{ name: "ios-a", id: "aaaa", displayName: "iOS A" }],
    });
  });

  it("names the Knox profile with the same address on a conflicting device", () => {
    const r = buildStatusReport("prod", [P.knox1, P.knox2], tenant({ k1: [row("k1", "d9", "conflict")], k2: [row("k2", "d9", "conflict")] }));
    assert.deepStrictEqual(r.profiles.map((p) => p.issues.map((i) => [i.status, i.otherProfiles.map((o) => o.name)])), [[["conflict", ["knox-2"]]], [["conflict", ["knox-1"]]]]);
    assert.match(r.profiles[0].issues[0].reason, /same address \(primarySmtpAddress\)/);
  });

  it("names the certificate profile (outside the stack) that does not reach the device", () => {
    const t = tenant({ dddd: [row("dddd", "d1", "compliant"), row("dddd", "d2", "error")], scep1: [row("scep1", "d1", "compliant")] }, { scep1: "iOS user certificate" });
    const r = buildStatusReport("prod", [P.cert], t);
    const issue = r.profiles[0].issues[0];
    assert.strictEqual(issue.deviceId, "d2");
    assert.deepStrictEqual(issue.otherProfiles, [{ name: null, id: "scep1", displayName: "iOS user certificate" }]);
    assert.match(issue.reason, /identity certificate profile is not assigned to this device/);
  });

  // Certificate-based e-mail in the stack: root, SCEP profile linked to it, e-mail profile linked to the SCEP profile.
  const C = {
    root: { kind: "trustedRoot", name: "ios-root", id: "root1", displayName: "iOS root CA", platform: "iosIpados", settings: {} } as StackProfile,
    scep: { kind: "certificateProfile", name: "ios-scep", id: "scep1", displayName: "iOS identity", platform: "iosIpados", settings: {}, trustedRootId: "root1" } as StackProfile,
    mail: { ...P.cert, name: "ios-cert-mail" } as StackProfile,
  };

  it("reports certificate profiles and trusted roots per device, and names the root a certificate profile's error comes from", () => {
    const t = tenant({
      root1: [row("root1", "d1", "compliant")],
      scep1: [row("scep1", "d1", "compliant"), row("scep1", "d2", "error")],
      dddd: [row("dddd", "d1", "compliant"), row("dddd", "d2", "error")],
    });
    const r = buildStatusReport("prod", [C.mail, C.root, C.scep], t);
    assert.strictEqual(statusExitCode(r), 2);
    assert.deepStrictEqual(r.profiles.map((p) => [p.kind ?? "emailProfile", p.name, p.devices.succeeded, p.devices.error]), [
      ["emailProfile", "ios-cert-mail", 1, 1],
      ["trustedRoot", "ios-root", 1, 0],
      ["certificateProfile", "ios-scep", 1, 1],
    ]);
    const scep = r.profiles.find((p) => p.name === "ios-scep")!;
    assert.deepStrictEqual(scep.issues.map((i) => [i.deviceId, i.otherProfiles.map((o) => o.name)]), [["d2", ["ios-root"]]]);
    assert.strictEqual(scep.issues[0].reason, 'no certificate issued on this device: its trusted root "iOS root CA" is not assigned to this device, so the device cannot validate the certificate chain');
    // The e-mail profile's error is named as a certificate not delivered, with the certificate profile and its root.
    const mail = r.profiles.find((p) => p.name === "ios-cert-mail")!;
    assert.deepStrictEqual(mail.issues.map((i) => [i.deviceId, i.otherProfiles.map((o) => o.name)]), [["d2", ["ios-scep", "ios-root"]]]);
    assert.strictEqual(
      mail.issues[0].reason,
      'certificate authentication, but the identity certificate was not delivered to this device: its certificate profile "iOS identity" is in error there because its trusted root "iOS root CA" is not assigned to this device',
    );
  });

  it("names a deleted trusted root or identity certificate profile as missing", () => {
    // The root is gone (its link dangles): the SCEP profile errors everywhere.
    const t = tenant({ scep1: [row("scep1", "d1", "error")], dddd: [row("dddd", "d1", "error")] }, { root1: "root1" });
    t.missing = ["root1"];
    const r = buildStatusReport("prod", [C.mail, C.scep], t);
    assert.strictEqual(r.profiles.find((p) => p.name === "ios-scep")!.issues[0].reason, 'no certificate issued on this device: its trusted root "root1" is missing (deleted; the link dangles), so the device cannot validate the certificate chain');
    assert.match(r.profiles.find((p) => p.name === "ios-cert-mail")!.issues[0].reason, /its certificate profile "iOS identity" is in error there because its trusted root "root1" is missing \(deleted; the link dangles\)$/);
    // The identity certificate profile is gone.
    const gone = tenant({ dddd: [row("dddd", "d1", "error")], scep1: [] });
    gone.missing = ["scep1"];
    const mail = buildStatusReport("prod", [P.cert], gone).profiles[0];
    assert.deepStrictEqual(mail.issues[0].otherProfiles, [{ name: null, id: "scep1", displayName: "scep1" }]);
    assert.match(mail.issues[0].reason, /^certificate authentication, but the identity certificate profile "scep1" is missing \(deleted; the link dangles\): no certificate on this device$/);
  });

  it("does not take a certificate profile of the same platform for a duplicate e-mail account", () => {
    const t = tenant({ aaaa: [row("aaaa", "d1", "error")], scep1: [row("scep1", "d1", "compliant")], root1: [row("root1", "d1", "compliant")] });
    const r = buildStatusReport("prod", [P.a, { ...C.scep, settings: { ...iosSettings } }, { ...C.root, settings: { ...iosSettings } }], t);
    assert.deepStrictEqual(r.profiles[0].issues[0].otherProfiles, []);
  });

  it("takes certificate profiles (with their root) and trusted roots from `pulumi stack export`", () => {
    const text = JSON.stringify({
      deployment: {
        resources: [
          { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/intune:TrustedRootCertificate::root", type: "pulumi-nodejs:dynamic/intune:TrustedRootCertificate", id: "r1", outputs: { displayName: "Root", platform: "iosIpados", settings: { certFileName: "r.cer" } } },
          { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/intune:CertificateProfile::scep", type: "pulumi-nodejs:dynamic/intune:CertificateProfile", id: "c1", outputs: { displayName: "SCEP", platform: "iosIpados", kind: "scep", settings: {}, trustedRootId: "r1" } },
        ],
      },
    });
    assert.deepStrictEqual(profilesFromExport(text), [
      { kind: "trustedRoot", name: "root", id: "r1", displayName: "Root", platform: "iosIpados", settings: { certFileName: "r.cer" } },
      { kind: "certificateProfile", name: "scep", id: "c1", displayName: "SCEP", platform: "iosIpados", settings: {}, trustedRootId: "r1" },
    ]);
  });

  it("says so when no profile of the stack explains an error, and counts failed as error", () => {
    const t = tenant({ aaaa: [row("aaaa", "d1", "error")] });
    t.deviceOverview.aaaa = overview(0, 1, 0, { failedCount: 2, pendingCount: 3, notApplicableCount: 4 });
    const r = buildStatusReport("prod", [P.a], t);
    assert.deepStrictEqual(r.profiles[0].devices, { succeeded: 0, pending: 3, error: 3, conflict: 0, notApplicable: 4 });
    assert.deepStrictEqual(r.profiles[0].issues[0].otherProfiles, []);
    assert.match(r.profiles[0].issues[0].reason, /^no other profile of this stack/);
  });

  it("renders Markdown: summary, counts table, one section per troubled profile with device, user, other profile and why", () => {
    const t = tenant({ aaaa: [row("aaaa", "d1", "compliant")], bbbb: [row("bbbb", "d1", "error")] });
    const md = renderStatusMarkdown(buildStatusReport("prod", [P.a, P.b], t));
    assert.strictEqual(
      md,
      [
        "## Rollout status of stack `prod`",
        "",
        "**2 e-mail profiles, 1 with errors or conflicts** (1 device in error, 0 in conflict)",
        "",
        "| profile | platform | devices: succeeded / pending / error / conflict / not applicable | users: succeeded / pending / error / conflict / not applicable |",
        "| --- | --- | --- | --- |",
        '| `ios-a` "iOS A" | iOS/iPadOS | 1 / 0 / 0 / 0 / 0 | 1 / 0 / 0 / 0 / 0 |',
        '| `ios-b` "iOS B" | iOS/iPadOS | 0 / 0 / 1 / 0 / 0 | 0 / 0 / 1 / 0 / 0 |',
        "",
        '### `ios-b` "iOS B": 1 device in error, 0 in conflict',
        "",
        "| device | user | status | other profile | why |",
        "| --- | --- | --- | --- | --- |",
        '| DEV-d1 | d1@contoso.example | error | `ios-a` "iOS A" | another profile already set up an account for host "OUTLOOK.office365.com" and the same address (primarySmtpAddress): this profile is blocked on the device |',
        "",
      ].join("\n"),
    );
    assert.match(renderStatusMarkdown(buildStatusReport("empty", [], tenant({}))), /The stack has no e-mail profiles, certificate profiles or trusted roots\./);
    assert.match(renderStatusMarkdown(buildStatusReport("ok", [P.a], tenant({ aaaa: [row("aaaa", "d1", "compliant")] }))), /\*\*1 e-mail profile, all healthy\*\*/);
    // Certificate profiles and roots: counted by kind, labelled with their platform.
    const withCertificates = renderStatusMarkdown(
      buildStatusReport("ok", [P.a, C.root, C.scep], tenant({ aaaa: [row("aaaa", "d1", "compliant")], root1: [row("root1", "d1", "compliant")], scep1: [row("scep1", "d1", "compliant")] })),
    );
    assert.match(withCertificates, /\*\*1 e-mail profile, 1 certificate profile, 1 trusted root, all healthy\*\*/);
    assert.ok(withCertificates.includes('| `ios-scep` "iOS identity" | iOS/iPadOS | 1 / 0 / 0 / 0 / 0 |'), withCertificates);
  });
});
