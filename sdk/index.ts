export { EmailProfile, type EmailProfileArgs, type EmailPlatform } from "./emailProfile";
export type * from "./emailProfileSettings";
export { ProfileAssignment, type ProfileAssignmentArgs, type ProfileAssignmentTarget } from "./profileAssignment";
export { ScopeTag, type ScopeTagArgs } from "./scopeTag";
export { lookupGroupByName, lookupScopeTagByName, type LookupByNameOptions } from "./lookup";
export { TrustedRootCertificate, type TrustedRootCertificateArgs } from "./trustedRootCertificate";
export { CertificateProfile, type CertificateProfileArgs } from "./certificateProfile";
export type * from "./certificateSettings";
export { SecureEmail, type SecureEmailArgs, type SecureEmailPlatform, type SecureEmailCertificate } from "./secureEmail";
