// A corpus of bad EmailProfile inputs across all platforms (unit: messages; integration: no request).
type Props = Record<string, any>;
export const platforms = ["androidDeviceAdministrator", "androidEnterpriseWorkProfileGmail", "androidEnterpriseWorkProfileNineWork", "iosIpados", "windows10", "windowsPhone81"] as const;
export type Platform = (typeof platforms)[number];

const exchange = { hostName: "outlook.office365.com", usernameSource: "userPrincipalName" };
export const minimal: Record<Platform, Props> = {
  androidDeviceAdministrator: { ...exchange, accountName: "Work", emailAddressSource: "primarySmtpAddress" },
  androidEnterpriseWorkProfileGmail: { ...exchange, emailAddressSource: "primarySmtpAddress" },
  androidEnterpriseWorkProfileNineWork: { ...exchange, emailAddressSource: "primarySmtpAddress" },
  iosIpados: { ...exchange, accountName: "Work", emailAddressSource: "primarySmtpAddress" },
  windows10: { ...exchange, accountName: "Work", emailAddressSource: "primarySmtpAddress" },
  windowsPhone81: { ...exchange, accountName: "Work" },
};

/**
 * Inputs of a profile: the platform's minimal settings, with `settings` merged and `unset` removed; a
 * `settings` that is not a plain object replaces the settings as it is.
 */
export function inputs(platform: string, change: Props = {}): Props {
  const { settings, unset, ...top } = change;
  if ("settings" in change && (settings === null || typeof settings !== "object" || Array.isArray(settings))) return { displayName: "Profile", platform, settings, ...top };
  const s: Props = { ...(minimal[platform as Platform] ?? minimal.iosIpados), ...(settings ?? {}) };
  for (const k of unset ?? []) delete s[k];
  return { displayName: "Profile", platform, settings: s, ...top };
}

export type Row = [label: string, platform: string, change: Props, property: string, reason: RegExp];
export const badInputs: Row[] = [];

// Mistakes anyone can make on any platform.
for (const p of platforms) {
  badInputs.push(
    [`${p}: host name with a scheme`, p, { settings: { hostName: "https://outlook.office365.com" } }, "settings.hostName", /must be a DNS host name .*got "https:\/\/outlook\.office365\.com"/],
    [`${p}: host name with a space`, p, { settings: { hostName: "mail contoso.com" } }, "settings.hostName", /must be a DNS host name .*got "mail contoso\.com"/],
    [`${p}: no host name`, p, { unset: ["hostName"] }, "settings.hostName", /is required, got nothing/],
    [`${p}: sync duration not in the enum`, p, { settings: { durationOfEmailToSync: "forever" } }, "settings.durationOfEmailToSync", /must be one of "userDefined", .*"unlimited", got "forever"/],
    [`${p}: sync duration as a number`, p, { settings: { durationOfEmailToSync: 30 } }, "settings.durationOfEmailToSync", /must be one of "userDefined", .*got 30/],
    [`${p}: a setting of the wrong platform`, p, { settings: { blockMovingMessagesToOtherEmailAccounts: true } }, "settings.blockMovingMessagesToOtherEmailAccounts", /is not a setting of platform "\w+"/],
    [`${p}: username source not in the enum`, p, { settings: { usernameSource: "mail" } }, "settings.usernameSource", /must be one of .*"userPrincipalName".*got "mail"/],
  );
}
badInputs[badInputs.findIndex((r) => r[0] === "iosIpados: a setting of the wrong platform")] = ["iosIpados: a setting of the wrong platform", "iosIpados", { settings: { syncCalendar: true } }, "settings.syncCalendar", /is not a setting of platform "iosIpados" \(it exists on androidDeviceAdministrator/];

badInputs.push(
  // top level
  ["unknown platform", "macOS", {}, "platform", /`platform` must be one of "androidDeviceAdministrator", .*got "macOS"/],
  ["platform as a number", 7 as any, {}, "platform", /`platform` must be one of .*got 7/],
  ["empty display name", "iosIpados", { displayName: "" }, "displayName", /`displayName` must not be empty, got ""/],
  ["display name not a string", "iosIpados", { displayName: 42 }, "displayName", /`displayName` must be a string, got 42/],
  ["display name too long", "iosIpados", { displayName: "x".repeat(1001) }, "displayName", /`displayName` must have at most 1000 characters, got 1001/],
  ["description too long", "windows10", { description: "d".repeat(10001) }, "description", /`description` must have at most 10000 characters, got 10001/],
  ["unknown top-level input", "iosIpados", { colour: "red" }, "colour", /`colour` is not a known property here, got "red"/],
  ["settings not an object", "iosIpados", { settings: "outlook.office365.com" }, "settings", /^`settings` must be an object, got "outlook\.office365\.com"$/],
  ["settings a list", "windows10", { settings: [{ hostName: "outlook.office365.com" }] }, "settings", /^`settings` must be an object, got \[/],
  ["scope tag id not digits", "iosIpados", { scopeTagIds: ["mail-admins"] }, "scopeTagIds[0]", /`scopeTagIds\[0\]` must be a scope tag id \(digits, e\.g\. "0"\), got "mail-admins"/],
  ["scope tags not a list", "windows10", { scopeTagIds: "0" }, "scopeTagIds", /`scopeTagIds` must be an array, got "0"/],
  ["adoptExistingId empty", "iosIpados", { adoptExistingId: "" }, "adoptExistingId", /`adoptExistingId`.*got ""/],
  ["legacy platform without adoption", "androidForWorkGmail", { settings: {}, unset: ["accountName"] }, "platform", /legacy Android for Work profile type .*set `adoptExistingId`.*"androidEnterpriseWorkProfileGmail"/],
  ["legacy Nine Work without adoption", "androidForWorkNineWork", { unset: ["accountName"] }, "platform", /legacy .*"androidEnterpriseWorkProfileNineWork"/],

  // iOS/iPadOS
  ["iOS: easServices as Graph's comma string", "iosIpados", { settings: { easServices: "email,calendars" } }, "settings.easServices", /`settings.easServices` must be an array, got "email,calendars"/],
  ["iOS: easServices with an unknown service", "iosIpados", { settings: { easServices: ["email", "tasks"] } }, "settings.easServices[1]", /must be one of "none", "calendars", .*got "tasks"/],
  ["iOS: easServices none plus another", "iosIpados", { settings: { easServices: ["none", "email"] } }, "settings.easServices", /cannot combine "none" with other values, got \["none","email"\]/],
  ["iOS: easServices twice the same", "iosIpados", { settings: { easServices: ["email", "email"] } }, "settings.easServices", /lists a value twice, got \["email","email"\]/],
  ["iOS: easServices empty", "iosIpados", { settings: { easServices: [] } }, "settings.easServices", /must have at least 1 item\(s\), got \[\]/],
  ["iOS: requireSsl as a string", "iosIpados", { settings: { requireSsl: "yes" } }, "settings.requireSsl", /`settings.requireSsl` must be a boolean, got "yes"/],
  ["iOS: empty account name", "iosIpados", { settings: { accountName: "" } }, "settings.accountName", /`settings.accountName` must not be empty, got ""/],
  ["iOS: no account name", "iosIpados", { unset: ["accountName"] }, "settings.accountName", /is required, got nothing/],
  ["iOS: custom domain with a space", "iosIpados", { settings: { customDomainName: "contoso com" } }, "settings.customDomainName", /must be a DNS domain name, got "contoso com"/],
  ["iOS: certificate auth without certificate", "iosIpados", { settings: { authenticationMethod: "certificate" } }, "identityCertificateId", /"certificate" needs `identityCertificateId`.*got nothing/],
  ["iOS: password auth with a certificate", "iosIpados", { settings: { authenticationMethod: "usernameAndPassword" }, identityCertificateId: "cert-1" }, "identityCertificateId", /must not be set when `settings.authenticationMethod` is "usernameAndPassword", got "cert-1"/],
  ["iOS: derived credential without settings", "iosIpados", { settings: { authenticationMethod: "derivedCredential" } }, "derivedCredentialSettingsId", /"derivedCredential" needs `derivedCredentialSettingsId`, got nothing/],
  ["iOS: S/MIME required without signing certificate", "iosIpados", { settings: { requireSmime: true } }, "smimeSigningCertificateId", /`settings.requireSmime` true needs `smimeSigningCertificateId`/],
  ["iOS: S/MIME signing without certificate", "iosIpados", { settings: { smimeSigningEnabled: true } }, "smimeSigningCertificateId", /`settings.smimeSigningEnabled` true needs `smimeSigningCertificateId`/],
  ["iOS: signing certificate type without certificate", "iosIpados", { settings: { signingCertificateType: "certificate" } }, "smimeSigningCertificateId", /`settings.signingCertificateType` "certificate" needs/],
  ["iOS: encrypt by default without certificate", "iosIpados", { settings: { smimeEncryptByDefaultEnabled: true } }, "smimeEncryptionCertificateId", /`settings.smimeEncryptByDefaultEnabled` true needs `smimeEncryptionCertificateId`/],
  ["iOS: encryption certificate type without certificate", "iosIpados", { settings: { encryptionCertificateType: "certificate" } }, "smimeEncryptionCertificateId", /`settings.encryptionCertificateType` "certificate" needs/],
  ["iOS: bad signing certificate type", "iosIpados", { settings: { signingCertificateType: "pfx" } }, "settings.signingCertificateType", /must be one of "none", "certificate", "derivedCredential", got "pfx"/],
  ["iOS: domain name source not in the enum", "iosIpados", { settings: { userDomainNameSource: "dns" } }, "settings.userDomainNameSource", /must be one of "fullDomainName", "netBiosDomainName", got "dns"/],
  ["iOS: Azure AD username source not in the enum", "iosIpados", { settings: { usernameAADSource: "mail" } }, "settings.usernameAADSource", /must be one of .*got "mail"/],
  ["iOS: address source not in the enum", "iosIpados", { settings: { emailAddressSource: "mail" } }, "settings.emailAddressSource", /must be one of "userPrincipalName", "primarySmtpAddress", got "mail"/],

  // Samsung Knox (Android device administrator)
  ["Knox: derived credential", "androidDeviceAdministrator", { settings: { authenticationMethod: "derivedCredential" } }, "settings.authenticationMethod", /"derivedCredential" is only available on iosIpados.*platform "androidDeviceAdministrator"/],
  ["Knox: S/MIME encryption certificate", "androidDeviceAdministrator", { smimeEncryptionCertificateId: "c" }, "smimeEncryptionCertificateId", /not supported on platform "androidDeviceAdministrator" \(its profile type has no such link\), got "c"/],
  ["Knox: S/MIME required without certificate", "androidDeviceAdministrator", { settings: { requireSmime: true } }, "smimeSigningCertificateId", /`settings.requireSmime` true needs `smimeSigningCertificateId`/],
  ["Knox: certificate auth without certificate", "androidDeviceAdministrator", { settings: { authenticationMethod: "certificate" } }, "identityCertificateId", /needs `identityCertificateId`/],
  ["Knox: sync schedule not in the enum", "androidDeviceAdministrator", { settings: { emailSyncSchedule: "hourly" } }, "settings.emailSyncSchedule", /must be one of "userDefined", "asMessagesArrive", .*got "hourly"/],
  ["Knox: syncContacts as a string", "androidDeviceAdministrator", { settings: { syncContacts: "true" } }, "settings.syncContacts", /must be a boolean, got "true"/],

  // Android Enterprise work profile
  ["Gmail: account name does not exist there", "androidEnterpriseWorkProfileGmail", { settings: { accountName: "Work" } }, "settings.accountName", /is not a setting of platform "androidEnterpriseWorkProfileGmail"/],
  ["Gmail: S/MIME signing certificate", "androidEnterpriseWorkProfileGmail", { smimeSigningCertificateId: "c" }, "smimeSigningCertificateId", /not supported on platform "androidEnterpriseWorkProfileGmail"/],
  ["Gmail: certificate auth without certificate", "androidEnterpriseWorkProfileGmail", { settings: { authenticationMethod: "certificate" } }, "identityCertificateId", /needs `identityCertificateId`/],
  ["Gmail: sync switches belong to Nine Work", "androidEnterpriseWorkProfileGmail", { settings: { syncCalendar: true } }, "settings.syncCalendar", /is not a setting of platform "androidEnterpriseWorkProfileGmail"/],
  ["Nine Work: derived credential link", "androidEnterpriseWorkProfileNineWork", { derivedCredentialSettingsId: "d" }, "derivedCredentialSettingsId", /not supported on platform "androidEnterpriseWorkProfileNineWork"/],
  ["Nine Work: password auth with a certificate", "androidEnterpriseWorkProfileNineWork", { settings: { authenticationMethod: "usernameAndPassword" }, identityCertificateId: "c" }, "identityCertificateId", /must not be set/],

  // Windows
  ["Windows 10: identity certificate", "windows10", { identityCertificateId: "c" }, "identityCertificateId", /not supported on platform "windows10": Intune's Windows e-mail profiles have no certificate support at all, got "c"/],
  ["Windows 10: S/MIME certificate", "windows10", { smimeSigningCertificateId: "c" }, "smimeSigningCertificateId", /no certificate support at all/],
  ["Windows 10: authentication method does not exist there", "windows10", { settings: { authenticationMethod: "certificate" } }, "settings.authenticationMethod", /is not a setting of platform "windows10"/],
  ["Windows Phone: certificate", "windowsPhone81", { identityCertificateId: "c" }, "identityCertificateId", /not supported on platform "windowsPhone81": .*no certificate support at all/],
  ["Windows Phone: e-mail address source not in the enum", "windowsPhone81", { settings: { emailAddressSource: "mail" } }, "settings.emailAddressSource", /must be one of "userPrincipalName", "primarySmtpAddress", got "mail"/],
  ["Windows Phone: S/MIME does not exist there", "windowsPhone81", { settings: { requireSmime: true } }, "settings.requireSmime", /is not a setting of platform "windowsPhone81"/],
  ["Windows Phone: syncTasks as a number", "windowsPhone81", { settings: { syncTasks: 1 } }, "settings.syncTasks", /must be a boolean, got 1/],
);

