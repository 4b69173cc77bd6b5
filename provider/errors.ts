// One small error family. Callers check `name` (via the is… guards), not `instanceof`, so the checks
// survive two copies of this package in one process (the program's and the provider's).

/** Names of the errors this package throws. */
export const IntuneErrorNames = {
  configuration: "IntuneConfigurationError",
  validation: "IntuneValidationError",
  graphRequest: "GraphRequestError",
  resourceInit: "IntuneResourceInitError",
  tenantState: "IntuneTenantStateError",
} as const;

/** Base of every error thrown by pulumi-intune. */
export class IntuneError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Provider configuration is missing or inconsistent (tenant, client, endpoints). */
export class IntuneConfigurationError extends IntuneError {
  constructor(message: string) {
    super(IntuneErrorNames.configuration, message);
  }
}

/** One failed rule on one input property. */
export interface ValidationFailure {
  /** Property path, e.g. `settings.hostName` or `targets[1].groupId`. */
  readonly property: string;
  /** "`hostName` must be a DNS host name, got \"a b\"". */
  readonly reason: string;
}

/** Inputs broke one or more rules; raised only where `check` could not report them itself. */
export class IntuneValidationError extends IntuneError {
  readonly failures: readonly ValidationFailure[];
  constructor(failures: readonly ValidationFailure[]) {
    super(IntuneErrorNames.validation, failures.map((f) => f.reason).join("; "));
    this.failures = failures;
  }
}

/** Microsoft Graph permissions this provider needs, by the kind of request. */
export const GraphPermissions = {
  deviceConfiguration: "DeviceManagementConfiguration.ReadWrite.All",
  rbac: "DeviceManagementRBAC.ReadWrite.All",
  groups: "Group.Read.All",
} as const;

/** Which permission a request path needs (used to name it on 401/403). */
export function permissionForPath(path: string): string {
  if (/\/roleScopeTags/i.test(path)) return GraphPermissions.rbac;
  if (/\/groups/i.test(path)) return GraphPermissions.groups;
  return GraphPermissions.deviceConfiguration;
}

/** Options of {@link GraphRequestError}. */
export interface GraphRequestErrorOptions {
  readonly statusCode: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly method: string;
  readonly path: string;
  /** The service's own message. */
  readonly serviceMessage?: string;
  /** How many times the request was sent (retries included). */
  readonly attempts?: number;
  /** From the first send to the final answer, waits included. */
  readonly elapsedInMs?: number;
}

/** A Graph call failed: keeps status, Graph error code, request-id and what was asked. */
export class GraphRequestError extends IntuneError {
  readonly statusCode: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly method: string;
  readonly path: string;
  /** Set on 401/403: the application permission the call needs. */
  readonly missingPermission?: string;
  /** How many times the request was sent; 1 when it was not retried. */
  readonly attempts: number;

  constructor(options: GraphRequestErrorOptions) {
    const { statusCode, code, requestId, method, path, serviceMessage, attempts = 1, elapsedInMs } = options;
    const missing = statusCode === 401 || statusCode === 403 ? permissionForPath(path) : undefined;
    const retried = attempts > 1 ? ` after ${attempts} attempts${elapsedInMs !== undefined ? ` in ${(elapsedInMs / 1000).toFixed(1)} s` : ""}` : "";
    const parts = [`${method} ${path} failed with ${statusCode}${code ? ` ${code}` : ""}${retried}`];
    if (serviceMessage) parts.push(serviceMessage);
    if (missing) {
      parts.push(
        statusCode === 403
          ? `the app registration needs the Microsoft Graph application permission ${missing} (with admin consent)`
          : `the access token was rejected; check the tenant, the client credentials and that the app has ${missing}`,
      );
    }
    if (requestId) parts.push(`request-id ${requestId}`);
    super(IntuneErrorNames.graphRequest, parts.join(": "));
    this.statusCode = statusCode;
    this.code = code;
    this.requestId = requestId;
    this.method = method;
    this.path = path;
    this.missingPermission = missing;
    this.attempts = attempts;
  }
}

/**
 * The object was created but a later step failed. Pulumi records it (with `id` and `properties`) as
 * created-with-errors, so nothing is orphaned and the next `up` finishes the job through `update`.
 */
export class IntuneResourceInitError extends IntuneError {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[] = [message],
  ) {
    super(IntuneErrorNames.resourceInit, message);
  }
}

/**
 * The tenant's object is not in the state an operation needs: it disappeared during the operation,
 * cannot be read back after a write, or has something this resource does not own in its way.
 */
export class IntuneTenantStateError extends IntuneError {
  constructor(message: string) {
    super(IntuneErrorNames.tenantState, message);
  }
}

function hasName(e: unknown, name: string): boolean {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === name;
}

export function isIntuneConfigurationError(e: unknown): e is IntuneConfigurationError {
  return hasName(e, IntuneErrorNames.configuration);
}
export function isIntuneValidationError(e: unknown): e is IntuneValidationError {
  return hasName(e, IntuneErrorNames.validation);
}
export function isIntuneTenantStateError(e: unknown): e is IntuneTenantStateError {
  return hasName(e, IntuneErrorNames.tenantState);
}
export function isGraphRequestError(e: unknown): e is GraphRequestError {
  return hasName(e, IntuneErrorNames.graphRequest);
}
/** A Graph 404: the object is gone. */
export function isNotFound(e: unknown): boolean {
  return isGraphRequestError(e) && e.statusCode === 404;
}
