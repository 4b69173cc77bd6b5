// One place builds every error the emulator puts on the wire, so status, code and body shape stay
// consistent across routes (the Azurite pattern: handlers throw, the pipeline renders).

/** Which wire format an error uses: Graph's `{error:{code,message,innerError}}` or Entra ID's OAuth body. */
export type ErrorWireFormat = "graph" | "aad";

/** An error that the pipeline turns into an HTTP response. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly format: ErrorWireFormat = "graph",
    readonly headers: Readonly<Record<string, string>> = {},
    /** For `aad` errors: the numeric AADSTS code. */
    readonly aadCode?: number,
  ) {
    super(message);
    this.name = "EmulatorHttpError";
  }

  /** The JSON body, stamped with the ids and time of the request it answers. */
  toBody(requestId: string, clientRequestId: string, now: Date): Record<string, unknown> {
    if (this.format === "aad") {
      return {
        error: this.code,
        error_description: `AADSTS${this.aadCode}: ${this.message} Trace ID: ${requestId} Correlation ID: ${clientRequestId} Timestamp: ${now.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}`,
        error_codes: [this.aadCode],
        timestamp: now.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
        trace_id: requestId,
        correlation_id: clientRequestId,
        error_uri: `https://login.microsoftonline.com/error?code=${this.aadCode}`,
      };
    }
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: { "request-id": requestId, date: now.toISOString().replace(/\.\d+Z$/, ""), "client-request-id": clientRequestId },
      },
    };
  }
}

/** True when `e` came from {@link GraphErrorFactory}. */
export function isEmulatorHttpError(e: unknown): e is EmulatorHttpError {
  return e instanceof EmulatorHttpError;
}

const graph = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  new EmulatorHttpError(status, code, message, "graph", headers);
const aad = (status: number, error: string, aadCode: number, message: string) =>
  new EmulatorHttpError(status, error, message, "aad", {}, aadCode);

/** Every error the emulator answers with, one static method per wire error. */
export class GraphErrorFactory {
  // ---- routing and request shape ----
  static segmentNotFound(segment: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
  }
  static unsupportedVersion(version: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid version: ${version}`);
  }
  static methodNotAllowed(method: string, path: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The HTTP method '${method}' is not supported on '${path}'.`);
  }
  static invalidJson(detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The request body is not valid JSON: ${detail}`);
  }
  static bodyRequired(): EmulatorHttpError {
    return graph(400, "BadRequest", "A request body is required.");
  }
  static payloadTooLarge(limitInBytes: number): EmulatorHttpError {
    return graph(413, "RequestEntityTooLarge", `The request body exceeds ${limitInBytes} bytes.`);
  }
  static invalidQueryOption(option: string, detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid query option '${option}': ${detail}`);
  }
  static expandNotSupported(): EmulatorHttpError {
    return graph(400, "BadRequest", "The query specified in the URI is not valid. $expand is not supported on this resource.");
  }
  static invalidFilter(filter: string, detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid filter clause '${filter}': ${detail}`);
  }
  static invalidSkipToken(): EmulatorHttpError {
    return graph(400, "BadRequest", "The $skiptoken is invalid or expired.");
  }
  static selectUnknownProperty(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Could not find a property named '${property}' on type '${type}'.`);
  }

  // ---- body validation ----
  static unknownProperty(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type.`);
  }
  static invalidPropertyValue(property: string, value: unknown, expected: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid value '${render(value)}' for property '${property}'; expected ${expected}.`);
  }
  static invalidEnumValue(property: string, value: unknown, enumType: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid value '${render(value)}' for property '${property}': the value is not a member of enum type '${enumType}'.`);
  }
  static nullNotAllowed(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `A null value was found for the property named '${property}', which has the expected type '${type}[Nullable=False]'. The expected type does not allow null values.`);
  }
  static readOnlyProperty(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Property '${property}' on type '${type}' is read-only and cannot be set by the client.`);
  }
  static missingRequiredProperty(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The required property '${property}' of type '${type}' is missing or empty.`);
  }
  static missingODataType(baseType: string): EmulatorHttpError {
    return graph(400, "BadRequest", `An '@odata.type' annotation is required: '${baseType}' is abstract and cannot be created.`);
  }
  static unknownODataType(odataType: string, baseType: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The type '${odataType}' is not a concrete type derived from '${baseType}'.`);
  }
  static typeMismatch(sent: string, stored: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The '@odata.type' '${sent}' does not match the type of the existing entity '${stored}'.`);
  }
  static unknownAnnotation(annotation: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The annotation '${annotation}' is not supported in a request body.`);
  }
  static invalidBind(property: string, detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid reference for navigation property '${property}': ${detail}`);
  }
  static unknownNavigation(property: string, type: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Navigation property '${property}' does not exist on type '${type}' or is not a single-valued reference.`);
  }
  static invalidReferenceTarget(property: string, targetType: string, expectedType: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The entity of type '${targetType}' cannot be linked by '${property}', which expects '${expectedType}'.`);
  }
  static referenceTargetNotFound(property: string, id: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The entity '${id}' referenced by '${property}' does not exist.`);
  }
  static unknownRoleScopeTag(id: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Role scope tag '${id}' does not exist.`);
  }
  static unknownGroup(groupId: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Group '${groupId}' referenced by the assignment target does not exist in the tenant.`);
  }
  static duplicateAssignment(target: string): EmulatorHttpError {
    return graph(400, "BadRequest", `The assignment target '${target}' is given more than once.`);
  }
  static duplicateDisplayName(collection: string, displayName: string): EmulatorHttpError {
    return graph(400, "BadRequest", `A ${collection} object with displayName '${displayName}' already exists.`);
  }
  static referencedByOthers(id: string, referrers: readonly string[]): EmulatorHttpError {
    return graph(400, "BadRequest", `deviceConfiguration '${id}' is referenced by ${referrers.map((r) => `'${r}'`).join(", ")} and cannot be deleted; remove those references first.`);
  }
  static builtInReadOnly(id: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Role scope tag '${id}' is built in and cannot be modified or deleted.`);
  }

  // ---- resources ----
  static resourceNotFound(what: string): EmulatorHttpError {
    return graph(404, "ResourceNotFound", `Resource not found: ${what}`);
  }
  static directoryObjectNotFound(id: string): EmulatorHttpError {
    return graph(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }
  static countNeedsConsistencyLevel(): EmulatorHttpError {
    return graph(400, "Request_BadRequest", "Count is not currently supported without the header 'ConsistencyLevel: eventual'.");
  }

  // ---- $batch ----
  static batchInvalid(detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", `Invalid batch payload: ${detail}`);
  }
  static batchTooLarge(count: number): EmulatorHttpError {
    return graph(400, "BadRequest", `The batch contains ${count} requests; the limit is 20.`);
  }
  static failedDependency(id: string): EmulatorHttpError {
    return graph(424, "FailedDependency", `The request depends on request '${id}', which failed.`);
  }

  // ---- auth (Graph side) ----
  static tokenMissing(): EmulatorHttpError {
    return graph(401, "InvalidAuthenticationToken", "Access token is empty.", { "www-authenticate": 'Bearer realm="", error="invalid_token"' });
  }
  static tokenInvalid(detail: string): EmulatorHttpError {
    return graph(401, "InvalidAuthenticationToken", `Access token validation failure. ${detail}`, { "www-authenticate": 'Bearer realm="", error="invalid_token"' });
  }
  static tokenExpired(): EmulatorHttpError {
    return graph(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.", { "www-authenticate": 'Bearer realm="", error="invalid_token"' });
  }
  static forbidden(requiredAnyOf: readonly string[]): EmulatorHttpError {
    return graph(403, "Forbidden", `Application is not authorized to perform this operation. Application must have one of the following scopes: ${requiredAnyOf.join(", ")}`);
  }

  // ---- throttling and injected faults ----
  /** Without `retryAfterInSeconds` the header is left out, as some Intune endpoints do. */
  static tooManyRequests(retryAfterInSeconds?: number): EmulatorHttpError {
    if (retryAfterInSeconds === undefined) return graph(429, "TooManyRequests", "Too many requests.");
    return graph(429, "TooManyRequests", `Too many requests. Retry after ${retryAfterInSeconds} seconds.`, { "retry-after": String(retryAfterInSeconds) });
  }
  static serviceUnavailable(retryAfterInSeconds?: number): EmulatorHttpError {
    return graph(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.", retryAfterInSeconds === undefined ? {} : { "retry-after": String(retryAfterInSeconds) });
  }
  static badGateway(): EmulatorHttpError {
    return graph(502, "BadGateway", "The gateway received an invalid response from the upstream service.");
  }
  static gatewayTimeout(): EmulatorHttpError {
    return graph(504, "GatewayTimeout", "The gateway did not receive a timely response from the upstream service.");
  }
  static internalError(detail = "An internal server error occurred."): EmulatorHttpError {
    return graph(500, "InternalServerError", detail);
  }
  static unknownFault(spec: string, known: readonly string[]): EmulatorHttpError {
    return graph(400, "BadRequest", `Unknown fault '${spec}'. Known: ${known.join(", ")}.`);
  }
  static controlBadRequest(detail: string): EmulatorHttpError {
    return graph(400, "BadRequest", detail);
  }

  // ---- Microsoft Entra ID token endpoint (AADSTS) ----
  static aadTenantNotFound(tenant: string): EmulatorHttpError {
    return aad(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  static aadApplicationNotFound(clientId: string, tenant: string): EmulatorHttpError {
    return aad(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant.`);
  }
  static aadInvalidClientSecret(clientId: string): EmulatorHttpError {
    return aad(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  static aadMissingClientSecret(): EmulatorHttpError {
    return aad(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  static aadMissingParameter(name: string): EmulatorHttpError {
    return aad(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);
  }
  static aadUnsupportedGrantType(grantType: string): EmulatorHttpError {
    return aad(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
  static aadInvalidScope(scope: string): EmulatorHttpError {
    return aad(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  static aadResourceNotFound(resource: string, tenant: string): EmulatorHttpError {
    return aad(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}.`);
  }
}

function render(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
