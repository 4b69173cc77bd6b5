// A tenant set up the way admins do it in the Intune portal (the exporter's tests and `--portal-tenant`): custom scope tags
// (two whose names differ only in case), certificate profiles and a derived credential that e-mail
// profiles link to, e-mail profiles of all eight Graph types (two pairs sharing a display name), and
// assignments with include and exclude groups, all users, all devices and filters.
import { seedDeviceConfiguration, seedPortalAssignment } from "./seed";
import { type EmulatorStore, SEEDED_GROUPS } from "./store";

const g = SEEDED_GROUPS;
/** Assignment filter ids (Intune does not check them against /assignmentFilters on assign). */
export const FILTERS = {
  corporateIos: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
  byodAndroid: "1c2d3e4f-5061-4b7c-9d8e-0f1a2b3c4d5e",
} as const;

export interface PortalTenant {
  scopeTags: Record<string, string>;
  certificates: Record<string, string>;
  derivedCredentialId: string;
  /** E-mail profile ids by a short key. */
  profiles: Record<string, string>;
  /** How many objects were made (tags, certificate profiles, derived credentials, e-mail profiles, assignments). */
  objectCount: number;
  /** E-mail profiles that got at least one assignment. */
  assignedProfiles: number;
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
  const certificates = {
    iosScep: config({ "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: "iOS SCEP identity", scepServerUrls: ["https://scep.contoso.com"] }),
    iosSigning: config({ "@odata.type": "#microsoft.graph.iosPkcsCertificateProfile", displayName: "iOS S/MIME signing" }),
    iosEncryption: config({ "@odata.type": "#microsoft.graph.iosImportedPFXCertificateProfile", displayName: "iOS S/MIME encryption" }),
    androidScep: config({ "@odata.type": "#microsoft.graph.androidScepCertificateProfile", displayName: "Knox SCEP", scepServerUrls: ["https://scep.contoso.com"] }),
    workProfileScep: config({ "@odata.type": "#microsoft.graph.androidWorkProfileScepCertificateProfile", displayName: "Work profile SCEP", scepServerUrls: ["https://scep.contoso.com"] }),
    forWorkScep: config({ "@odata.type": "#microsoft.graph.androidForWorkScepCertificateProfile", displayName: "Android for Work SCEP", scepServerUrls: ["https://scep.contoso.com"] }),
  };
  objects++;
  const derivedCredentialId = String(store.addDerivedCredential({ displayName: "Purebred derived credential", issuer: "purebred", notificationType: "email" }).id);
  const ref = (id: string) => ({ collection: "deviceConfigurations" as const, id });

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
  // Certificate profiles have assignments too; they are not exported (not e-mail profiles).
  assign(certificates.iosScep, include(g.salesUsers.id), include(g.fieldEngineers.id));
  return { scopeTags, certificates, derivedCredentialId, profiles, objectCount: objects, assignedProfiles: 14 };
}
