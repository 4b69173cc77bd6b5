// A stack that meets the e-mail baseline (pack/, see docs/policy.md): an iOS profile with certificate
// authentication and S/MIME whose certificates and trusted root go to the same group, and a Windows 10
// profile. With `nonCompliant: true` it also declares one resource that breaks each rule, so
//   pulumi preview --policy-pack pack --policy-pack-config regulated-tenant.json
// shows what each rule says. Tenant-specific ids come from stack config:
//   pulumi config set --path groups.users <id>     (and groups.otherUsers, groups.devices)
//   pulumi config set --path certificates.iosIdentity <id>   (and iosSmime, iosRoot: profiles made in the portal)
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, type EmailProfileArgs, ProfileAssignment } from "pulumi-intune";

interface Config {
  /** Entra ID groups: two groups of users and one group of devices. */
  groups: { users: string; otherUsers: string; devices: string };
  /** Certificate profiles that exist in the tenant (created outside this stack). */
  certificates: { iosIdentity: string; iosSmime: string; iosRoot: string };
  /** Also declare one resource that breaks each rule of the baseline. */
  nonCompliant?: boolean;
}

const config = new pulumi.Config();
const groups = config.requireObject<Config["groups"]>("groups");
const certificates = config.requireObject<Config["certificates"]>("certificates");
const nonCompliant = config.getBoolean("nonCompliant") ?? false;

// iOS/iPadOS: SSL, certificate authentication, S/MIME, and the STIG's two Mail restrictions.
const iosSettings = {
  hostName: "outlook.office365.com",
  accountName: "Work mail",
  emailAddressSource: "userPrincipalName",
  usernameSource: "userPrincipalName",
  requireSsl: true,
  authenticationMethod: "certificate",
  blockMovingMessagesToOtherEmailAccounts: true,
  blockSendingEmailFromThirdPartyApps: true,
  requireSmime: true,
} as const;
const iosArgs = (displayName: string, settings: Partial<Record<keyof typeof iosSettings, unknown>> = {}): EmailProfileArgs => {
  const merged = { ...iosSettings, ...settings } as typeof iosSettings;
  return {
    displayName,
    platform: "iosIpados",
    settings: merged,
    identityCertificateId: merged.authenticationMethod === "certificate" ? certificates.iosIdentity : undefined,
    smimeSigningCertificateId: merged.requireSmime ? certificates.iosSmime : undefined,
  };
};

const iosMail = new EmailProfile("ios-mail", iosArgs("iOS: Exchange (baseline)"));
const windowsMail = new EmailProfile("windows-mail", {
  displayName: "Windows 10: Exchange (baseline)",
  platform: "windows10",
  settings: { hostName: "outlook.office365.com", accountName: "Work mail", emailAddressSource: "userPrincipalName", usernameSource: "userPrincipalName", requireSsl: true },
});

// The e-mail profiles, their certificates and the trusted root all go to the same group of users.
const users = [{ kind: "group" as const, groupId: groups.users }];
new ProfileAssignment("ios-mail-assignment", { profileId: iosMail.id, targets: users });
new ProfileAssignment("windows-mail-assignment", { profileId: windowsMail.id, targets: users });
new ProfileAssignment("ios-identity-certificate-assignment", { profileId: certificates.iosIdentity, targets: users });
new ProfileAssignment("ios-smime-certificate-assignment", { profileId: certificates.iosSmime, targets: users });
new ProfileAssignment("ios-trusted-root-assignment", { profileId: certificates.iosRoot, targets: users });

if (nonCompliant) {
  // One resource per rule, each breaking only that rule (the regulated-tenant config turns all of them on).
  new EmailProfile("ssl-off", iosArgs("iOS: no SSL", { requireSsl: false }));
  new EmailProfile("password-auth", iosArgs("iOS: password", { authenticationMethod: "usernameAndPassword" }));
  new EmailProfile("moves-messages", iosArgs("iOS: messages can be moved", { blockMovingMessagesToOtherEmailAccounts: false }));
  new EmailProfile("third-party-apps", iosArgs("iOS: other apps send mail", { blockSendingEmailFromThirdPartyApps: false }));
  new EmailProfile("no-smime", iosArgs("iOS: no S/MIME", { requireSmime: false }));
  new EmailProfile("other-host", iosArgs("iOS: another Exchange host", { hostName: "mail.example.net" }));
  new ProfileAssignment("windows-all-devices", { profileId: windowsMail.id, targets: [{ kind: "allDevices" }] });
  new ProfileAssignment("windows-device-group", { profileId: windowsMail.id, targets: [{ kind: "group", groupId: groups.devices }] });
  new ProfileAssignment("windows-excludes-users", { profileId: windowsMail.id, targets: [{ kind: "exclusionGroup", groupId: groups.users }] });
  // The certificates and their root are not assigned to these users.
  new ProfileAssignment("ios-mail-other-users", { profileId: iosMail.id, targets: [{ kind: "group", groupId: groups.otherUsers }] });
}
