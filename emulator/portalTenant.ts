// A tenant set up the way admins do it in the Intune portal (the exporter's tests and `--portal-tenant`): custom scope tags
// (two whose names differ only in case), certificate-based e-mail (a trusted root per certificate
// platform, SCEP and PKCS profiles linked to them, e-mail profiles with certificate authentication linked
// to a SCEP profile, root and certificate assigned to the e-mail profile's groups), certificate types we
// do not model (imported PFX, legacy Android for Work SCEP) and a derived credential that e-mail profiles
// link to, e-mail profiles of all eight Graph types (two pairs sharing a display name), and assignments
// with include and exclude groups, all users, all devices and filters.
import { seedDeviceConfiguration, seedPortalAssignment } from "./seed";
import { type EmulatorStore, SEEDED_GROUPS } from "./store";

const g = SEEDED_GROUPS;
/** Assignment filter ids (Intune does not check them against /assignmentFilters on assign). */
export const FILTERS = {
  corporateIos: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
  byodAndroid: "1c2d3e4f-5061-4b7c-9d8e-0f1a2b3c4d5e",
} as const;

/**
 * The CA certificates of the tenant's trusted roots (fixed, so that every seeded tenant exports the same
 * PEM files): iOS/iPadOS and Samsung Knox trust one CA, the Android Enterprise work profile another.
 * Self-signed P-256 CA certificates (basicConstraints CA:TRUE), valid until December 2046.
 */
export const PORTAL_ROOT_CERTIFICATES = {
  contoso: [
    "-----BEGIN CERTIFICATE-----",
    "MIIBzDCCAXGgAwIBAgIUCfcNcJX96jq+E2liRml+q/chz/AwCgYIKoZIzj0EAwIw",
    "MzEfMB0GA1UEAwwWQ29udG9zbyBQb3J0YWwgUm9vdCBDQTEQMA4GA1UECgwHQ29u",
    "dG9zbzAeFw0yNjEyMDcxMjIxMDhaFw00NjEyMDIxMjIxMDhaMDMxHzAdBgNVBAMM",
    "FkNvbnRvc28gUG9ydGFsIFJvb3QgQ0ExEDAOBgNVBAoMB0NvbnRvc28wWTATBgcq",
    "hkjOPQIBBggqhkjOPQMBBwNCAASVruMMHqBurbyiQLjBSDuWdk7KuJfoCGIZZPsN",
    "HX8IWmXTKVPSnoMga3eyH7OR+sdE/WLy+guLR8Zg3UvzlCkmo2MwYTAdBgNVHQ4E",
    "FgQUltjHT20F0XsUghuihxDz+Skqy1EwHwYDVR0jBBgwFoAUltjHT20F0XsUghui",
    "hxDz+Skqy1EwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI",
    "zj0EAwIDSQAwRgIhAN0L88B3clBHChPTBFkxa7b3PBdk5lep0awP3cKgoI0KAiEA",
    "oWyBfy1N13ryq1Xftioo8gVlK/qfP6xuqJZHynwyBXE=",
    "-----END CERTIFICATE-----",
  ].join("\n") + "\n",
  mobile: [
    "-----BEGIN CERTIFICATE-----",
    "MIIByzCCAXGgAwIBAgIUd/gkL6uQi1ksCP0SOHq5ftKXj1EwCgYIKoZIzj0EAwIw",
    "MzEfMB0GA1UEAwwWQ29udG9zbyBNb2JpbGUgUm9vdCBDQTEQMA4GA1UECgwHQ29u",
    "dG9zbzAeFw0yNjEyMDcxMjIxMDhaFw00NjEyMDIxMjIxMDhaMDMxHzAdBgNVBAMM",
    "FkNvbnRvc28gTW9iaWxlIFJvb3QgQ0ExEDAOBgNVBAoMB0NvbnRvc28wWTATBgcq",
    "hkjOPQIBBggqhkjOPQMBBwNCAASicHA6nSsppnVk1LORQ+SzQgBLW13Rt1w6p/XF",
    "QXgRB0qsvzmtxim7WulkxesV2DbHcAVEVBrVU5ywtIWryGV3o2MwYTAdBgNVHQ4E",
    "FgQUvCMmx8zfrK/Zb3ve34dv0Dy4HAIwHwYDVR0jBBgwFoAUvCMmx8zfrK/Zb3ve",
    "34dv0Dy4HAIwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI",
    "zj0EAwIDSAAwRQIhAMBCVb4ZyzRrNowzWmO0MbvhrUnSahFvxoWINSUOaDLkAiBn",
    "faS8exFogFbrTCb/UZ62vyUYBAY7gXtZyvFR0akseQ==",
    "-----END CERTIFICATE-----",
  ].join("\n") + "\n",
} as const;

/** The base64 DER of a PEM certificate (what Graph stores in `trustedRootCertificate`). */
const derOf = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");

export interface PortalTenant {
  scopeTags: Record<string, string>;
  /** Trusted-root profiles by platform. */
  trustedRoots: { ios: string; knox: string; workProfile: string };
  /** Certificate profiles (SCEP, PKCS, imported PFX) by a short key. */
  certificates: Record<string, string>;
  derivedCredentialId: string;
  /** E-mail profile ids by a short key. */
  profiles: Record<string, string>;
  /** How many objects were made (tags, certificate profiles, derived credentials, e-mail profiles, assignments). */
  objectCount: number;
  /** E-mail profiles that got at least one assignment. */
  assignedProfiles: number;
  /** Trusted roots and certificate profiles that got at least one assignment. */
  assignedCertificates: number;
}

type Target = Parameters<typeof seedPortalAssignment>[2];
const include = (groupId: string, filter?: { id: string; type: "include" | "exclude" }): Target =>
  filter
    ? {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        groupId,
        deviceAndAppManagementAssignmentFilterId: filter.id,
        deviceAndAppManagementAssignmentFilterType: filter.type,
      }
    : { groupId };
const exclude = (groupId: string): Target => ({ groupId, exclude: true });
const allUsers = (filter?: { id: string; type: "include" | "exclude" }): Target => ({
  "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget",
  ...(filter ? { deviceAndAppManagementAssignmentFilterId: filter.id, deviceAndAppManagementAssignmentFilterType: filter.type } : {}),
});
const allDevices = (): Target => ({ "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" });

/** Seeds the tenant (≥ 50 objects) straight into the store, as portal-made objects. */
export function seedPortalTenant(store: EmulatorStore): PortalTenant {
  let objects = 0;
  const tag = (displayName: string, description: string) => {
    objects++;
    return String(store.addRoleScopeTag({ displayName, description }).id);
  };
  const scopeTags = {
    mailAdmins: tag("Mail Admins", "Admins of every e-mail profile"),
    mailAdminsEu: tag("Mail admins", "EU mail admins (same name but for case)"),
    helpdesk: tag("EU Helpdesk", ""),
    kiosk: tag("Kiosk Ops", "Store kiosks"),
    legal: tag("Legal & Compliance", "Legal hold mailboxes"),
  };

  const config = (body: Record<string, unknown>, references: Parameters<typeof seedDeviceConfiguration>[2] = {}) => {
    objects++;
    return String(seedDeviceConfiguration(store, body, references).entity.id);
  };
  const ref = (id: string) => ({ collection: "deviceConfigurations" as const, id });
  const root = (type: string, displayName: string, pem: string, certFileName: string) =>
    config({ "@odata.type": `#microsoft.graph.${type}`, displayName, trustedRootCertificate: derOf(pem), certFileName });
  const trustedRoots = {
    ios: root("iosTrustedRootCertificate", "iOS: Contoso root CA", PORTAL_ROOT_CERTIFICATES.contoso, "contoso-root.cer"),
    knox: root("androidTrustedRootCertificate", "Knox: Contoso root CA", PORTAL_ROOT_CERTIFICATES.contoso, "contoso-root.cer"),
    workProfile: root("androidWorkProfileTrustedRootCertificate", "Work profile: Contoso mobile root CA", PORTAL_ROOT_CERTIFICATES.mobile, "contoso-mobile-root.cer"),
  };
  // As the portal saves them: every required setting, flags comma-joined, a 20 % renewal threshold.
  const validity = { certificateValidityPeriodScale: "years", certificateValidityPeriodValue: 1, renewalThresholdPercentage: 20 };
  const clientAuthentication = [{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }];
  const scep = {
    ...validity,
    subjectNameFormat: "custom",
    subjectNameFormatString: "CN={{UserPrincipalName}},E={{EmailAddress}}",
    keyUsage: "keyEncipherment,digitalSignature",
    keySize: "size2048",
    scepServerUrls: ["https://scep.contoso.com/certsrv/mscep/mscep.dll"],
    extendedKeyUsages: clientAuthentication,
  };
  const pkcs = { ...validity, certificationAuthority: "ca01.corp.contoso.com", certificationAuthorityName: "Contoso Issuing CA" };
  const certificates = {
    iosScep: config({ "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS SCEP identity", ...scep, certificateStore: "user" }, { rootCertificate: ref(trustedRoots.ios) }),
    iosSigning: config({
      "@odata.type": "#microsoft.graph.iosPkcsCertificateProfile",
      displayName: "iOS S/MIME signing",
      ...pkcs,
      subjectNameFormat: "commonNameAsEmail",
      certificateTemplateName: "SmimeSigning",
    }),
    iosEncryption: config({ "@odata.type": "#microsoft.graph.iosImportedPFXCertificateProfile", displayName: "iOS S/MIME encryption" }),
    androidScep: config({ "@odata.type": "#microsoft.graph.androidScepCertificateProfile", displayName: "Knox SCEP", ...scep, hashAlgorithm: "sha2" }, { rootCertificate: ref(trustedRoots.knox) }),
    androidPkcs: config(
      { "@odata.type": "#microsoft.graph.androidPkcsCertificateProfile", displayName: "Knox PKCS identity", ...pkcs, subjectNameFormat: "commonNameAsEmail", certificateTemplateName: "MobileUser" },
      { rootCertificate: ref(trustedRoots.knox) },
    ),
    workProfileScep: config(
      { "@odata.type": "#microsoft.graph.androidWorkProfileScepCertificateProfile", displayName: "Work profile SCEP", ...scep, hashAlgorithm: "sha2", certificateStore: "user" },
      { rootCertificate: ref(trustedRoots.workProfile) },
    ),
    workProfilePkcs: config(
      { "@odata.type": "#microsoft.graph.androidWorkProfilePkcsCertificateProfile", displayName: "Work profile PKCS identity", ...pkcs, subjectNameFormat: "commonName", certificateTemplateName: "MobileUser", certificateStore: "user" },
      { rootCertificate: ref(trustedRoots.workProfile) },
    ),
    forWorkScep: config({ "@odata.type": "#microsoft.graph.androidForWorkScepCertificateProfile", displayName: "Android for Work SCEP", scepServerUrls: ["https://scep.contoso.com"] }),
  };
  objects++;
  const derivedCredentialId = String(store.addDerivedCredential({ displayName: "Purebred derived credential", issuer: "purebred", notificationType: "email" }).id);

  const exchange = { hostName: "outlook.office365.com", emailAddressSource: "primarySmtpAddress", requireSsl: true };
  const ios = (displayName: string, extra: Record<string, unknown>, references = {}) =>
    config({ "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", displayName, ...exchange, accountName: "Work mail", usernameSource: "userPrincipalName", ...extra }, references);
  const knox = (displayName: string, extra: Record<string, unknown>, references = {}) =>
    config({ "@odata.type": "#microsoft.graph.androidEasEmailProfileConfiguration", displayName, ...exchange, accountName: "Work mail", usernameSource: "userPrincipalName", ...extra }, references);
  const typed = (type: string, displayName: string, extra: Record<string, unknown>, references = {}) =>
    config({ "@odata.type": `#microsoft.graph.${type}`, displayName, ...exchange, usernameSource: "userPrincipalName", ...extra }, references);

  const profiles = {
    iosSales: ios("iOS: Exchange for sales", {
      description: "Sales iPhones",
      roleScopeTagIds: [scopeTags.mailAdmins, "0"],
      durationOfEmailToSync: "oneMonth",
      easServices: "email,calendars,contacts",
      // Portal-made "No" on a nullable switch: kept in the export (omitting it would mean "not set").
      blockMovingMessagesToOtherEmailAccounts: false,
      authenticationMethod: "certificate",
    }, { identityCertificate: ref(certificates.iosScep) }),
    iosSmime: ios("iOS: S/MIME", {
      roleScopeTagIds: [scopeTags.legal],
      authenticationMethod: "derivedCredential",
      requireSmime: true,
      smimeSigningEnabled: true,
      signingCertificateType: "certificate",
      encryptionCertificateType: "certificate",
      smimeEncryptByDefaultEnabled: true,
      customDomainName: "contoso.com",
      userDomainNameSource: "fullDomainName",
    }, {
      smimeSigningCertificate: ref(certificates.iosSigning),
      smimeEncryptionCertificate: ref(certificates.iosEncryption),
      derivedCredentialSettings: { collection: "derivedCredentials" as const, id: derivedCredentialId },
    }),
    iosKiosk: ios("iOS: Kiosk", { roleScopeTagIds: [scopeTags.kiosk], useOAuth: true, durationOfEmailToSync: "oneWeek" }),
    // Two profiles with one display name: resource names ios-exchange and ios-exchange-2, in id order.
    iosDupA: ios("iOS: Exchange", { accountName: "Mail A" }),
    iosDupB: ios("iOS: Exchange", { accountName: "Mail B", hostName: "mail.contoso.com" }),
    knoxCert: knox("Knox: Exchange Online", { authenticationMethod: "certificate", syncCalendar: true, syncContacts: true, emailSyncSchedule: "fifteenMinutes", roleScopeTagIds: [scopeTags.mailAdminsEu] }, { identityCertificate: ref(certificates.androidScep) }),
    knoxOnPrem: knox("Knox: on-premises Exchange", { hostName: "mail.contoso.com", accountName: "Legacy mail", requireSmime: false, syncNotes: true }),
    knoxPlain: knox("Knox: basic", { durationOfEmailToSync: "threeDays" }),
    gmailCert: typed("androidWorkProfileGmailEasConfiguration", "Work profile: Gmail", { authenticationMethod: "certificate", durationOfEmailToSync: "twoWeeks" }, { identityCertificate: ref(certificates.workProfileScep) }),
    gmailPlain: typed("androidWorkProfileGmailEasConfiguration", "Work profile: Gmail (password)", { roleScopeTagIds: [scopeTags.helpdesk] }),
    gmailBasic: typed("androidWorkProfileGmailEasConfiguration", "Work profile: Gmail basic", { requireSsl: false }),
    nineCert: typed("androidWorkProfileNineWorkEasConfiguration", "Work profile: Nine Work", { authenticationMethod: "certificate", syncCalendar: true, syncTasks: true }, { identityCertificate: ref(certificates.workProfileScep) }),
    ninePlain: typed("androidWorkProfileNineWorkEasConfiguration", "Work profile: Nine Work (password)", { syncContacts: true }),
    nineBasic: typed("androidWorkProfileNineWorkEasConfiguration", "Work profile: Nine basic", {}),
    win10: typed("windows10EasEmailProfileConfiguration", "Windows 10: Exchange", { accountName: "Work mail", syncCalendar: true, emailSyncSchedule: "asMessagesArrive" }),
    win10Dup: typed("windows10EasEmailProfileConfiguration", "Windows 10: Exchange", { accountName: "Work mail (EU)", hostName: "eu.mail.contoso.com", roleScopeTagIds: [scopeTags.mailAdmins, scopeTags.mailAdminsEu] }),
    win10Kiosk: typed("windows10EasEmailProfileConfiguration", "Windows 10: Kiosk", { accountName: "Kiosk mail", usernameAADSource: "samAccountName", roleScopeTagIds: [scopeTags.kiosk] }),
    wp81: typed("windowsPhoneEASEmailProfileConfiguration", "Windows Phone 8.1: Exchange", { accountName: "Work mail", syncContacts: true }),
    wp81NoAddress: typed("windowsPhoneEASEmailProfileConfiguration", "Windows Phone 8.1: no address", { accountName: "Phone mail", emailAddressSource: null }),
    wp81Tasks: typed("windowsPhoneEASEmailProfileConfiguration", "Windows Phone 8.1: tasks", { accountName: "Tasks", syncTasks: true }),
    forWorkGmail: typed("androidForWorkGmailEasConfiguration", "Android for Work: Gmail (legacy)", { authenticationMethod: "certificate" }, { identityCertificate: ref(certificates.forWorkScep) }),
    forWorkGmailPlain: typed("androidForWorkGmailEasConfiguration", "Android for Work: Gmail password (legacy)", {}),
    forWorkNine: typed("androidForWorkNineWorkEasConfiguration", "Android for Work: Nine Work (legacy)", { syncCalendar: true }),
    forWorkNinePlain: typed("androidForWorkNineWorkEasConfiguration", "Android for Work: Nine Work basic (legacy)", {}),
  };

  const assign = (profileId: string, ...targets: Target[]) => {
    for (const t of targets) {
      seedPortalAssignment(store, profileId, t);
      objects++;
    }
  };
  const corporateIos = { id: FILTERS.corporateIos, type: "include" as const };
  const byod = { id: FILTERS.byodAndroid, type: "exclude" as const };
  assign(profiles.iosSales, include(g.salesUsers.id, corporateIos), exclude(g.kioskDevices.id), include(g.fieldEngineers.id));
  assign(profiles.iosSmime, include(g.allStaff.id), exclude(g.salesUsers.id));
  assign(profiles.iosKiosk, include(g.kioskDevices.id));
  assign(profiles.iosDupA, allUsers(corporateIos));
  assign(profiles.iosDupB, allDevices());
  assign(profiles.knoxCert, include(g.fieldEngineers.id, byod), allUsers());
  assign(profiles.knoxOnPrem, include(g.allStaff.id), exclude(g.fieldEngineers.id));
  assign(profiles.gmailCert, include(g.salesUsers.id), include(g.allStaff.id, byod));
  assign(profiles.nineCert, allDevices(), exclude(g.kioskDevices.id));
  assign(profiles.win10, include(g.salesUsers.id), include(g.fieldEngineers.id), exclude(g.kioskDevices.id));
  assign(profiles.win10Dup, allUsers());
  assign(profiles.wp81, include(g.allStaff.id));
  assign(profiles.forWorkGmail, include(g.fieldEngineers.id));
  assign(profiles.forWorkNine, allUsers(), exclude(g.salesUsers.id));
  // Certificate-based e-mail: the root and the certificate go to the e-mail profile's groups.
  assign(trustedRoots.ios, include(g.salesUsers.id), include(g.fieldEngineers.id));
  assign(certificates.iosScep, include(g.salesUsers.id), include(g.fieldEngineers.id));
  assign(trustedRoots.knox, allUsers());
  assign(certificates.androidScep, allUsers());
  assign(certificates.androidPkcs, include(g.fieldEngineers.id));
  assign(trustedRoots.workProfile, allDevices());
  assign(certificates.workProfileScep, allDevices());
  return { scopeTags, trustedRoots, certificates, derivedCredentialId, profiles, objectCount: objects, assignedProfiles: 14, assignedCertificates: 7 };
}
