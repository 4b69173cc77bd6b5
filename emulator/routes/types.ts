// The shapes the request pipeline (server.ts) passes between its stages, shared by every route family.
import type { AccessTokenClaims, AppRegistration, TokenService } from "../auth";
import type { ChaosSettings } from "../chaos";
import type { Dialect } from "../dialects";
import type { EmulatorHttpError } from "../errors";
import type { EmulatorStore } from "../store";
import type { Clock, ThrottleLimits } from "../throttle";
import type { SchemaIndex } from "../validation";
import type { ListQuery } from "./query";

/** A request as the pipeline sees it (also used for `$batch` sub-requests). */
export interface EmulatorRequest {
  readonly method: string;
  /** Path without query; `collection('id')` keys rewritten to `collection/id`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Path and query as sent (for the log and fault matching). */
  readonly pathAndQuery: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
  /** Parsed JSON body (undefined when empty or not JSON). */
  readonly body: unknown;
  /** Why the body could not be read (invalid JSON, too large): answered in the validate stage, after auth. */
  readonly bodyError?: EmulatorHttpError;
  readonly requestId: string;
  readonly clientRequestId: string;
}

/**
 * Entities a handler answers with, before the serializer renders them in the tenant's dialect.
 * `typeName` is used for items without `@odata.type`; items with neither are written as they are.
 */
export type ResourcePayload =
  | {
      readonly kind: "entity";
      /** Fragment after `$metadata#`. */
      readonly context: string;
      /** Resource path named in the `@microsoft.graph.tips` example, e.g. `deviceManagement/roleScopeTags`. */
      readonly tipsPath: string;
      readonly typeName?: string;
      readonly item: Record<string, unknown>;
      readonly select?: readonly string[];
    }
  | {
      readonly kind: "collection";
      readonly context: string;
      readonly tipsPath: string;
      readonly typeName?: string;
      readonly items: readonly Record<string, unknown>[];
      readonly query: ListQuery;
      /** `isof(...)` in `$filter`. */
      readonly isOf?: (item: Record<string, unknown>, type: string) => boolean;
      /** Navigation collections an `$expand` adds to each row of the page (after paging and `$select`), by name. */
      readonly expand?: (row: Record<string, unknown>) => Record<string, { readonly context: string; readonly items: readonly Record<string, unknown>[] }>;
    };

/** A response before it is written (or embedded in a `$batch` answer). */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Plain-text body (`$count`). */
  text?: string;
  /** Entities for the serializer stage to render into `body`. */
  resource?: ResourcePayload;
  /** Internal: a `$batch` sub-request asked for `reset-after`, so the batch connection is dropped after the commit. */
  dropConnection?: boolean;
}

export const ASSIGNMENTS_EXPAND = ["answered", "refused", "empty"] as const;
export type AssignmentsExpand = (typeof ASSIGNMENTS_EXPAND)[number];

/** Settings that the control API can change while running. */
export interface EmulatorRuntimeConfig {
  /** Enforce Intune's request limits (429 with Retry-After). */
  throttling: boolean;
  throttleLimits: ThrottleLimits;
  /** GETs of a just-created profile that answer 404 first (Intune's eventual consistency). */
  readAfterCreate404Count: number;
  /**
   * DELETE of a profile another profile links to (a root, a certificate profile): `dangle` deletes it
   * and leaves the link dangling (reads of it answer 404); `refuse` answers 400 naming the referrers.
   * Nobody has published which one Intune does (docs/graph-behaviour.md), so tests run under both.
   */
  referencedDelete: "dangle" | "refuse";
  /**
   * `$expand=assignments` on the device configuration collection: `answered` adds each profile's
   * assignments (what public tools rely on), `refused` answers 400, `empty` adds an empty list (what
   * Terraform's provider met on settings-catalog policies). Which one Intune does for every type and page
   * is not captured (docs/graph-behaviour.md), so tests run under all three.
   */
  assignmentsExpand: AssignmentsExpand;
  /** Page size of collections when the client gives no `$top`. */
  pageSize: number;
  tokenLifetimeInSeconds: number;
  /** Application permissions in newly issued tokens. */
  grantedRoles: string[];
  /** How GET answers render properties nobody set. */
  dialect: Dialect;
  /** Seeded random faults on Graph requests (rate 0: off). */
  chaos: ChaosSettings;
}

/** What handlers can reach. */
export interface GraphEnvironment {
  readonly store: EmulatorStore;
  readonly index: SchemaIndex;
  readonly config: EmulatorRuntimeConfig;
  readonly app: AppRegistration;
  readonly tokens: TokenService;
  readonly graphEndpoint: string;
  readonly authorityHost: string;
  readonly clock: Clock;
}

/** Per-request state passed along the pipeline. */
export interface RouteContext {
  readonly req: EmulatorRequest;
  /** Decoded capture groups of the route pattern. */
  readonly params: readonly string[];
  /** `beta`, `v1.0`, or `` for Entra ID routes. */
  readonly version: string;
  readonly env: GraphEnvironment;
  claims?: AccessTokenClaims;
  validated?: unknown;
}

/** Which module a route belongs to; chaos leaves `identity` alone unless asked. */
export type RouteFamily = "identity" | "deviceConfigurations" | "deviceStatus" | "assignments" | "scopeTags" | "groups" | "batch";

/** One entry of the route table. */
export interface Route {
  readonly name: string;
  readonly family: RouteFamily;
  readonly method: string;
  /** Matched against the path after the version segment. */
  readonly pattern: RegExp;
  /** API versions serving it; empty for Entra ID endpoints (no version segment). */
  readonly versions: readonly string[];
  /** Needs a valid bearer token (implied by `permission`). */
  readonly authenticate?: boolean;
  /** Application permissions, any of which allows the call; undefined = no role needed. */
  readonly permission?: readonly string[];
  /** Counted as a write by throttling. */
  readonly write: boolean;
  /** Counted by the throttle windows (every permission-checked Graph call; `$batch` counts its sub-requests instead). */
  readonly throttled?: boolean;
  readonly validate?: (ctx: RouteContext) => void;
  readonly handle: (ctx: RouteContext) => EmulatorResponse | Promise<EmulatorResponse>;
}

/** What one request came to: the response, a connection fault, and the faults injected on the way. */
export interface Outcome {
  response: EmulatorResponse;
  /** Connection fault to apply instead of (before) or after answering. */
  reset?: "before" | "after";
  /** Names of injected faults (for the request log). */
  faults: readonly string[];
}

/** Graph's JSON content type. */
export const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
export const AAD_JSON = "application/json; charset=utf-8";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { "content-type": GRAPH_JSON, ...headers }, body };
}
export function empty(status: number): EmulatorResponse {
  return { status, headers: {} };
}
export function text(status: number, value: string): EmulatorResponse {
  return { status, headers: { "content-type": "text/plain;charset=utf-8" }, text: value };
}
export function resource(status: number, payload: ResourcePayload): EmulatorResponse {
  return { status, headers: { "content-type": GRAPH_JSON }, resource: payload };
}

/** One entry of the request log (`GET /_emulator/requests`). */
export interface LoggedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  /** 0 when the connection was reset before any answer. */
  status: number;
  /** Parsed JSON request body, or null. */
  readonly body: unknown;
  /** ISO time the request arrived. */
  readonly time: string;
  readonly requestId: string;
  /** Injected faults, comma-joined (`chaos:` marks the seeded random ones). */
  fault?: string;
  /** Set for `$batch` sub-requests: the id inside the batch. */
  readonly batchRequestId?: string;
}
