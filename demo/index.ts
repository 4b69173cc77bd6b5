// The demo stack: what a platform team declares for Intune e-mail, after Microsoft's "Add e-mail
// settings to devices using Intune": a scope tag, an Exchange profile for iOS/iPadOS, Windows 10 and
// Samsung Knox, and their assignments; with `secureEmail` set, certificate-based e-mail for the field
// engineers' iPhones too. `npm run demo` runs it against the local emulator; point the intune:* config
// at a real tenant (and the group ids below at real groups) to run it for real.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, ProfileAssignment, ScopeTag, SecureEmail } from "../index";

const config = new pulumi.Config();
/** Entra ID groups that receive the profiles (demo.sh sets the emulator's seeded groups). */
const salesGroupId = config.require("salesGroupId");
const fieldGroupId = config.require("fieldGroupId");
/** Change it (`pulumi config set exchangeHost …`) to see the reconfiguration warning at preview. */
const exchangeHost = config.get("exchangeHost") ?? "outlook.office365.com";

const mailAdmins = new ScopeTag("mail-admins", {
  displayName: "EMEA mail admins",
  description: "Admins who manage e-mail profiles in EMEA",
});

const common = {
  hostName: exchangeHost,
  accountName: "Contoso mail",
  emailAddressSource: "primarySmtpAddress",
  usernameSource: "userPrincipalName",
  durationOfEmailToSync: "oneMonth",
} as const;

const ios = new EmailProfile("ios-mail", {
  displayName: "iOS/iPadOS: Exchange Online",
  description: "Built-in Mail app on iOS 11+ and iPadOS 13+",
  platform: "iosIpados",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, requireSsl: true, easServices: ["email", "calendars", "contacts"] },
});

const windows = new EmailProfile("windows-mail", {
  displayName: "Windows 10: Exchange Online",
  platform: "windows10",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, syncCalendar: true, syncContacts: true, syncTasks: true },
});

const knox = new EmailProfile("knox-mail", {
  displayName: "Samsung Knox: Exchange Online",
  platform: "androidDeviceAdministrator",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, usernameSource: "userPrincipalName", requireSsl: true, syncCalendar: true, syncContacts: true },
});

new ProfileAssignment("ios-mail-assignment", { profileId: ios.id, targets: [{ kind: "group", groupId: salesGroupId }] });
new ProfileAssignment("windows-mail-assignment", { profileId: windows.id, targets: [{ kind: "group", groupId: salesGroupId }] });
new ProfileAssignment("knox-mail-assignment", {
  profileId: knox.id,
  targets: [
    { kind: "group", groupId: fieldGroupId },
    { kind: "exclusionGroup", groupId: salesGroupId },
  ],
});

// `pulumi config set secureEmail true`: the trusted root of Contoso's CA, a SCEP identity certificate
// chained to it and an iOS/iPadOS e-mail profile that authenticates with it, all to the same group.
const secureMail = config.getBoolean("secureEmail")
  ? new SecureEmail("ios-secure-mail", {
      platform: "iosIpados",
      // On-premises Exchange: another host than ios-mail, so no device has two accounts for one host.
      email: { displayName: "iOS/iPadOS: Exchange with certificate", settings: { ...common, hostName: "exchange.contoso.com", requireSsl: true } },
      trustedRoot: {
        displayName: "iOS/iPadOS: Contoso root CA",
        certificate: fs.readFileSync(path.join(__dirname, "..", "examples", "secure-email", "contoso-root.pem"), "utf8"),
      },
      identityCertificate: {
        kind: "scep",
        settings: {
          subjectNameFormat: "custom",
          subjectNameFormatString: "CN={{UserPrincipalName}},E={{EmailAddress}}",
          keyUsage: ["digitalSignature", "keyEncipherment"],
          keySize: "size2048",
          scepServerUrls: ["https://ndes.contoso.com/certsrv/mscep/mscep.dll"],
          certificateValidityPeriodScale: "years",
          certificateValidityPeriodValue: 1,
        },
      },
      targets: [{ kind: "group", groupId: fieldGroupId }],
    })
  : undefined;

export const mailAdminsScopeTagId = mailAdmins.id;
// null, not undefined, before the secure e-mail step: Pulumi warns on every run about an undefined output.
export const secureMailRoot = secureMail ? { subject: secureMail.trustedRoot.subject, thumbprint: secureMail.trustedRoot.thumbprint, expiresAt: secureMail.trustedRoot.expiresAt } : null;
export const profileIds = { ios: ios.id, windows: windows.id, knox: knox.id };
