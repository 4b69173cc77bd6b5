// Typed `settings` of SCEP and PKCS certificate profiles, per platform and kind. Property names are
// Graph's own (beta); a unit test keeps the keys equal to the schema extract's types.
import type * as pulumi from "@pulumi/pulumi";

export type CertificatePlatform = "iosIpados" | "androidDeviceAdministrator" | "androidEnterpriseWorkProfile";
export type CertificateKind = "scep" | "pkcs";
export type KeySize = "size1024" | "size2048" | "size4096";
export type KeyUsage = "keyEncipherment" | "digitalSignature";
export type CertificateValidityPeriodScale = "days" | "months" | "years";
export type HashAlgorithm = "sha1" | "sha2";
/** `user`: a user certificate (user and device variables); `machine`: a device certificate (device variables only). */
export type CertificateStore = "user" | "machine";
export type SubjectAlternativeNameType = "none" | "emailAddress" | "userPrincipalName" | "customAzureADAttribute" | "domainNameService" | "universalResourceIdentifier";
/** Subject name formats of Android profiles (`subjectNameFormat`). */
export type SubjectNameFormat =
  | "commonName" | "commonNameIncludingEmail" | "commonNameAsEmail" | "custom" | "commonNameAsIMEI"
  | "commonNameAsSerialNumber" | "commonNameAsAadDeviceId" | "commonNameAsIntuneDeviceId" | "commonNameAsDurableDeviceId";
/** Subject name formats of iOS/iPadOS profiles (`appleSubjectNameFormat`). */
export type AppleSubjectNameFormat = "commonName" | "commonNameAsEmail" | "custom" | "commonNameIncludingEmail" | "commonNameAsIMEI" | "commonNameAsSerialNumber";

/** An extended key usage, e.g. `{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }`. */
export interface ExtendedKeyUsage {
  readonly name: pulumi.Input<string>;
  readonly objectIdentifier: pulumi.Input<string>;
}

/** One subject alternative name: its type and its value (static text and Intune's {{variables}}). */
export interface CustomSubjectAlternativeName {
  readonly sanType: pulumi.Input<SubjectAlternativeNameType>;
  readonly name: pulumi.Input<string>;
}

interface ValiditySettings {
  /** Unit of `certificateValidityPeriodValue`; Intune issues at most 24 months. */
  readonly certificateValidityPeriodScale: pulumi.Input<CertificateValidityPeriodScale>;
  /** How long the issued certificate is valid, in `certificateValidityPeriodScale` units. */
  readonly certificateValidityPeriodValue: pulumi.Input<number>;
  /** Percentage of the lifetime left when the device renews (1–99). @default - the service's (20) */
  readonly renewalThresholdPercentage?: pulumi.Input<number>;
}

interface SubjectSettings<F> {
  /** How Intune builds the subject name; `custom` uses `subjectNameFormatString`. */
  readonly subjectNameFormat: pulumi.Input<F>;
  /** Custom subject, e.g. "CN={{UserPrincipalName}},E={{EmailAddress}}"; only Intune's documented variables. */
  readonly subjectNameFormatString?: pulumi.Input<string>;
  /** Subject alternative name types (a list; sent comma-joined). */
  readonly subjectAlternativeNameType?: pulumi.Input<pulumi.Input<SubjectAlternativeNameType>[]>;
  /** Custom subject alternative name text with Intune's variables. */
  readonly subjectAlternativeNameFormatString?: pulumi.Input<string>;
}

interface StoreSettings {
  /** User or device certificate. @default - the service's */
  readonly certificateStore?: pulumi.Input<CertificateStore>;
  /** Subject alternative names, each with its type. */
  readonly customSubjectAlternativeNames?: pulumi.Input<pulumi.Input<CustomSubjectAlternativeName>[]>;
}

interface ScepSettings {
  /** Key usage (a list; sent comma-joined). */
  readonly keyUsage: pulumi.Input<pulumi.Input<KeyUsage>[]>;
  /** Key length; 4096 needs iOS/iPadOS 14+. */
  readonly keySize: pulumi.Input<KeySize>;
  /** The NDES/SCEP server URLs, https only. */
  readonly scepServerUrls: pulumi.Input<pulumi.Input<string>[]>;
  /** Extended key usages, usually Client Authentication (1.3.6.1.5.5.7.3.2). */
  readonly extendedKeyUsages?: pulumi.Input<pulumi.Input<ExtendedKeyUsage>[]>;
}

interface PkcsSettings {
  /** FQDN of the issuing CA, e.g. "ca01.corp.contoso.com". */
  readonly certificationAuthority: pulumi.Input<string>;
  /** Name of the issuing CA, e.g. "Contoso Issuing CA". */
  readonly certificationAuthorityName: pulumi.Input<string>;
  /** Name (not display name) of the certificate template. */
  readonly certificateTemplateName: pulumi.Input<string>;
}

interface AndroidExtras {
  /** Extended key usages. */
  readonly extendedKeyUsages?: pulumi.Input<pulumi.Input<ExtendedKeyUsage>[]>;
}

interface HashSettings {
  /** Hash algorithms (a list; sent comma-joined). */
  readonly hashAlgorithm?: pulumi.Input<pulumi.Input<HashAlgorithm>[]>;
}

export interface IosScepSettings extends ValiditySettings, SubjectSettings<AppleSubjectNameFormat>, StoreSettings, ScepSettings {}
export interface IosPkcsSettings extends ValiditySettings, SubjectSettings<AppleSubjectNameFormat>, StoreSettings, PkcsSettings {}
export interface AndroidScepSettings extends ValiditySettings, SubjectSettings<SubjectNameFormat>, ScepSettings, HashSettings {}
export interface AndroidPkcsSettings extends ValiditySettings, Omit<SubjectSettings<SubjectNameFormat>, "subjectNameFormatString">, PkcsSettings, AndroidExtras {}
export interface AndroidWorkProfileScepSettings extends ValiditySettings, SubjectSettings<SubjectNameFormat>, StoreSettings, ScepSettings, HashSettings {}
export interface AndroidWorkProfilePkcsSettings extends ValiditySettings, SubjectSettings<SubjectNameFormat>, StoreSettings, PkcsSettings, AndroidExtras {}

/** The settings type of each platform and kind. */
export interface CertificateProfileSettings {
  iosIpados: { scep: IosScepSettings; pkcs: IosPkcsSettings };
  androidDeviceAdministrator: { scep: AndroidScepSettings; pkcs: AndroidPkcsSettings };
  androidEnterpriseWorkProfile: { scep: AndroidWorkProfileScepSettings; pkcs: AndroidWorkProfilePkcsSettings };
}
