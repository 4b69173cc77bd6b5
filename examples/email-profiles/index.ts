// One minimal and one maximal e-mail profile per platform. Stack config (all optional, objects as JSON
// or with `pulumi config set --path`) changes a profile's settings or platform, names the certificate
// profiles for certificate authentication, and assigns profiles to groups, e.g.
//   pulumi config set --path 'overrides["ios-min"].settings.durationOfEmailToSync' oneWeek
//   pulumi config set --path 'assignments["ios-min"][0]' <group id>
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, type EmailProfileArgs, ProfileAssignment, ScopeTag } from "pulumi-intune";

interface Config {
  /** Per profile name: settings merged over the declared ones, and/or another platform. */
  overrides?: Record<string, { settings?: Record<string, unknown>; platform?: string; displayName?: string }>;
  /** Certificate profile ids that exist in the tenant (created outside this stack). */
  certificates?: { iosIdentity?: string; androidIdentity?: string };
  /** Profiles to leave out (e.g. to test deletes). */
  omit?: string[];
  /** Per profile name: scope tags by role ("mailAdmins", "helpdesk", or "default" for the built-in tag "0"). */
  scopeTags?: Record<string, string[]>;
  /** Per profile name: Entra ID group ids the profile is assigned to (one ProfileAssignment each). */
  assignments?: Record<string, string[]>;
}

const config = new pulumi.Config();
const values: Config = {
  overrides: config.getObject<Config["overrides"]>("overrides"),
  certificates: config.getObject<Config["certificates"]>("certificates"),
  omit: config.getObject<string[]>("omit"),
  scopeTags: config.getObject<Config["scopeTags"]>("scopeTags"),
  assignments: config.getObject<Config["assignments"]>("assignments"),
};

const mailAdmins = new ScopeTag("mail-admins", { displayName: "Mail admins (e-mail profiles example)" });
const helpdesk = new ScopeTag("helpdesk", { displayName: "Helpdesk (e-mail profiles example)", description: "First-line support" });
const tagIds: Record<string, pulumi.Input<string>> = { mailAdmins: mailAdmins.id, helpdesk: helpdesk.id, default: "0" };

const host = "outlook.office365.com";
const profiles: Record<string, EmailProfileArgs> = {
  "ios-min": {
    displayName: "iOS: Exchange (minimal)",
    platform: "iosIpados",
    settings: { hostName: host, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  "ios-max": {
    displayName: "iOS: Exchange for all iPhones",
    description: "Corporate mailbox with every setting spelled out",
    platform: "iosIpados",
    scopeTagIds: [mailAdmins.id],
    settings: {
      hostName: host,
      accountName: "Contoso mail",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "userPrincipalName",
      usernameAADSource: "samAccountName",
      userDomainNameSource: "netBiosDomainName",
      customDomainName: "contoso.com",
      authenticationMethod: "usernameAndPassword",
      useOAuth: true,
      requireSsl: true,
      durationOfEmailToSync: "oneMonth",
      easServices: ["email", "calendars", "contacts", "notes", "reminders"],
      easServicesUserOverrideEnabled: true,
      blockMovingMessagesToOtherEmailAccounts: true,
      blockSendingEmailFromThirdPartyApps: true,
      blockSyncingRecentlyUsedEmailAddresses: true,
      requireSmime: false,
      smimeSigningEnabled: false,
      smimeSigningUserOverrideEnabled: true,
      smimeEnablePerMessageSwitch: true,
      smimeEncryptByDefaultEnabled: false,
      smimeEncryptByDefaultUserOverrideEnabled: true,
      smimeEncryptionCertificateUserOverrideEnabled: true,
      smimeSigningCertificateUserOverrideEnabled: true,
      signingCertificateType: "none",
      encryptionCertificateType: "none",
      perAppVPNProfileId: "vpn-profile-1",
    },
  },
  "knox-min": {
    displayName: "Samsung Knox: Exchange (minimal)",
    platform: "androidDeviceAdministrator",
    settings: { hostName: host, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  "knox-max": {
    displayName: "Samsung Knox: Exchange",
    description: "Device administrator, Knox Standard 5.0+",
    platform: "androidDeviceAdministrator",
    settings: {
      hostName: host,
      accountName: "Contoso mail",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "samAccountName",
      userDomainNameSource: "fullDomainName",
      customDomainName: "contoso.com",
      authenticationMethod: "usernameAndPassword",
      requireSsl: true,
      requireSmime: false,
      durationOfEmailToSync: "twoWeeks",
      emailSyncSchedule: "asMessagesArrive",
      syncCalendar: true,
      syncContacts: true,
      syncNotes: true,
      syncTasks: true,
    },
  },
  "gmail-min": {
    displayName: "Android Enterprise Gmail (minimal)",
    platform: "androidEnterpriseWorkProfileGmail",
    settings: { hostName: host, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  "gmail-max": {
    displayName: "Android Enterprise: Gmail",
    platform: "androidEnterpriseWorkProfileGmail",
    settings: {
      hostName: host,
      emailAddressSource: "userPrincipalName",
      usernameSource: "primarySmtpAddress",
      authenticationMethod: "usernameAndPassword",
      durationOfEmailToSync: "oneWeek",
      requireSsl: true,
    },
  },
  "nine-min": {
    displayName: "Android Enterprise Nine Work (minimal)",
    platform: "androidEnterpriseWorkProfileNineWork",
    settings: { hostName: host, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  "nine-max": {
    displayName: "Android Enterprise: Nine Work",
    platform: "androidEnterpriseWorkProfileNineWork",
    settings: {
      hostName: host,
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "username",
      authenticationMethod: "usernameAndPassword",
      durationOfEmailToSync: "threeDays",
      requireSsl: true,
      syncCalendar: true,
      syncContacts: true,
      syncTasks: true,
    },
  },
  "win10-min": {
    displayName: "Windows 10: Exchange (minimal)",
    platform: "windows10",
    settings: { hostName: host, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  "win10-max": {
    displayName: "Windows 10: E-mail settings for all Windows 10 devices",
    platform: "windows10",
    settings: {
      hostName: host,
      accountName: "Contoso mail",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "primarySmtpAddress",
      usernameAADSource: "userPrincipalName",
      userDomainNameSource: "fullDomainName",
      customDomainName: "contoso.com",
      requireSsl: true,
      durationOfEmailToSync: "unlimited",
      emailSyncSchedule: "fifteenMinutes",
      syncCalendar: true,
      syncContacts: true,
      syncTasks: true,
    },
  },
  "wp81-min": {
    displayName: "Windows Phone 8.1: Exchange (minimal)",
    platform: "windowsPhone81",
    settings: { hostName: host, accountName: "Work mail", usernameSource: "userPrincipalName" },
  },
  "wp81-max": {
    displayName: "Windows Phone 8.1: Exchange",
    platform: "windowsPhone81",
    settings: {
      hostName: host,
      accountName: "Contoso mail",
      emailAddressSource: "userPrincipalName",
      usernameSource: "userPrincipalName",
      usernameAADSource: "samAccountName",
      userDomainNameSource: "netBiosDomainName",
      customDomainName: "contoso.com",
      requireSsl: true,
      durationOfEmailToSync: "oneDay",
      emailSyncSchedule: "thirtyMinutes",
      syncCalendar: true,
      syncContacts: false,
      syncTasks: true,
    },
  },
};

if (values.certificates?.iosIdentity) {
  profiles["ios-cert"] = {
    displayName: "iOS: Exchange with certificate authentication",
    platform: "iosIpados",
    settings: {
      hostName: host,
      accountName: "Work mail (certificate)",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "userPrincipalName",
      authenticationMethod: "certificate",
    },
    identityCertificateId: values.certificates.iosIdentity,
  };
}
if (values.certificates?.androidIdentity) {
  profiles["knox-cert"] = {
    displayName: "Samsung Knox: Exchange with certificate authentication",
    platform: "androidDeviceAdministrator",
    settings: {
      hostName: host,
      accountName: "Work mail (certificate)",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "userPrincipalName",
      authenticationMethod: "certificate",
    },
    identityCertificateId: values.certificates.androidIdentity,
  };
}

export const profileIds: Record<string, unknown> = {};
for (const [name, declared] of Object.entries(profiles)) {
  if (values.omit?.includes(name)) continue;
  const o = values.overrides?.[name] ?? {};
  const args = {
    ...declared,
    ...(o.displayName ? { displayName: o.displayName } : {}),
    ...(o.platform ? { platform: o.platform } : {}),
    ...(values.scopeTags?.[name] ? { scopeTagIds: values.scopeTags[name].map((role) => tagIds[role]) } : {}),
    // Overrides come from stack config, so the merged object is checked by the provider at preview, not by tsc.
    settings: { ...(declared.settings as unknown as Record<string, unknown>), ...(o.settings ?? {}) },
  } as unknown as EmailProfileArgs;
  const profile = new EmailProfile(name, args);
  profileIds[name] = profile.id;
  const groups = values.assignments?.[name];
  if (groups?.length) new ProfileAssignment(`${name}-assignment`, { profileId: profile.id, targets: groups.map((groupId) => ({ kind: "group" as const, groupId })) });
}
export const scopeTagId = mailAdmins.id;
export const helpdeskTagId = helpdesk.id;
