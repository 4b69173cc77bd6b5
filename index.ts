// pulumi-intune: Pulumi resources for Microsoft Intune e-mail profiles, scope tags and assignments.
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
} from "./sdk";
export type * from "./sdk/emailProfileSettings";
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
} from "./provider";
export { type ImpactFact, parseFacts, IMPACT_MARKER } from "./provider/impact/facts";
