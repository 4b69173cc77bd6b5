import { strict as assert } from "assert";
import { createHash } from "crypto";
import { offlineRun } from "../../support/offlineGraph";
import {
  checkCertificateProfileInputs,
  checkTrustedRootInputs,
  emailCertificateLinkFailures,
  inspectRootCertificate,
  LINKED_PLATFORM_KEY,
  subjectFormatFailures,
} from "../../../provider/certificates";
import { UNKNOWN } from "../../../provider/validation";
import { base64DerOf, daysFromNow, scepSettings, testCertificatePem } from "../../support/testCertificates";

const rootPem = testCertificatePem({ commonName: "Contoso Root CA" });

describe("trusted root certificate (X.509 at preview)", () => {
  it("reads PEM and base64 DER alike: subject, SHA-1 thumbprint as Intune shows it, expiry", () => {
    const fromPem = inspectRootCertificate(rootPem);
    const fromDer = inspectRootCertificate(base64DerOf(rootPem));
    assert.deepEqual(fromPem.failures, []);
    assert.deepEqual(fromDer.facts, fromPem.facts);
    const der = Buffer.from(base64DerOf(rootPem), "base64");
    assert.equal(fromPem.facts!.thumbprint, createHash("sha1").update(der).digest("hex").toUpperCase());
    assert.match(fromPem.facts!.subject, /CN=Contoso Root CA/);
    assert.equal(fromPem.facts!.base64Der, der.toString("base64"));
    assert.ok(fromPem.facts!.daysUntilExpiry > 3000);
  });

  it("refuses a leaf certificate (CA:FALSE) and one without basicConstraints, naming which", () => {
    const leaf = inspectRootCertificate(testCertificatePem({ commonName: "mail.contoso.com", ca: false }));
    assert.equal(leaf.failures.length, 1);
    assert.match(leaf.failures[0].reason, /`certificate` must be a CA certificate \(basicConstraints CA:TRUE\), got "CN=mail\.contoso\.com.*say CA:FALSE/);
    const bare = inspectRootCertificate(testCertificatePem({ ca: "missing" }));
    assert.match(bare.failures[0].reason, /basicConstraints are missing/);
  });

  it("refuses an expired certificate and one not yet valid, with the date", () => {
    const expired = inspectRootCertificate(testCertificatePem({ notBefore: daysFromNow(-400), notAfter: daysFromNow(-2) }));
    assert.match(expired.failures[0].reason, /`certificate` must not be expired, got "CN=Contoso Test Root CA.*" that expired on \d{4}-/);
    const future = inspectRootCertificate(testCertificatePem({ notBefore: daysFromNow(5), notAfter: daysFromNow(500) }));
    assert.match(future.failures[0].reason, /must already be valid/);
  });

  it("refuses text that is no certificate, several certificates, and private keys", () => {
    assert.match(inspectRootCertificate("hello world").failures[0].reason, /must be an X\.509 certificate as PEM or base64 DER, got "hello world"/);
    assert.match(inspectRootCertificate("AAAA").failures[0].reason, /must be a parsable X\.509 certificate, got 3 bytes/);
    assert.match(inspectRootCertificate(rootPem + rootPem).failures[0].reason, /exactly one PEM CERTIFICATE block.*got 2/);
    const key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert.match(inspectRootCertificate(rootPem + key).failures[0].reason, /never give a private key/);
  });

  it("warns within 90 days of expiry, or within the configured number of days", () => {
    const soon = testCertificatePem({ notAfter: daysFromNow(30) });
    assert.equal(inspectRootCertificate(soon).warnings.length, 1);
    assert.match(inspectRootCertificate(soon).warnings[0], /expires on .* in 29 days/);
    assert.deepEqual(inspectRootCertificate(soon, { expiryWarningInDays: 10 }).warnings, []);
    assert.equal(inspectRootCertificate(rootPem, { expiryWarningInDays: 4000 }).warnings.length, 1);
    assert.deepEqual(inspectRootCertificate(rootPem).warnings, []);
  });

  it("check: inputs carry the certificate as Graph's base64 DER in settings; a bad one fails naming `certificate`", () => {
    const ok = checkTrustedRootInputs({ displayName: "Root", platform: "iosIpados", certificate: rootPem, certFileName: "root.cer" });
    assert.deepEqual(ok.failures, []);
    assert.deepEqual(ok.inputs.settings, { certFileName: "root.cer", trustedRootCertificate: base64DerOf(rootPem) });
    const bad = checkTrustedRootInputs({ displayName: "Root", platform: "iosIpados", certificate: testCertificatePem({ ca: false }) });
    assert.equal(bad.failures[0].property, "certificate");
    const platform = checkTrustedRootInputs({ displayName: "Root", platform: "windows10", certificate: rootPem });
    assert.match(platform.failures[0].reason, /`platform` must be one of "iosIpados", "androidDeviceAdministrator", "androidEnterpriseWorkProfile", got "windows10"/);
    const pending = checkTrustedRootInputs({ displayName: "Root", platform: "iosIpados", certificate: UNKNOWN });
    assert.deepEqual(pending.failures, []);
  });
});

describe("subject name formats", () => {
  it("accepts Intune's documented variables in any case, with static text", () => {
    assert.deepEqual(subjectFormatFailures("s", "CN={{UserPrincipalName}},E={{EmailAddress}},OU=Mobile,O=Contoso", "user"), []);
    assert.deepEqual(subjectFormatFailures("s", "CN={{SERIALNUMBER}}", "device"), []);
    assert.deepEqual(subjectFormatFailures("s", "{{AzureADDeviceId}}.contoso.com", "device"), []);
  });

  it("an unknown variable is an error naming it", () => {
    const f = subjectFormatFailures("settings.subjectNameFormatString", "CN={{UserPrincipleName}}", "user");
    assert.equal(f.length, 1);
    assert.match(f[0].reason, /^`settings\.subjectNameFormatString` uses the unknown variable \{\{UserPrincipleName\}\}; Intune's variables are .*\{\{UserPrincipalName\}\}.*got "CN=\{\{UserPrincipleName\}\}"$/);
  });

  it("malformed brackets and user variables in a device certificate fail", () => {
    assert.match(subjectFormatFailures("s", "CN={{UserName}", "user")[0].reason, /opens "\{\{" without closing/);
    assert.match(subjectFormatFailures("s", "CN={UserName}", "user")[0].reason, /curly bracket outside/);
    assert.match(subjectFormatFailures("s", "CN={{EmailAddress}}", "device")[0].reason, /user variable \{\{EmailAddress\}\} in a device certificate/);
  });
});

const scep = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  displayName: "iOS SCEP",
  platform: "iosIpados",
  kind: "scep",
  trustedRootId: "root-1",
  settings: { ...scepSettings, ...settings },
  ...extra,
});

describe("certificate profile check", () => {
  it("accepts a complete SCEP profile and normalises flags to bit-value order", () => {
    const r = checkCertificateProfileInputs(scep({ extendedKeyUsages: [{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }] }));
    assert.deepEqual(r.failures, []);
    assert.deepEqual((r.inputs.settings as Record<string, unknown>).keyUsage, ["keyEncipherment", "digitalSignature"]);
    assert.equal(r.inputs.trustedRootId, "root-1");
  });

  it("SCEP server URLs must be https", () => {
    const r = checkCertificateProfileInputs(scep({ scepServerUrls: ["https://ok.contoso.com/x", "http://ndes.contoso.com/certsrv/mscep/mscep.dll"] }));
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0].property, "settings.scepServerUrls[1]");
    assert.match(r.failures[0].reason, /must be an https URL .* got "http:\/\/ndes/);
  });

  it("key size, key usage and validity stay within the schema's values and Intune's limits", () => {
    const r = checkCertificateProfileInputs(scep({ keySize: "size3072", keyUsage: ["nonRepudiation"], certificateValidityPeriodValue: 3 }));
    const reasons = r.failures.map((f) => f.reason).join("\n");
    assert.match(reasons, /`settings\.keySize` must be one of "size1024", "size2048", "size4096", got "size3072"/);
    assert.match(reasons, /`settings\.keyUsage\[0\]` must be one of "keyEncipherment", "digitalSignature", got "nonRepudiation"/);
    assert.match(reasons, /must be at most 24 months .* got 3 years/);
    assert.match(checkCertificateProfileInputs(scep({ renewalThresholdPercentage: 100 })).failures[0].reason, /renewalThresholdPercentage` must be at most 99/);
  });

  it("a bad subject variable fails naming property and variable; a device certificate takes no user variables", () => {
    const r = checkCertificateProfileInputs(scep({ subjectNameFormatString: "CN={{Upn}}" }));
    assert.equal(r.failures[0].property, "settings.subjectNameFormatString");
    assert.match(r.failures[0].reason, /unknown variable \{\{Upn\}\}/);
    const device = checkCertificateProfileInputs(scep({ certificateStore: "machine", subjectNameFormatString: "CN={{UserName}}" }));
    assert.match(device.failures[0].reason, /user variable \{\{UserName\}\} in a device certificate/);
    const san = checkCertificateProfileInputs(scep({ customSubjectAlternativeNames: [{ sanType: "userPrincipalName", name: "{{Nope}}" }] }));
    assert.equal(san.failures[0].property, "settings.customSubjectAlternativeNames[0].name");
  });

  it("settings of another type are named with the type; SCEP needs its root; iOS PKCS has no root link", () => {
    const pkcsKey = checkCertificateProfileInputs(scep({ certificationAuthority: "ca.contoso.com" }));
    assert.match(pkcsKey.failures[0].reason, /`settings\.certificationAuthority` is not a setting of a SCEP profile of platform "iosIpados" \(iosScepCertificateProfile\)/);
    const noRoot = { ...scep({}) } as Record<string, unknown>;
    delete noRoot.trustedRootId;
    assert.match(checkCertificateProfileInputs(noRoot).failures[0].reason, /a SCEP profile needs `trustedRootId`/);
    const iosPkcs = checkCertificateProfileInputs({
      displayName: "iOS PKCS", platform: "iosIpados", kind: "pkcs", trustedRootId: "root-1",
      settings: { subjectNameFormat: "commonName", certificationAuthority: "ca.contoso.com", certificationAuthorityName: "Contoso CA", certificateTemplateName: "User", certificateValidityPeriodScale: "months", certificateValidityPeriodValue: 12 },
    });
    assert.match(iosPkcs.failures[0].reason, /`trustedRootId` is not supported on a PKCS profile of platform "iosIpados"/);
  });

  it("a root of another platform fails naming both platforms", () => {
    const r = checkCertificateProfileInputs({ ...scep({}), [LINKED_PLATFORM_KEY]: { trustedRootId: "androidEnterpriseWorkProfile" } });
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0].reason, /`trustedRootId` must be a trusted root of the profile's platform "iosIpados", got a trusted root of platform "androidEnterpriseWorkProfile"/);
    assert.deepEqual(checkCertificateProfileInputs({ ...scep({}), [LINKED_PLATFORM_KEY]: { trustedRootId: "iosIpados" } }).failures, []);
  });

  it("an e-mail profile's certificate of another platform fails naming both", () => {
    const f = emailCertificateLinkFailures("iosIpados", "iosIpados", { identityCertificateId: "androidEnterpriseWorkProfile" });
    assert.match(f[0].reason, /`identityCertificateId` of a "iosIpados" e-mail profile must be a certificate profile of platform "iosIpados", got a certificate profile of platform "androidEnterpriseWorkProfile"/);
    assert.deepEqual(emailCertificateLinkFailures("androidEnterpriseWorkProfileGmail", "androidEnterpriseWorkProfile", { identityCertificateId: "androidEnterpriseWorkProfile" }), []);
  });
});

describe("EmailProfile check: its certificate's platform", () => {
  it("an iOS e-mail profile pointing at an Android Enterprise certificate fails naming both; the same platform passes", async () => {
    const { emailProfileHandler } = await import("../../../provider/resources/emailProfile");
    const news = {
      displayName: "iOS mail", platform: "iosIpados", identityCertificateId: "cert-1",
      settings: { hostName: "outlook.office365.com", accountName: "Work", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", authenticationMethod: "certificate" },
    };
    const bad = await emailProfileHandler.check(offlineRun(), {},  { ...news, [LINKED_PLATFORM_KEY]: { identityCertificateId: "androidEnterpriseWorkProfile" } });
    assert.equal(bad.failures?.length, 1);
    assert.equal(bad.failures![0].property, "identityCertificateId");
    assert.match(bad.failures![0].reason, /"iosIpados" e-mail profile must be a certificate profile of platform "iosIpados", got a certificate profile of platform "androidEnterpriseWorkProfile"/);
    const knox = await emailProfileHandler.check(offlineRun(), {},  { ...news, platform: "androidDeviceAdministrator", settings: { ...news.settings, usernameSource: "userPrincipalName" }, [LINKED_PLATFORM_KEY]: { identityCertificateId: "iosIpados" } });
    assert.match(knox.failures!.map((f) => f.reason).join("\n"), /"androidDeviceAdministrator" e-mail profile must be a certificate profile of platform "androidDeviceAdministrator", got .* "iosIpados"/);
  });
});
