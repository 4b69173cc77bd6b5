// Certificate-based Exchange e-mail for three platforms. Every device that gets an e-mail profile must
// also get the identity certificate it authenticates with and the trusted root that certificate chains
// to (Microsoft: "deploy … to the same groups"). iOS/iPadOS and Samsung Knox use SecureEmail, which
// makes that true by construction; Android Enterprise builds the same thing from the three resources
// and three assignments by hand. Tenant-specific values come from stack config.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CertificateProfile, EmailProfile, ProfileAssignment, SecureEmail, TrustedRootCertificate, type ProfileAssignmentTarget } from "pulumi-intune";

const config = new pulumi.Config();
/** Who gets certificate-based mail; default: the emulator's seeded "Sales Users" group. */
const groupId = config.get("groupId") ?? "5f1c6a0e-2b7d-4c1e-9a3f-0d8e1b2c3a41";
/** An optional group left out of everything. */
const excludeGroupId = config.get("excludeGroupId");
/** The CA certificate (PEM or base64 DER) of the issuing CA's root: a file next to the program by default. */
const rootCertificate = config.get("rootCertificate") ?? fs.readFileSync(path.join(__dirname, config.get("rootCertificateFile") ?? "contoso-root.pem"), "utf8");
const ndesUrl = config.get("ndesUrl") ?? "https://ndes.contoso.com/certsrv/mscep/mscep.dll";
const subjectNameFormatString = config.get("subjectNameFormatString") ?? "CN={{UserPrincipalName}},E={{EmailAddress}}";
const hostName = config.get("hostName") ?? "outlook.office365.com";
/** Assign the hand-built work-profile root to another group than its e-mail profile: the preview warns. */
const workRootGroupId = config.get("workRootGroupId");

const targets: ProfileAssignmentTarget[] = [{ kind: "group", groupId }, ...(excludeGroupId ? [{ kind: "exclusionGroup" as const, groupId: excludeGroupId }] : [])];
const clientAuthentication = { name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" };
const scep = {
  subjectNameFormat: "custom" as const,
  subjectNameFormatString,
  keyUsage: ["digitalSignature" as const, "keyEncipherment" as const],
  keySize: "size2048" as const,
  scepServerUrls: [ndesUrl],
  certificateValidityPeriodScale: "years" as const,
  certificateValidityPeriodValue: 1,
  extendedKeyUsages: [clientAuthentication],
};

// iOS/iPadOS: one component, one set of targets for root, certificate and e-mail profile.
const ios = new SecureEmail("ios-secure-mail", {
  platform: "iosIpados",
  email: {
    displayName: "iOS: Exchange with certificate",
    settings: { hostName, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", requireSsl: true },
  },
  trustedRoot: { displayName: "iOS: Contoso root CA", certificate: rootCertificate, certFileName: "contoso-root.cer" },
  identityCertificate: { displayName: "iOS: mail identity (SCEP)", kind: "scep", settings: scep },
  targets,
});

// Samsung Knox (Android device administrator), the same way.
const knox = new SecureEmail("knox-secure-mail", {
  platform: "androidDeviceAdministrator",
  email: {
    displayName: "Knox: Exchange with certificate",
    settings: { hostName, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", requireSsl: true },
  },
  trustedRoot: { displayName: "Knox: Contoso root CA", certificate: rootCertificate },
  identityCertificate: { displayName: "Knox: mail identity (SCEP)", kind: "scep", settings: { ...scep, hashAlgorithm: ["sha2"] } },
  targets,
});

// Android Enterprise work profile (Gmail), built by hand: the links are code (`root.id`, `identity.id`),
// and the same `targets` go to all three assignments — exactly what SecureEmail does for you.
const root = new TrustedRootCertificate("work-root", { displayName: "Work profile: Contoso root CA", platform: "androidEnterpriseWorkProfile", certificate: rootCertificate });
const identity = new CertificateProfile("work-identity", {
  displayName: "Work profile: mail identity (SCEP)",
  platform: "androidEnterpriseWorkProfile",
  kind: "scep",
  trustedRootId: root.id,
  settings: { ...scep, hashAlgorithm: ["sha2"] },
});
// `crossPlatformCertificate: true` links the iOS certificate instead: refused at preview, naming both platforms.
const workMail = new EmailProfile("work-mail", {
  displayName: "Work profile: Gmail with certificate",
  platform: "androidEnterpriseWorkProfileGmail",
  identityCertificateId: config.getBoolean("crossPlatformCertificate") ? ios.identityCertificate.id : identity.id,
  settings: { hostName, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", authenticationMethod: "certificate", requireSsl: true },
});
for (const [name, profile] of [["work-root", root], ["work-identity", identity], ["work-mail", workMail]] as const) {
  const to = name === "work-root" && workRootGroupId ? [{ kind: "group" as const, groupId: workRootGroupId }] : targets;
  new ProfileAssignment(`${name}-assignment`, { profileId: profile.id, targets: to }, { dependsOn: [workMail] });
}

export const iosEmailProfileId = ios.emailProfile.id;
export const knoxEmailProfileId = knox.emailProfile.id;
export const rootThumbprint = root.thumbprint;
export const rootExpiresAt = root.expiresAt;
