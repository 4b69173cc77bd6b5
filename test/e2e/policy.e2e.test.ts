// The e-mail baseline policy pack with the real Pulumi CLI (`pulumi preview --policy-pack`): the
// compliant example passes; with `nonCompliant` each rule's resource is named, mandatory ones fail the
// preview, advisory ones are printed; rules disabled by config stay silent; the review comment lists
// every violation from the preview's event log.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EmulatorClient } from "../support/emulatorClient";
import { engineEvents, type PulumiProject, runCli, useEmulatorStack } from "./harness";

const repo = path.resolve(__dirname, "../..");
const GROUPS = { users: "5f1c6a0e-2b7d-4c1e-9a3f-0d8e1b2c3a41", otherUsers: "8a2d4e6f-3c5b-4d7a-8e9f-1a2b3c4d5e62", devices: "c3e5f7a9-4b6d-4e8f-9a1b-2c3d4e5f6a73" };

/** Rule → the resource of examples/policy that breaks it, and the enforcement level without config. */
const BREAKS: Record<string, { resource: string; level: "mandatory" | "advisory" | "disabled" }> = {
  "email-ssl-required": { resource: "ssl-off", level: "mandatory" },
  "email-modern-authentication": { resource: "password-auth", level: "advisory" },
  "ios-email-block-moving-messages": { resource: "moves-messages", level: "mandatory" },
  "ios-email-block-third-party-apps": { resource: "third-party-apps", level: "mandatory" },
  "email-smime-required": { resource: "no-smime", level: "disabled" },
  "email-allowed-host-names": { resource: "other-host", level: "disabled" }, // no allow-list configured
  "email-user-targets": { resource: "windows-all-devices", level: "mandatory" },
  "assignment-include-exclude-same-group": { resource: "windows-excludes-users", level: "mandatory" },
  "email-certificate-reach": { resource: "ios-mail-other-users", level: "mandatory" },
};

interface PolicyEventLine {
  resourceUrn?: string;
  policyName: string;
  enforcementLevel: string;
  message: string;
}

describe("e2e: the e-mail baseline policy pack with the real Pulumi CLI", function () {
  this.timeout(1_200_000);
  let emulator: EmulatorClient;
  let project: PulumiProject;
  let certificates: { iosIdentity: string; iosSmime: string; iosRoot: string };
  let regulatedConfig: string;
  let disabledConfig: string;

  useEmulatorStack("policy", (s) => void ({ emulator, project } = s));

  before(async () => {
    // Certificate profiles made "in the portal": referenced by id, assigned by the program.
    const cert = async (type: string, displayName: string, extra: object) => {
      const r = await emulator.graph("POST", "/deviceManagement/deviceConfigurations", { "@odata.type": `#microsoft.graph.${type}`, displayName, ...extra });
      assert.strictEqual(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    certificates = {
      iosIdentity: await cert("iosScepCertificateProfile", "iOS SCEP (mail identity)", { scepServerUrls: ["https://scep.contoso.com"] }),
      iosSmime: await cert("iosPkcsCertificateProfile", "iOS PKCS (S/MIME)", { certificateTemplateName: "Smime", certificationAuthority: "ca.contoso.com", certificationAuthorityName: "Contoso CA" }),
      iosRoot: await cert("iosTrustedRootCertificate", "iOS trusted root", { certFileName: "root.cer", trustedRootCertificate: Buffer.from("root").toString("base64") }),
    };
    // `--event-log` is one of the CLI's debugging flags (the Automation API sets this too).
    project.env.PULUMI_DEBUG_COMMANDS = "true";
    // The pack's package.json is left out of the project copy like every package.json (the workspace's
    // node_modules serve both), but @pulumi/policy reads the pack's version from it.
    fs.copyFileSync(path.join(repo, "examples/policy/pack/package.json"), path.join(project.dir, "pack/package.json"));
    // The example's regulated-tenant config, with this tenant's certificate chain.
    const regulated = JSON.parse(fs.readFileSync(path.join(repo, "examples/policy/regulated-tenant.json"), "utf8"));
    regulated["email-certificate-reach"].trustedRootOf = { [certificates.iosIdentity]: certificates.iosRoot, [certificates.iosSmime]: certificates.iosRoot };
    regulatedConfig = path.join(project.dir, "regulated-tenant.e2e.json");
    fs.writeFileSync(regulatedConfig, JSON.stringify(regulated));
    disabledConfig = path.join(project.dir, "all-disabled.json");
    fs.writeFileSync(disabledConfig, JSON.stringify(Object.fromEntries(Object.keys(BREAKS).map((r) => [r, "disabled"]))));
  });

  const preview = async (nonCompliant: boolean, packConfig?: string, json = false) => {
    await project.setConfig({ groups: GROUPS, certificates, nonCompliant });
    const eventLog = path.join(project.dir, `events-${Date.now()}.jsonl`);
    const r = await project.pulumi(["preview", ...(json ? ["--json"] : []), "--policy-pack", path.join(project.dir, "pack"), ...(packConfig ? ["--policy-pack-config", packConfig] : []), "--event-log", eventLog]);
    assert.ok(fs.existsSync(eventLog), `no event log: pulumi preview exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    const events: PolicyEventLine[] = engineEvents(fs.readFileSync(eventLog, "utf8")).flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
    return { ...r, output: r.stdout + r.stderr, events, eventLog };
  };
  // Rule, level and resource of each violation, once (a resource can break a rule more than once).
  const named = (events: PolicyEventLine[]) => [...new Set(events.map((e) => `${e.policyName} ${e.enforcementLevel} ${e.resourceUrn?.split("::").pop()}`))].sort();

  it("the compliant program passes the regulated-tenant config with no violation, and writes nothing", async () => {
    await emulator.clearRequests();
    const r = await preview(false, regulatedConfig);
    assert.strictEqual(r.code, 0, r.output);
    assert.deepStrictEqual(named(r.events), []);
    assert.match(r.output, /intune-email-baseline/, "the pack ran");
    const writes = (await emulator.requests()).filter((q) => q.method !== "GET" && !/oauth2|\$batch/.test(q.path));
    assert.deepStrictEqual(writes, []);
  });

  it("without config: fails on every mandatory violation naming resource and rule, prints every advisory one", async () => {
    const r = await preview(true);
    assert.notStrictEqual(r.code, 0, r.output);
    const expected = Object.entries(BREAKS)
      .filter(([, b]) => b.level !== "disabled")
      .map(([rule, b]) => `${rule} ${b.level} ${b.resource}`)
      .sort();
    assert.deepStrictEqual(named(r.events), expected);
    // Printed for people: each rule next to its resource, with the message naming property and bad value.
    for (const [rule, b] of Object.entries(BREAKS)) {
      if (b.level === "disabled") {
        assert.ok(!r.output.includes(rule), `${rule} is off by default:\n${r.output}`);
        continue;
      }
      const block = new RegExp(`\\[${b.level}\\]\\s+${rule}\\s+\\([^)]*: ${b.resource}\\)`);
      assert.match(r.output, block, `${rule} on ${b.resource}`);
    }
    assert.match(r.output, /settings\.requireSsl must be true \(rule email-ssl-required, from Microsoft's .*\), got false/);
    assert.match(r.output, /targets\[0\] must be a user group for e-mail profile "windows-mail" .*got allDevices/);
  });

  it("the regulated-tenant config turns on S/MIME, the host allow-list and device groups; the review comment lists every violation", async () => {
    // The preview a pull-request workflow runs: JSON for the review, the event log for the policy events.
    const r = await preview(true, regulatedConfig, true);
    assert.notStrictEqual(r.code, 0, r.output);
    const mandatory = Object.entries(BREAKS).map(([rule, b]) => `${rule} mandatory ${b.resource}`);
    mandatory.push("email-user-targets mandatory windows-device-group");
    assert.deepStrictEqual(named(r.events), mandatory.sort());

    const previewFile = path.join(project.dir, "preview.json");
    fs.writeFileSync(previewFile, r.stdout);
    const review = await runCli(["review", previewFile, "--events", r.eventLog]);
    assert.strictEqual(review.code, 0, review.stderr);
    const section = review.stdout.split("### Policy")[1].split("\n### ")[0];
    assert.match(section, new RegExp(`\\*\\*${new Set(r.events.map((e) => JSON.stringify(e))).size} mandatory violations\\*\\* \\(the preview fails on these\\), 0 advisory violations`));
    for (const [rule, b] of [...Object.entries(BREAKS), ["email-user-targets", { resource: "windows-device-group" }] as const])
      assert.match(section, new RegExp(`\`${rule}\`: .* \\(on \`${b.resource}\`, create\\)`), `${rule} on ${b.resource}:\n${section}`);
    // Next to the change: in the resource's own section of the comment.
    assert.match(review.stdout.split("<code>ssl-off</code>")[1].split("</details>")[0], /\*\*Policy:\*\*\n\n- ⛔ \*\*mandatory\*\* `email-ssl-required`/);
  });

  it("passes when config disables every rule", async () => {
    const r = await preview(true, disabledConfig);
    assert.strictEqual(r.code, 0, r.output);
    assert.deepStrictEqual(named(r.events), []);
  });
});
