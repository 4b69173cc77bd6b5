// pulumi-intune: Pulumi resources for Microsoft Intune e-mail profiles, scope tags and assignments.
export { ScopeTag, type ScopeTagArgs } from "./sdk";
export {
  GraphRequestError,
  IntuneConfigurationError,
  IntuneError,
  IntuneValidationError,
  isGraphRequestError,
  isIntuneConfigurationError,
  isIntuneValidationError,
  type ValidationFailure,
} from "./provider";
