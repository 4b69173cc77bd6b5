// SecureEmail's children under Pulumi's mocks: the platforms they get, the links as code, one set of
// targets for every profile, and registration order root → certificate → e-mail → assignments.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CertificateProfile, EmailProfile, SecureEmail, TrustedRootCertificate } from "../../../sdk";
import { testCertificatePem } from "../../support/testCertificates";

interface Registered { type: string; name: string; inputs: Record<string, any> }
const registered: Registered[] = [];
const settle = () => new Promise((r) => setTimeout(r, 1500));
const typeName = (t: string) => t.split(":").pop();

const targets = [{ kind: "group" as const, groupId: "g-sales" }, { kind: "exclusionGroup" as const, groupId: "g-contractors" }];
const scep = {
  kind: "scep" as const,
  settings: {
    subjectNameFormat: "custom" as const, subjectNameFormatString: "CN={{UserPrincipalName}}", keyUsage: ["digitalSignature" as const], keySize: "size2048" as const,
    scepServerUrls: ["https://ndes.contoso.com/certsrv/mscep/mscep.dll"], certificateValidityPeriodScale: "years" as const, certificateValidityPeriodValue: 1,
  },
};

describe("unit: SecureEmail component", () => {
  before(() =>
    pulumi.runtime.setMocks({
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    }),
  );
  beforeEach(() => registered.splice(0));

  it("Android Enterprise: root, SCEP and e-mail profile of the matching platforms, linked by id, all assigned to the same targets, in order", async () => {
    new SecureEmail("gmail", {
      platform: "androidEnterpriseWorkProfileGmail",
      email: { displayName: "Work mail", settings: { hostName: "outlook.office365.com", emailAddressSource: "userPrincipalName", usernameSource: "userPrincipalName", requireSsl: true } },
      trustedRoot: { certificate: testCertificatePem() },
      identityCertificate: scep,
      targets,
    });
    await settle();
    const by = (name: string) => registered.find((r) => r.name === name) ?? assert.fail(`${name} not registered: ${registered.map((r) => r.name)}`);
    assert.strictEqual(by("gmail-root").inputs.platform, "androidEnterpriseWorkProfile");
    assert.strictEqual(by("gmail-root").inputs.displayName, "Work mail (trusted root)");
    assert.strictEqual(by("gmail-identity").inputs.platform, "androidEnterpriseWorkProfile");
    assert.strictEqual(by("gmail-identity").inputs.trustedRootId, "gmail-root-id");
    assert.deepStrictEqual(by("gmail-identity").inputs.__linkedPlatforms, { trustedRootId: "androidEnterpriseWorkProfile" });
    assert.strictEqual(by("gmail-email").inputs.identityCertificateId, "gmail-identity-id");
    assert.strictEqual(by("gmail-email").inputs.settings.authenticationMethod, "certificate");
    const assignments = registered.filter((r) => typeName(r.type) === "ProfileAssignment");
    assert.deepStrictEqual(assignments.map((a) => a.inputs.profileId).sort(), ["gmail-email-id", "gmail-identity-id", "gmail-root-id"]);
    for (const a of assignments) assert.deepStrictEqual(a.inputs.targets, targets);
    const order = registered.filter((r) => r.type !== "pulumi-intune:index:SecureEmail").map((r) => r.name);
    const at = (n: string) => order.indexOf(n);
    assert.ok(at("gmail-root") < at("gmail-identity") && at("gmail-identity") < at("gmail-email"), order.join(" "));
    for (const a of assignments) assert.ok(at(a.name) > at("gmail-email"), order.join(" "));
  });

  it("iOS with S/MIME gets signing and encryption profiles; Android Enterprise refuses S/MIME naming the platform", async () => {
    const email = { displayName: "iOS mail", settings: { hostName: "outlook.office365.com", accountName: "Work", emailAddressSource: "primarySmtpAddress" as const, usernameSource: "userPrincipalName" as const } };
    const ios = new SecureEmail("ios", { platform: "iosIpados", email, trustedRoot: { certificate: testCertificatePem() }, identityCertificate: scep, smime: { signing: scep, encryption: scep }, targets });
    await settle();
    assert.ok(ios.smimeSigningCertificate && ios.smimeEncryptionCertificate);
    const mail = registered.find((r) => r.name === "ios-email")!;
    assert.strictEqual(mail.inputs.smimeSigningCertificateId, "ios-smime-signing-id");
    assert.strictEqual(registered.filter((r) => typeName(r.type) === "ProfileAssignment").length, 5);
    assert.throws(
      () => new SecureEmail("aw", { platform: "androidEnterpriseWorkProfileNineWork", email: email as never, trustedRoot: { certificate: "x" }, identityCertificate: scep, smime: { signing: scep }, targets }),
      /`smime.signing` is not supported on platform "androidEnterpriseWorkProfileNineWork"/,
    );
  });

  it("an e-mail profile linked to a certificate of another platform carries that platform for the preview check", async () => {
    const root = new TrustedRootCertificate("r", { displayName: "R", platform: "androidEnterpriseWorkProfile", certificate: testCertificatePem() });
    const cert = new CertificateProfile("c", { displayName: "C", platform: "androidEnterpriseWorkProfile", kind: "scep", trustedRootId: root.id, settings: scep.settings });
    new EmailProfile("m", { displayName: "M", platform: "iosIpados", identityCertificateId: cert.id, settings: { hostName: "outlook.office365.com", accountName: "W", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", authenticationMethod: "certificate" } });
    await settle();
    assert.deepStrictEqual(registered.find((r) => r.name === "m")!.inputs.__linkedPlatforms, { identityCertificateId: "androidEnterpriseWorkProfile" });
  });
});
