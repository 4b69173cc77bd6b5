// Typed `settings` per platform. Property names are Graph's own (beta), so Microsoft's documentation of
// each profile type maps one to one. A unit test keeps these keys and enum values equal to the schema.
import type * as pulumi from "@pulumi/pulumi";

/** Where the e-mail address comes from in Entra ID. */
export type UserEmailSource = "userPrincipalName" | "primarySmtpAddress";
/** Where the user name comes from in Entra ID (`usernameAADSource`). */
export type UsernameSource = "userPrincipalName" | "primarySmtpAddress" | "samAccountName";
/** Where Android takes the user name from. */
export type AndroidUsernameSource = "username" | "userPrincipalName" | "samAccountName" | "primarySmtpAddress";
/** Which form of the domain is sent with the user name. */
export type DomainNameSource = "fullDomainName" | "netBiosDomainName";
/** How the device authenticates to Exchange. */
export type EasAuthenticationMethod = "usernameAndPassword" | "certificate" | "derivedCredential";
/** How much mail history the device keeps. */
export type EmailSyncDuration = "userDefined" | "oneDay" | "threeDays" | "oneWeek" | "twoWeeks" | "oneMonth" | "unlimited";
/** How often the device fetches mail. */
export type EmailSyncSchedule = "userDefined" | "asMessagesArrive" | "manual" | "fifteenMinutes" | "thirtyMinutes" | "sixtyMinutes" | "basedOnMyUsage";
/** Exchange ActiveSync data to sync (a list; sent to Graph comma-joined). */
export type EasService = "none" | "calendars" | "contacts" | "email" | "notes" | "reminders";
/** Which kind of certificate S/MIME uses on iOS. */
export type EmailCertificateType = "none" | "certificate" | "derivedCredential";

/** The Exchange server and account settings every platform has. */
interface ExchangeServerSettings {
  /** Exchange host name devices connect to, e.g. "outlook.office365.com": a DNS name, no scheme or path. */
  readonly hostName: pulumi.Input<string>;
  /**
   * Entra ID attribute used as the user's e-mail address.
   * Also half of the duplicate-account key on iOS and Windows, and the whole key on Samsung Knox.
   */
  readonly emailAddressSource: pulumi.Input<UserEmailSource>;
  /**
   * Connect over SSL/TLS.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly requireSsl?: pulumi.Input<boolean>;
  /**
   * How far back mail is synced.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly durationOfEmailToSync?: pulumi.Input<EmailSyncDuration>;
}

/** Settings shared by the iOS, Windows 10 and Windows Phone types (Graph's easEmailProfileConfigurationBase). */
interface EasBaseSettings {
  /** Entra ID attribute used as the user name. */
  readonly usernameSource: pulumi.Input<UserEmailSource>;
  /**
   * Entra ID attribute for the user name when it must differ from `usernameSource` (adds samAccountName).
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly usernameAADSource?: pulumi.Input<UsernameSource | null>;
  /**
   * Whether the full or the NetBIOS domain name is sent with the user name.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly userDomainNameSource?: pulumi.Input<DomainNameSource | null>;
  /**
   * A custom domain sent with the user name, e.g. "contoso.com".
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly customDomainName?: pulumi.Input<string | null>;
  /** Name of the account as shown on the device, e.g. "Work mail". */
  readonly accountName: pulumi.Input<string>;
}

/** Calendar, contact and task sync switches of Windows and Android types. */
interface SyncSwitches {
  /**
   * Sync the calendar.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly syncCalendar?: pulumi.Input<boolean>;
  /**
   * Sync contacts.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly syncContacts?: pulumi.Input<boolean>;
  /**
   * Sync tasks.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly syncTasks?: pulumi.Input<boolean>;
}

/** iOS 11+ and iPadOS 13+ (Graph type iosEasEmailProfileConfiguration). */
export interface IosIpadosEmailSettings extends ExchangeServerSettings, EasBaseSettings {
  /**
   * How the account authenticates; "certificate" needs `identityCertificateId`, "derivedCredential" needs `derivedCredentialSettingsId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly authenticationMethod?: pulumi.Input<EasAuthenticationMethod | null>;
  /**
   * Use OAuth (modern authentication) for Exchange Online.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly useOAuth?: pulumi.Input<boolean | null>;
  /**
   * Exchange ActiveSync services to sync, e.g. ["email", "calendars"]; "none" cannot be combined.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly easServices?: pulumi.Input<EasService[] | null>;
  /**
   * Let users turn the synced services on and off.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly easServicesUserOverrideEnabled?: pulumi.Input<boolean | null>;
  /**
   * Stop users moving messages into other mail accounts.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly blockMovingMessagesToOtherEmailAccounts?: pulumi.Input<boolean | null>;
  /**
   * Stop third-party apps from sending mail through this account.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly blockSendingEmailFromThirdPartyApps?: pulumi.Input<boolean | null>;
  /**
   * Stop the device syncing recently used addresses.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly blockSyncingRecentlyUsedEmailAddresses?: pulumi.Input<boolean | null>;
  /**
   * Require S/MIME; needs `smimeSigningCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly requireSmime?: pulumi.Input<boolean | null>;
  /**
   * Sign outgoing mail with S/MIME; needs `smimeSigningCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeSigningEnabled?: pulumi.Input<boolean | null>;
  /**
   * Let users turn S/MIME signing off.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeSigningUserOverrideEnabled?: pulumi.Input<boolean | null>;
  /**
   * Let users pick their own signing certificate.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeSigningCertificateUserOverrideEnabled?: pulumi.Input<boolean | null>;
  /**
   * Encrypt all mail by default; needs `smimeEncryptionCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeEncryptByDefaultEnabled?: pulumi.Input<boolean | null>;
  /**
   * Let users turn default encryption off.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeEncryptByDefaultUserOverrideEnabled?: pulumi.Input<boolean | null>;
  /**
   * Let users pick their own encryption certificate.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeEncryptionCertificateUserOverrideEnabled?: pulumi.Input<boolean | null>;
  /**
   * Let users switch S/MIME per message.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly smimeEnablePerMessageSwitch?: pulumi.Input<boolean | null>;
  /**
   * Kind of signing certificate; "certificate" needs `smimeSigningCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly signingCertificateType?: pulumi.Input<EmailCertificateType | null>;
  /**
   * Kind of encryption certificate; "certificate" needs `smimeEncryptionCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly encryptionCertificateType?: pulumi.Input<EmailCertificateType | null>;
  /**
   * Id of a per-app VPN profile that mail uses.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly perAppVPNProfileId?: pulumi.Input<string | null>;
}

/** Android device administrator on Samsung Knox Standard 5.0+ (Graph type androidEasEmailProfileConfiguration). */
export interface AndroidDeviceAdministratorEmailSettings extends ExchangeServerSettings, SyncSwitches {
  /** Name of the account as shown on the device. */
  readonly accountName: pulumi.Input<string>;
  /** Entra ID attribute used as the user name. */
  readonly usernameSource: pulumi.Input<AndroidUsernameSource>;
  /**
   * How the account authenticates; "certificate" needs `identityCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly authenticationMethod?: pulumi.Input<EasAuthenticationMethod>;
  /**
   * A custom domain sent with the user name.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly customDomainName?: pulumi.Input<string | null>;
  /**
   * Whether the full or the NetBIOS domain name is sent with the user name.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly userDomainNameSource?: pulumi.Input<DomainNameSource | null>;
  /**
   * How often mail is fetched.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly emailSyncSchedule?: pulumi.Input<EmailSyncSchedule>;
  /**
   * Require S/MIME; needs `smimeSigningCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly requireSmime?: pulumi.Input<boolean>;
  /**
   * Sync notes.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly syncNotes?: pulumi.Input<boolean>;
}

/** Settings of the Android Enterprise (and legacy Android for Work) Gmail types. */
export interface AndroidEnterpriseWorkProfileGmailEmailSettings extends ExchangeServerSettings {
  /** Entra ID attribute used as the user name. */
  readonly usernameSource: pulumi.Input<AndroidUsernameSource>;
  /**
   * How the account authenticates; "certificate" needs `identityCertificateId`.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly authenticationMethod?: pulumi.Input<EasAuthenticationMethod>;
}

/** Settings of the Android Enterprise (and legacy Android for Work) Nine Work types. */
export interface AndroidEnterpriseWorkProfileNineWorkEmailSettings extends AndroidEnterpriseWorkProfileGmailEmailSettings, SyncSwitches {}

/** Windows 10 desktop and mobile (Graph type windows10EasEmailProfileConfiguration). No certificate support. */
export interface Windows10EmailSettings extends ExchangeServerSettings, EasBaseSettings, SyncSwitches {
  /**
   * How often mail is fetched.
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly emailSyncSchedule?: pulumi.Input<EmailSyncSchedule>;
}

/** Windows Phone 8.1 (Graph type windowsPhoneEASEmailProfileConfiguration). No certificate support. */
export interface WindowsPhone81EmailSettings extends Omit<Windows10EmailSettings, "emailAddressSource"> {
  /**
   * Entra ID attribute used as the e-mail address (optional on this type only).
   * @default - not managed: left out of every write, Intune keeps its own value
   */
  readonly emailAddressSource?: pulumi.Input<UserEmailSource | null>;
}

/** Legacy Android for Work Gmail profiles (adopt only). */
export type AndroidForWorkGmailEmailSettings = AndroidEnterpriseWorkProfileGmailEmailSettings;
/** Legacy Android for Work Nine Work profiles (adopt only). */
export type AndroidForWorkNineWorkEmailSettings = AndroidEnterpriseWorkProfileNineWorkEmailSettings;

/** `settings` type for each `platform`. */
export interface EmailPlatformSettings {
  androidDeviceAdministrator: AndroidDeviceAdministratorEmailSettings;
  androidEnterpriseWorkProfileGmail: AndroidEnterpriseWorkProfileGmailEmailSettings;
  androidEnterpriseWorkProfileNineWork: AndroidEnterpriseWorkProfileNineWorkEmailSettings;
  iosIpados: IosIpadosEmailSettings;
  windows10: Windows10EmailSettings;
  windowsPhone81: WindowsPhone81EmailSettings;
  androidForWorkGmail: AndroidForWorkGmailEmailSettings;
  androidForWorkNineWork: AndroidForWorkNineWorkEmailSettings;
}

/** The settings type of platform `P`. */
export type EmailProfileSettingsFor<P extends keyof EmailPlatformSettings> = EmailPlatformSettings[P];
