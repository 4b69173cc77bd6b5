export { configKeys, type ConfigKeySpec, customGraphHosts, IntuneClouds, type IntuneCloud, type IntuneProviderSettings, resolveSettings } from "./config";
export {
  GraphPermissions,
  GraphRequestError,
  type GraphRequestErrorOptions,
  IntuneConfigurationError,
  IntuneError,
  IntuneErrorNames,
  IntuneResourceInitError,
  IntuneTenantStateError,
  IntuneValidationError,
  isGraphRequestError,
  isIntuneConfigurationError,
  isIntuneTenantStateError,
  isIntuneValidationError,
  isNotFound,
  type ValidationFailure,
} from "./errors";
export { createCredential, GraphApi, type GraphApiOptions, isConnectionError, isLostResponse, SharedTokenCredential, sharedCredential, toGraphRequestError } from "./graph";
export { batchCost, type Clock, costOf, intuneRequestLimits, type LimiterPermit, type RequestCost, RequestLimiter, type RequestLimits } from "./limiter";
export { defaultRetryPolicy, parseRetryAfterInMs, RetryPolicyHandler, type RetryPolicyHooks, type RetryPolicyOptions } from "./retry";
export { configure, handler, type ResourceKind } from "./dispatch";
export { ProviderRun, type ProviderRunOptions } from "./run";
export { DEFAULT_SCOPE_TAG_ID, scopeTagHandler, scopeTagInputsSchema, type ScopeTagInputs, type ScopeTagOutputs } from "./resources/scopeTag";
export type { CheckResult, ReadResult, ResourceHandler } from "./resources/types";
