// pulumi-intune: Pulumi resources for Microsoft Intune e-mail profiles, scope tags and assignments.
// Leaf modules only: a program loads this file, and the Graph client is for the provider process.
export {
  EmailProfile,
  type EmailProfileArgs,
  type EmailPlatform,
  ProfileAssignment,
  type ProfileAssignmentArgs,
  type ProfileAssignmentTarget,
  ScopeTag,
  type ScopeTagArgs,
  lookupGroupByName,
  lookupScopeTagByName,
  type LookupByNameOptions,
  TrustedRootCertificate,
  type TrustedRootCertificateArgs,
  CertificateProfile,
  type CertificateProfileArgs,
  SecureEmail,
  type SecureEmailArgs,
  type SecureEmailPlatform,
} from "./sdk";
export type * from "./sdk/emailProfileSettings";
export type * from "./sdk/certificateSettings";
export {
  GraphRequestError,
  IntuneConfigurationError,
  IntuneError,
  IntuneResourceInitError,
  IntuneValidationError,
  isGraphRequestError,
  isIntuneConfigurationError,
  isIntuneValidationError,
  type ValidationFailure,
} from "./provider/errors";
export { type ImpactFact, parseFacts, IMPACT_MARKER } from "./provider/impact/facts";
