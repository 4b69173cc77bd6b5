export { inspectRootCertificate, certificateBytes, type RootCertificateFacts, type RootCertificateInspection, type RootCertificateOptions } from "./x509";
export { subjectFormatFailures, formatVariables, userCertificateVariables, deviceCertificateVariables, type CertificateSubjectKind } from "./subjectName";
export {
  certificateKindNames,
  certificatePlatformNames,
  certificatePlatformOfEmail,
  certificatePlatforms,
  certificateSettingsToGraph,
  certificateTypeOf,
  normaliseCertificateSettings,
  ROOT_LINK,
  type CertificateKind,
  type CertificatePlatform,
  type CertificatePlatformInfo,
  type CertificateTypeInfo,
} from "./platforms";
export {
  certificateProfileInputsSchema,
  checkCertificateProfileInputs,
  checkTrustedRootInputs,
  trustedRootInputsSchema,
  type CertificateProfileInputs,
  type CommonCertificateInputs,
  type TrustedRootCertificateInputs,
  emailCertificateLinkFailures,
  LINKED_PLATFORM_KEY,
  linkedPlatformsOf,
  type LinkedPlatforms,
  type RootCheck,
} from "./inputs";
