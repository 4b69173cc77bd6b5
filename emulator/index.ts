// Public API of the Intune Graph emulator (also run as the `pulumi-intune-emulator` bin).
export {
  createServer,
  EmulatorServer,
  ServerStatus,
  normalizeKeySegments,
  DEFAULT_TENANT_ID,
  DEFAULT_CLIENT_ID,
  type EmulatorInfo,
  type EmulatorOptions,
  type LoggedRequest,
} from "./server";
export {
  EmulatorStore,
  SEEDED_GROUPS,
  ALL_DEVICES_TARGET_ID,
  ALL_LICENSED_USERS_TARGET_ID,
  initialState,
  type EmulatorState,
  type EntityReference,
  type GroupSeed,
  type StoredDeviceConfiguration,
  type StoredGroup,
} from "./store";
export { ASSIGNMENTS_EXPAND, type AssignmentsExpand } from "./routes/types";
export { seedDeviceConfiguration, seedPortalAssignment, type SeedAssignmentTarget } from "./seed";
export { FILTERS as PORTAL_TENANT_FILTERS, PORTAL_ROOT_CERTIFICATES, type PortalTenant, seedPortalTenant } from "./portalTenant";
export { GraphErrorFactory, EmulatorHttpError, isEmulatorHttpError, type ErrorWireFormat } from "./errors";
export { DEFAULT_GRANTED_ROLES, type AccessTokenClaims, type AppRegistration } from "./auth";
export { ensureCertificates, type CertificateSet } from "./certs";
export { FAULT_NAMES, parseFaults, FaultQueue, type FaultName, type FaultSpec, type FaultRule, type FaultRuleInput } from "./faults";
export { ThrottleWindows, INTUNE_THROTTLE_LIMITS, systemClock, type Clock, type ThrottleLimits, type ThrottleDecision } from "./throttle";
export { parseFilter, evaluateFilter, type FilterNode } from "./filter";
export { SchemaIndex, validateEntityBody, validateValue, validateComplex, validateEnum, materialise, type ValidatedEntityBody } from "./validation";
export { parseEntityUrl, type EmulatorRuntimeConfig, type EmulatorRequest, type EmulatorResponse } from "./routes/index";
export { DIALECTS, isDialect, schemaDefault, liveDefault, unsetValue, flagsInBitOrder, renderEntity, selectTip, type Dialect } from "./dialects";
export { CHAOS_MIX, ChaosEngine, chaosDraw, parseChaosSettings, type ChaosKind, type ChaosReport, type ChaosSettings, type ChaosDraw } from "./chaos";
