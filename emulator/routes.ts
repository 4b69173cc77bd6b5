// The route table: every Graph and Entra ID endpoint the emulator serves, with its permission, its
// request validation and its handler. The pipeline in server.ts runs them in a fixed order
// (route -> validation -> auth -> throttling -> handler), so each handler only does the business part.
import { shortTypeName } from "../schema/index";
import { type AccessTokenClaims, type AppRegistration, type TokenService, checkTokenRequest, openIdConfiguration } from "./auth";
import { GraphErrorFactory } from "./errors";
import { type FilterNode, evaluateFilter, filterProperties, parseFilter } from "./filter";
import {
  ALL_DEVICES_TARGET_ID,
  ALL_LICENSED_USERS_TARGET_ID,
  type EmulatorStore,
  type EntityReference,
  type StoredDeviceConfiguration,
} from "./store";
import type { Clock, ThrottleLimits } from "./throttle";
import { type SchemaIndex, type ValidatedEntityBody, materialise, validateEntityBody } from "./validation";

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
  readonly requestId: string;
  readonly clientRequestId: string;
}

/** A response before it is written (or embedded in a `$batch` answer). */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Plain-text body (`$count`). */
  text?: string;
  /** Internal: a `$batch` sub-request asked for `reset-after`, so the batch connection is dropped after the commit. */
  dropConnection?: boolean;
}

/** Settings that the control API can change while running. */
export interface EmulatorRuntimeConfig {
  /** Enforce Intune's request limits (429 with Retry-After). */
  throttling: boolean;
  throttleLimits: ThrottleLimits;
  /** GETs of a just-created profile that answer 404 first (Intune's eventual consistency). */
  readAfterCreate404Count: number;
  /** Page size of collections when the client gives no `$top`. */
  pageSize: number;
  tokenLifetimeInSeconds: number;
  /** Application permissions in newly issued tokens. */
  grantedRoles: string[];
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

/** One entry of the route table. */
export interface Route {
  readonly name: string;
  readonly method: string;
  /** Matched against the path after the version segment. */
  readonly pattern: RegExp;
  /** API versions serving it; empty for Entra ID endpoints (no version segment). */
  readonly versions: readonly string[];
  /** Application permissions, any of which allows the call; undefined = no bearer token needed. */
  readonly permission?: readonly string[];
  /** Counted as a write by throttling and triggers persistence. */
  readonly write: boolean;
  readonly validate?: (ctx: RouteContext) => void;
  readonly handle: (ctx: RouteContext) => EmulatorResponse | Promise<EmulatorResponse>;
}

/** Graph's JSON content type. */
export const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const AAD_JSON = "application/json; charset=utf-8";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { "content-type": GRAPH_JSON, ...headers }, body };
}
function empty(status: number): EmulatorResponse {
  return { status, headers: {} };
}
function text(status: number, value: string): EmulatorResponse {
  return { status, headers: { "content-type": "text/plain;charset=utf-8" }, text: value };
}

// ---- permissions ----
const CONFIG_READ = ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"];
const CONFIG_WRITE = ["DeviceManagementConfiguration.ReadWrite.All"];
const RBAC_READ = ["DeviceManagementRBAC.Read.All", "DeviceManagementRBAC.ReadWrite.All"];
const RBAC_WRITE = ["DeviceManagementRBAC.ReadWrite.All"];
const GROUP_READ = ["Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

// ---- server-owned members ----
const DEVICE_CONFIGURATION_READ_ONLY = new Set(["id", "createdDateTime", "lastModifiedDateTime", "version", "supportsScopeTags"]);
const ROLE_SCOPE_TAG_READ_ONLY = new Set(["id", "isBuiltIn"]);
const ID_ONLY = new Set(["id"]);

function metadata(ctx: RouteContext, fragment: string): string {
  return `${ctx.env.graphEndpoint}/${ctx.version}/$metadata#${fragment}`;
}

// ---- query options ----

const KNOWN_QUERY_OPTIONS = new Set(["$filter", "$top", "$skip", "$skiptoken", "$select", "$orderby", "$count", "$expand", "$search", "$format"]);

interface ListQuery {
  filter?: FilterNode;
  top?: number;
  offset: number;
  select?: string[];
  orderBy?: { property: string; descending: boolean };
  count: boolean;
}

function checkQueryOptionNames(query: URLSearchParams, allowExpand = false): void {
  for (const name of query.keys()) {
    if (!name.startsWith("$")) continue;
    if (!KNOWN_QUERY_OPTIONS.has(name)) throw GraphErrorFactory.invalidQueryOption(name, "the query option is not supported");
    if (name === "$expand" && !allowExpand) throw GraphErrorFactory.expandNotSupported();
    if (name === "$search") throw GraphErrorFactory.invalidQueryOption(name, "$search is not supported on this resource");
  }
}

function parseSelect(query: URLSearchParams, known: ReadonlySet<string>, typeLabel: string): string[] | undefined {
  const raw = query.get("$select");
  if (raw === null) return undefined;
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!known.has(n)) throw GraphErrorFactory.selectUnknownProperty(n, typeLabel);
  return names;
}

/** Validates the query of a collection GET (runs in the validation step). */
function listQueryValidator(knownProperties: (env: GraphEnvironment) => ReadonlySet<string>, typeLabel: string) {
  return (ctx: RouteContext): void => {
    const q = ctx.req.query;
    checkQueryOptionNames(q);
    const known = knownProperties(ctx.env);
    const result: ListQuery = { offset: 0, count: q.get("$count") === "true" };
    const filterText = q.get("$filter");
    if (filterText !== null) {
      result.filter = parseFilter(filterText);
      for (const p of filterProperties(result.filter)) if (!known.has(p)) throw GraphErrorFactory.selectUnknownProperty(p, typeLabel);
    }
    const top = q.get("$top");
    if (top !== null) {
      const n = Number(top);
      if (!Number.isInteger(n) || n < 1 || n > 999) throw GraphErrorFactory.invalidQueryOption("$top", `'${top}' must be an integer from 1 to 999`);
      result.top = n;
    }
    const skip = q.get("$skip");
    if (skip !== null) {
      const n = Number(skip);
      if (!Number.isInteger(n) || n < 0) throw GraphErrorFactory.invalidQueryOption("$skip", `'${skip}' must be a non-negative integer`);
      result.offset = n;
    }
    const token = q.get("$skiptoken");
    if (token !== null) result.offset = decodeSkipToken(token);
    result.select = parseSelect(q, known, typeLabel);
    const orderBy = q.get("$orderby");
    if (orderBy !== null) {
      const m = /^\s*([A-Za-z0-9_]+)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
      if (!m || !known.has(m[1])) throw GraphErrorFactory.invalidQueryOption("$orderby", `'${orderBy}' is not a supported ordering`);
      result.orderBy = { property: m[1], descending: (m[2] ?? "").toLowerCase() === "desc" };
    }
    ctx.validated = result;
  };
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof parsed.o === "number" && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw GraphErrorFactory.invalidSkipToken();
}

function project(item: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  if (item["@odata.type"] !== undefined) out["@odata.type"] = item["@odata.type"];
  for (const name of select) if (name in item) out[name] = item[name];
  return out;
}

/** Filters, orders, pages and projects a collection; adds `@odata.nextLink` when more remain. */
function listResponse(ctx: RouteContext, items: Record<string, unknown>[], contextFragment: string, isOf?: (item: Record<string, unknown>, type: string) => boolean): EmulatorResponse {
  const q = ctx.validated as ListQuery;
  const typeTest = isOf ?? (() => false);
  let rows = q.filter ? items.filter((i) => evaluateFilter(q.filter!, i, typeTest)) : items;
  if (q.orderBy) {
    const { property, descending } = q.orderBy;
    rows = [...rows].sort((a, b) => {
      const x = a[property] as string | number;
      const y = b[property] as string | number;
      const c = x === y ? 0 : x === null || x === undefined ? -1 : y === null || y === undefined ? 1 : x < y ? -1 : 1;
      return descending ? -c : c;
    });
  }
  const pageSize = q.top ?? ctx.env.config.pageSize;
  const page = rows.slice(q.offset, q.offset + pageSize).map((r) => project(r, q.select));
  const body: Record<string, unknown> = { "@odata.context": metadata(ctx, contextFragment) };
  if (q.count) body["@odata.count"] = rows.length;
  if (q.offset + pageSize < rows.length) {
    const next = new URLSearchParams(ctx.req.query);
    next.delete("$skip");
    next.set("$skiptoken", encodeSkipToken(q.offset + pageSize));
    body["@odata.nextLink"] = `${ctx.env.graphEndpoint}${ctx.req.path}?${next.toString().replace(/%24/g, "$")}`;
  }
  body.value = page;
  return json(200, body);
}

/** Validates the query of a single-entity GET: `$select` only. */
function entityQueryValidator(knownProperties: (env: GraphEnvironment) => ReadonlySet<string>, typeLabel: string) {
  return (ctx: RouteContext): void => {
    checkQueryOptionNames(ctx.req.query);
    for (const name of ctx.req.query.keys()) {
      if (name.startsWith("$") && name !== "$select") throw GraphErrorFactory.invalidQueryOption(name, "the query option is not allowed on a single entity");
    }
    ctx.validated = parseSelect(ctx.req.query, knownProperties(ctx.env), typeLabel);
  };
}

function requireBody(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.req.body;
  if (body === undefined) throw GraphErrorFactory.bodyRequired();
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw GraphErrorFactory.invalidPropertyValue("(body)", body, "a JSON object");
  return body as Record<string, unknown>;
}

// ---- device configurations ----

const allDeviceConfigurationProperties = (() => {
  let cached: Set<string> | undefined;
  return (env: GraphEnvironment): ReadonlySet<string> => {
    if (!cached) {
      cached = new Set(["@odata.type"]);
      for (const [name, flat] of Object.entries(env.index.schema.flattenedDeviceConfigurationTypes)) {
        void name;
        for (const p of flat.properties) cached.add(p.name);
      }
    }
    return cached;
  };
})();

function typeOf(entity: Record<string, unknown>): string {
  return shortTypeName(String(entity["@odata.type"] ?? ""));
}

function profileOr404(ctx: RouteContext, id: string): StoredDeviceConfiguration {
  const stored = ctx.env.store.getDeviceConfiguration(id);
  if (!stored) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
  return stored;
}

interface DeviceConfigurationWrite {
  typeName: string;
  body: ValidatedEntityBody;
}

function validateDeviceConfigurationCreate(ctx: RouteContext): void {
  const body = requireBody(ctx);
  const sent = body["@odata.type"];
  if (sent === undefined) throw GraphErrorFactory.missingODataType("microsoft.graph.deviceConfiguration");
  if (typeof sent !== "string" || !ctx.env.index.isCreatableDeviceConfiguration(sent)) {
    throw GraphErrorFactory.unknownODataType(String(sent), "microsoft.graph.deviceConfiguration");
  }
  const typeName = shortTypeName(sent);
  ctx.validated = {
    typeName,
    body: validateEntityBody(ctx.env.index, typeName, body, { readOnly: DEVICE_CONFIGURATION_READ_ONLY, allowBinds: true, required: ["displayName"] }),
  } satisfies DeviceConfigurationWrite;
}

function validateDeviceConfigurationUpdate(ctx: RouteContext): void {
  const body = requireBody(ctx);
  const sent = body["@odata.type"];
  // Intune deserialises the body by its @odata.type; without one it would be the abstract base type.
  if (sent === undefined) throw GraphErrorFactory.missingODataType("microsoft.graph.deviceConfiguration");
  if (typeof sent !== "string" || !ctx.env.index.isCreatableDeviceConfiguration(sent)) {
    throw GraphErrorFactory.unknownODataType(String(sent), "microsoft.graph.deviceConfiguration");
  }
  const typeName = shortTypeName(sent);
  ctx.validated = {
    typeName,
    body: validateEntityBody(ctx.env.index, typeName, body, { readOnly: DEVICE_CONFIGURATION_READ_ONLY, allowBinds: true }),
  } satisfies DeviceConfigurationWrite;
}

function checkRoleScopeTags(ctx: RouteContext, values: Record<string, unknown>): void {
  const ids = values.roleScopeTagIds;
  if (!Array.isArray(ids)) return;
  for (const id of ids) if (typeof id === "string" && !ctx.env.store.getRoleScopeTag(id)) throw GraphErrorFactory.unknownRoleScopeTag(id);
}

/** `…/deviceConfigurations('id')`, `…/deviceConfigurations/id` or the derivedCredentials equivalents. */
export function parseEntityUrl(url: string): EntityReference | undefined {
  let path = url.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  path = decodeURIComponent(path);
  const m = /(?:^|\/)deviceManagement\/(deviceConfigurations|derivedCredentials)(?:\('([^'()]+)'\)|\(([^'()]+)\)|\/([^/?#()]+))\/?$/.exec(path);
  if (!m) return undefined;
  return { collection: m[1] as EntityReference["collection"], id: m[2] ?? m[3] ?? m[4] };
}

/** Resolves a link for navigation `nav` of `typeName`: target exists and has a type the link accepts. */
function resolveReference(ctx: RouteContext, typeName: string, nav: string, url: string): EntityReference {
  const declared = ctx.env.index.navigations(typeName).find((n) => n.name === nav && !n.containsTarget && !n.collection);
  if (!declared) throw GraphErrorFactory.unknownNavigation(nav, `microsoft.graph.${typeName}`);
  const ref = parseEntityUrl(url);
  if (!ref) throw GraphErrorFactory.invalidBind(nav, `'${url}' is not the URL of a deviceConfiguration or derivedCredential entity`);
  const expectedShort = shortTypeName(declared.type);
  const wantsDerived = expectedShort === "deviceManagementDerivedCredentialSettings";
  let targetType: string;
  if (ref.collection === "derivedCredentials") {
    if (!ctx.env.store.getDerivedCredential(ref.id)) throw GraphErrorFactory.referenceTargetNotFound(nav, ref.id);
    targetType = "deviceManagementDerivedCredentialSettings";
  } else {
    const target = ctx.env.store.getDeviceConfiguration(ref.id);
    if (!target) throw GraphErrorFactory.referenceTargetNotFound(nav, ref.id);
    targetType = typeOf(target.entity);
  }
  if ((ref.collection === "derivedCredentials") !== wantsDerived || !ctx.env.index.isAssignable(targetType, expectedShort)) {
    throw GraphErrorFactory.invalidReferenceTarget(nav, `microsoft.graph.${targetType}`, declared.type);
  }
  return { collection: ref.collection, id: ref.id };
}

function deviceConfigurationBody(ctx: RouteContext, stored: StoredDeviceConfiguration, select?: readonly string[]): Record<string, unknown> {
  return { "@odata.context": metadata(ctx, "deviceManagement/deviceConfigurations/$entity"), ...project(stored.entity, select) };
}

function castOr400(ctx: RouteContext, stored: StoredDeviceConfiguration, cast: string): string {
  const actual = typeOf(stored.entity);
  if (!ctx.env.index.type(cast) || !ctx.env.index.isAssignable(actual, cast)) {
    throw GraphErrorFactory.segmentNotFound(`microsoft.graph.${cast}`);
  }
  return cast;
}

function singleNavigationOr400(ctx: RouteContext, cast: string, nav: string) {
  const declared = ctx.env.index.navigations(cast).find((n) => n.name === nav);
  if (!declared || declared.containsTarget || declared.collection) throw GraphErrorFactory.segmentNotFound(nav);
  return declared;
}

function referenceTarget(ctx: RouteContext, ref: EntityReference): Record<string, unknown> | undefined {
  if (ref.collection === "derivedCredentials") return ctx.env.store.getDerivedCredential(ref.id);
  return ctx.env.store.getDeviceConfiguration(ref.id)?.entity;
}

function entityUrl(ctx: RouteContext, ref: EntityReference): string {
  return `${ctx.env.graphEndpoint}/${ctx.version}/deviceManagement/${ref.collection}('${ref.id}')`;
}

// ---- assignments ----

function validateAssignmentBody(ctx: RouteContext, raw: unknown): ValidatedEntityBody {
  const v = validateEntityBody(ctx.env.index, "deviceConfigurationAssignment", raw, {});
  if (v.odataType !== undefined && shortTypeName(v.odataType) !== "deviceConfigurationAssignment") {
    throw GraphErrorFactory.unknownODataType(v.odataType, "microsoft.graph.deviceConfigurationAssignment");
  }
  if (!v.values.target) throw GraphErrorFactory.missingRequiredProperty("target", "microsoft.graph.deviceConfigurationAssignment");
  return v;
}

function groupAssignmentToAssignment(ctx: RouteContext, raw: unknown): ValidatedEntityBody {
  const v = validateEntityBody(ctx.env.index, "deviceConfigurationGroupAssignment", raw, {});
  const groupId = v.values.targetGroupId;
  if (typeof groupId !== "string" || !groupId) throw GraphErrorFactory.missingRequiredProperty("targetGroupId", "microsoft.graph.deviceConfigurationGroupAssignment");
  const target = materialise(ctx.env.index, "groupAssignmentTarget", { groupId });
  return {
    binds: {},
    values: { target: { "@odata.type": v.values.excludeGroup ? "#microsoft.graph.exclusionGroupAssignmentTarget" : "#microsoft.graph.groupAssignmentTarget", ...target } },
  };
}

/** A stored assignment entity for `profileId` from validated values; group targets must exist. */
export function buildAssignment(store: EmulatorStore, index: SchemaIndex, profileId: string, values: Record<string, unknown>): Record<string, unknown> {
  const target = values.target as Record<string, unknown>;
  const targetType = shortTypeName(String(target["@odata.type"] ?? ""));
  let suffix: string;
  if (index.isAssignable(targetType, "groupAssignmentTarget")) {
    const groupId = target.groupId;
    if (typeof groupId !== "string" || !groupId) throw GraphErrorFactory.missingRequiredProperty("target/groupId", `microsoft.graph.${targetType}`);
    if (!store.getGroup(groupId)) throw GraphErrorFactory.unknownGroup(groupId);
    suffix = groupId;
  } else if (targetType === "configurationManagerCollectionAssignmentTarget") {
    const collectionId = target.collectionId;
    if (typeof collectionId !== "string" || !collectionId) throw GraphErrorFactory.missingRequiredProperty("target/collectionId", `microsoft.graph.${targetType}`);
    suffix = collectionId;
  } else if (targetType === "allDevicesAssignmentTarget") {
    suffix = ALL_DEVICES_TARGET_ID;
  } else {
    suffix = ALL_LICENSED_USERS_TARGET_ID;
  }
  return materialise(index, "deviceConfigurationAssignment", {
    intent: "apply",
    source: "direct",
    ...values,
    id: `${profileId}_${suffix}`,
  });
}

// ---- role scope tags, derived credentials ----

function validatePlainCreate(typeName: string, readOnly: ReadonlySet<string>, required: readonly string[]) {
  return (ctx: RouteContext): void => {
    const v = validateEntityBody(ctx.env.index, typeName, requireBody(ctx), { readOnly, required });
    if (v.odataType !== undefined && shortTypeName(v.odataType) !== typeName) throw GraphErrorFactory.unknownODataType(v.odataType, `microsoft.graph.${typeName}`);
    ctx.validated = v;
  };
}

function checkUniqueTagName(ctx: RouteContext, displayName: unknown, exceptId?: string): void {
  if (typeof displayName !== "string") return;
  const clash = ctx.env.store
    .listRoleScopeTags()
    .find((t) => String(t.displayName ?? "").toLowerCase() === displayName.toLowerCase() && t.id !== exceptId);
  if (clash) throw GraphErrorFactory.duplicateDisplayName("roleScopeTags", displayName);
}

const propertySet = (typeName: string) => (env: GraphEnvironment) => new Set(env.index.properties(typeName).map((p) => p.name));

const GROUP_PROPERTIES = new Set([
  "id",
  "createdDateTime",
  "description",
  "displayName",
  "groupTypes",
  "mail",
  "mailEnabled",
  "mailNickname",
  "membershipRule",
  "membershipRuleProcessingState",
  "securityEnabled",
  "visibility",
]);

const DC = "^/deviceManagement/deviceConfigurations";
const CAST = "microsoft\\.graph\\.([A-Za-z0-9]+)";

/** Builds the route table (the pipeline adds `$batch`). */
export function buildRoutes(): Route[] {
  const beta = ["beta"];
  const routes: Route[] = [
    // ---- Microsoft Entra ID ----
    {
      name: "openid-configuration",
      method: "GET",
      pattern: /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const tenant = ctx.params[0];
        if (tenant.toLowerCase() !== ctx.env.app.tenantId.toLowerCase() && !["common", "organizations"].includes(tenant.toLowerCase())) {
          throw GraphErrorFactory.aadTenantNotFound(tenant);
        }
        return { status: 200, headers: { "content-type": AAD_JSON }, body: openIdConfiguration(ctx.env.authorityHost, tenant, ctx.env.graphEndpoint) };
      },
    },
    {
      name: "instance-discovery",
      method: "GET",
      pattern: /^\/common\/discovery\/instance$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const host = new URL(ctx.env.authorityHost).host;
        return {
          status: 200,
          headers: { "content-type": AAD_JSON },
          body: {
            tenant_discovery_endpoint: `${ctx.env.authorityHost}/${ctx.env.app.tenantId}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
          },
        };
      },
    },
    {
      name: "jwks",
      method: "GET",
      pattern: /^\/([^/]+)\/discovery(?:\/v2\.0)?\/keys$/,
      versions: [],
      write: false,
      // Emulator tokens are HMAC-signed; there is no public key to publish.
      handle: () => ({ status: 200, headers: { "content-type": AAD_JSON }, body: { keys: [] } }),
    },
    {
      name: "token",
      method: "POST",
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const form = new URLSearchParams(ctx.req.bodyText);
        const knownAudiences = [ctx.env.graphEndpoint, "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
        const grant = checkTokenRequest(ctx.env.app, ctx.params[0], form, ctx.req.headers.authorization, knownAudiences);
        const lifetime = ctx.env.config.tokenLifetimeInSeconds;
        const { token } = ctx.env.tokens.issue(
          grant.audience,
          ctx.env.config.grantedRoles,
          lifetime,
          `${ctx.env.authorityHost}/${ctx.env.app.tenantId}/v2.0`,
        );
        return {
          status: 200,
          headers: { "content-type": AAD_JSON, "cache-control": "no-store, no-cache", pragma: "no-cache" },
          body: { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
        };
      },
    },

    // ---- device configurations ----
    {
      name: "deviceConfigurations.list",
      method: "GET",
      pattern: new RegExp(`${DC}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration"),
      handle: (ctx) =>
        listResponse(
          ctx,
          ctx.env.store.listDeviceConfigurations().map((d) => d.entity),
          "deviceManagement/deviceConfigurations",
          (item, type) => ctx.env.index.isAssignable(typeOf(item), type),
        ),
    },
    {
      name: "deviceConfigurations.listCast",
      method: "GET",
      pattern: new RegExp(`${DC}/${CAST}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: (ctx) => {
        if (!ctx.env.index.type(ctx.params[0]) || !ctx.env.index.isAssignable(ctx.params[0], "deviceConfiguration")) {
          throw GraphErrorFactory.segmentNotFound(`microsoft.graph.${ctx.params[0]}`);
        }
        listQueryValidator(allDeviceConfigurationProperties, `microsoft.graph.${ctx.params[0]}`)(ctx);
      },
      handle: (ctx) =>
        listResponse(
          ctx,
          ctx.env.store
            .listDeviceConfigurations()
            .map((d) => d.entity)
            .filter((e) => ctx.env.index.isAssignable(typeOf(e), ctx.params[0])),
          `deviceManagement/deviceConfigurations/microsoft.graph.${ctx.params[0]}`,
          (item, type) => ctx.env.index.isAssignable(typeOf(item), type),
        ),
    },
    {
      name: "deviceConfigurations.create",
      method: "POST",
      pattern: new RegExp(`${DC}$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validateDeviceConfigurationCreate,
      handle: (ctx) => {
        const { typeName, body } = ctx.validated as DeviceConfigurationWrite;
        checkRoleScopeTags(ctx, body.values);
        const references: Record<string, EntityReference> = {};
        for (const [nav, url] of Object.entries(body.binds)) references[nav] = resolveReference(ctx, typeName, nav, url);
        const created = ctx.env.store.addDeviceConfiguration(typeName, body.values, references, {
          notFoundReads: ctx.env.config.readAfterCreate404Count,
        });
        return json(201, deviceConfigurationBody(ctx, created));
      },
    },
    {
      name: "deviceConfigurations.get",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration"),
      handle: (ctx) => {
        const id = ctx.params[0];
        if (ctx.env.store.consumeNotFoundRead(id)) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
        return json(200, deviceConfigurationBody(ctx, profileOr404(ctx, id), ctx.validated as string[] | undefined));
      },
    },
    {
      name: "deviceConfigurations.update",
      method: "PATCH",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validateDeviceConfigurationUpdate,
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const { typeName, body } = ctx.validated as DeviceConfigurationWrite;
        const storedType = typeOf(stored.entity);
        if (typeName !== storedType) throw GraphErrorFactory.typeMismatch(`#microsoft.graph.${typeName}`, `#microsoft.graph.${storedType}`);
        checkRoleScopeTags(ctx, body.values);
        const references: Record<string, EntityReference> = {};
        for (const [nav, url] of Object.entries(body.binds)) references[nav] = resolveReference(ctx, typeName, nav, url);
        ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, body.values, references);
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.delete",
      method: "DELETE",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        // Links from other profiles are left dangling; reading one then answers 404, as Intune does.
        if (!ctx.env.store.deleteDeviceConfiguration(ctx.params[0])) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${ctx.params[0]}'`);
        return empty(200);
      },
    },
    {
      name: "deviceConfigurations.getCast",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        castOr400(ctx, stored, ctx.params[1]);
        return json(200, deviceConfigurationBody(ctx, stored, ctx.validated as string[] | undefined));
      },
    },
    {
      name: "deviceConfigurations.navigation.get",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: (ctx) => checkQueryOptionNames(ctx.req.query),
      handle: (ctx) => {
        const [id, cast, nav] = ctx.params;
        const stored = profileOr404(ctx, id);
        castOr400(ctx, stored, cast);
        singleNavigationOr400(ctx, cast, nav);
        const ref = stored.references[nav];
        const target = ref && referenceTarget(ctx, ref);
        if (!ref || !target) throw GraphErrorFactory.resourceNotFound(`navigation '${nav}' of deviceConfiguration '${id}'`);
        return json(200, { "@odata.context": metadata(ctx, `deviceManagement/${ref.collection}/$entity`), ...target });
      },
    },
    {
      name: "deviceConfigurations.ref.get",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)/\\$ref$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      handle: (ctx) => {
        const [id, cast, nav] = ctx.params;
        const stored = profileOr404(ctx, id);
        castOr400(ctx, stored, cast);
        singleNavigationOr400(ctx, cast, nav);
        const ref = stored.references[nav];
        if (!ref || !referenceTarget(ctx, ref)) throw GraphErrorFactory.resourceNotFound(`navigation '${nav}' of deviceConfiguration '${id}'`);
        return json(200, { "@odata.context": metadata(ctx, "$ref"), "@odata.id": entityUrl(ctx, ref) });
      },
    },
    {
      name: "deviceConfigurations.ref.set",
      method: "PUT",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)/\\$ref$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: (ctx) => {
        const body = requireBody(ctx);
        for (const k of Object.keys(body)) if (k !== "@odata.id") throw GraphErrorFactory.unknownProperty(k, "$ref");
        if (typeof body["@odata.id"] !== "string") throw GraphErrorFactory.invalidBind(ctx.params[2], "the body must be {\"@odata.id\": \"<entity URL>\"}");
        ctx.validated = body["@odata.id"];
      },
      handle: (ctx) => {
        const [id, cast, nav] = ctx.params;
        const stored = profileOr404(ctx, id);
        castOr400(ctx, stored, cast);
        singleNavigationOr400(ctx, cast, nav);
        const ref = resolveReference(ctx, typeOf(stored.entity), nav, ctx.validated as string);
        ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, {}, { [nav]: ref });
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.ref.delete",
      method: "DELETE",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)/\\$ref$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        const [id, cast, nav] = ctx.params;
        const stored = profileOr404(ctx, id);
        castOr400(ctx, stored, cast);
        singleNavigationOr400(ctx, cast, nav);
        // Removing a link that is not there changes nothing (and keeps the version).
        if (stored.references[nav]) ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, {}, { [nav]: undefined });
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.assign",
      method: "POST",
      pattern: new RegExp(`${DC}/([^/]+)/(?:microsoft\\.graph\\.)?assign$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: (ctx) => {
        const body = requireBody(ctx);
        const assignments: ValidatedEntityBody[] = [];
        for (const [k, v] of Object.entries(body)) {
          if (k !== "assignments" && k !== "deviceConfigurationGroupAssignments") throw GraphErrorFactory.unknownProperty(k, "microsoft.graph.assign");
          if (v === null) continue;
          if (!Array.isArray(v)) throw GraphErrorFactory.invalidPropertyValue(k, v, "a JSON array");
          v.forEach((item) => assignments.push(k === "assignments" ? validateAssignmentBody(ctx, item) : groupAssignmentToAssignment(ctx, item)));
        }
        ctx.validated = assignments;
      },
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const profileId = stored.entity.id as string;
        const built = (ctx.validated as ValidatedEntityBody[]).map((a) => buildAssignment(ctx.env.store, ctx.env.index, profileId, a.values));
        const seen = new Set<string>();
        for (const a of built) {
          if (seen.has(String(a.id))) throw GraphErrorFactory.duplicateAssignment(String(a.id));
          seen.add(String(a.id));
        }
        const value = ctx.env.store.replaceAssignments(profileId, built)!;
        return json(200, { "@odata.context": metadata(ctx, "Collection(microsoft.graph.deviceConfigurationAssignment)"), value });
      },
    },
    {
      name: "deviceConfigurations.assignments.list",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/assignments$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(propertySet("deviceConfigurationAssignment"), "microsoft.graph.deviceConfigurationAssignment"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        return listResponse(ctx, stored.assignments, `deviceManagement/deviceConfigurations('${stored.entity.id}')/assignments`);
      },
    },
    {
      name: "deviceConfigurations.assignments.create",
      method: "POST",
      pattern: new RegExp(`${DC}/([^/]+)/assignments$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: (ctx) => {
        ctx.validated = validateAssignmentBody(ctx, requireBody(ctx));
        if ((ctx.validated as ValidatedEntityBody).values.id !== undefined) throw GraphErrorFactory.readOnlyProperty("id", "microsoft.graph.deviceConfigurationAssignment");
      },
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const profileId = stored.entity.id as string;
        const assignment = buildAssignment(ctx.env.store, ctx.env.index, profileId, (ctx.validated as ValidatedEntityBody).values);
        if (stored.assignments.some((a) => a.id === assignment.id)) throw GraphErrorFactory.duplicateAssignment(String(assignment.id));
        ctx.env.store.addAssignment(profileId, assignment);
        return json(201, { "@odata.context": metadata(ctx, `deviceManagement/deviceConfigurations('${profileId}')/assignments/$entity`), ...assignment });
      },
    },
    {
      name: "deviceConfigurations.assignments.get",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/assignments/([^/]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(propertySet("deviceConfigurationAssignment"), "microsoft.graph.deviceConfigurationAssignment"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const found = stored.assignments.find((a) => String(a.id).toLowerCase() === ctx.params[1].toLowerCase());
        if (!found) throw GraphErrorFactory.resourceNotFound(`deviceConfigurationAssignment '${ctx.params[1]}'`);
        return json(200, {
          "@odata.context": metadata(ctx, `deviceManagement/deviceConfigurations('${stored.entity.id}')/assignments/$entity`),
          ...project(found, ctx.validated as string[] | undefined),
        });
      },
    },
    {
      name: "deviceConfigurations.assignments.delete",
      method: "DELETE",
      pattern: new RegExp(`${DC}/([^/]+)/assignments/([^/]+)$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        profileOr404(ctx, ctx.params[0]);
        if (!ctx.env.store.removeAssignment(ctx.params[0], ctx.params[1])) throw GraphErrorFactory.resourceNotFound(`deviceConfigurationAssignment '${ctx.params[1]}'`);
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.groupAssignments.list",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/groupAssignments$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(propertySet("deviceConfigurationGroupAssignment"), "microsoft.graph.deviceConfigurationGroupAssignment"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const rows = stored.assignments
          .map((a) => a.target as Record<string, unknown>)
          .filter((t) => typeof t?.groupId === "string")
          .map((t) => ({
            id: `${stored.entity.id}_${t.groupId}`,
            targetGroupId: t.groupId,
            excludeGroup: shortTypeName(String(t["@odata.type"])) === "exclusionGroupAssignmentTarget",
          }));
        return listResponse(ctx, rows, `deviceManagement/deviceConfigurations('${stored.entity.id}')/groupAssignments`);
      },
    },

    // ---- derived credentials (targets of derivedCredentialSettings links) ----
    {
      name: "derivedCredentials.list",
      method: "GET",
      pattern: /^\/deviceManagement\/derivedCredentials$/,
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(propertySet("deviceManagementDerivedCredentialSettings"), "microsoft.graph.deviceManagementDerivedCredentialSettings"),
      handle: (ctx) => listResponse(ctx, ctx.env.store.listDerivedCredentials(), "deviceManagement/derivedCredentials"),
    },
    {
      name: "derivedCredentials.create",
      method: "POST",
      pattern: /^\/deviceManagement\/derivedCredentials$/,
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validatePlainCreate("deviceManagementDerivedCredentialSettings", ID_ONLY, ["displayName"]),
      handle: (ctx) => {
        const created = ctx.env.store.addDerivedCredential((ctx.validated as ValidatedEntityBody).values);
        return json(201, { "@odata.context": metadata(ctx, "deviceManagement/derivedCredentials/$entity"), ...created });
      },
    },
    {
      name: "derivedCredentials.get",
      method: "GET",
      pattern: /^\/deviceManagement\/derivedCredentials\/([^/]+)$/,
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(propertySet("deviceManagementDerivedCredentialSettings"), "microsoft.graph.deviceManagementDerivedCredentialSettings"),
      handle: (ctx) => {
        const found = ctx.env.store.getDerivedCredential(ctx.params[0]);
        if (!found) throw GraphErrorFactory.resourceNotFound(`derivedCredential '${ctx.params[0]}'`);
        return json(200, { "@odata.context": metadata(ctx, "deviceManagement/derivedCredentials/$entity"), ...project(found, ctx.validated as string[] | undefined) });
      },
    },
    {
      name: "derivedCredentials.update",
      method: "PATCH",
      pattern: /^\/deviceManagement\/derivedCredentials\/([^/]+)$/,
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validatePlainCreate("deviceManagementDerivedCredentialSettings", ID_ONLY, []),
      handle: (ctx) => {
        if (!ctx.env.store.updateDerivedCredential(ctx.params[0], (ctx.validated as ValidatedEntityBody).values)) {
          throw GraphErrorFactory.resourceNotFound(`derivedCredential '${ctx.params[0]}'`);
        }
        return empty(204);
      },
    },
    {
      name: "derivedCredentials.delete",
      method: "DELETE",
      pattern: /^\/deviceManagement\/derivedCredentials\/([^/]+)$/,
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        if (!ctx.env.store.deleteDerivedCredential(ctx.params[0])) throw GraphErrorFactory.resourceNotFound(`derivedCredential '${ctx.params[0]}'`);
        return empty(204);
      },
    },

    // ---- role scope tags ----
    {
      name: "roleScopeTags.list",
      method: "GET",
      pattern: /^\/deviceManagement\/roleScopeTags$/,
      versions: beta,
      permission: RBAC_READ,
      write: false,
      validate: listQueryValidator(propertySet("roleScopeTag"), "microsoft.graph.roleScopeTag"),
      handle: (ctx) => listResponse(ctx, ctx.env.store.listRoleScopeTags(), "deviceManagement/roleScopeTags"),
    },
    {
      name: "roleScopeTags.create",
      method: "POST",
      pattern: /^\/deviceManagement\/roleScopeTags$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      validate: validatePlainCreate("roleScopeTag", ROLE_SCOPE_TAG_READ_ONLY, ["displayName"]),
      handle: (ctx) => {
        const { values } = ctx.validated as ValidatedEntityBody;
        checkUniqueTagName(ctx, values.displayName);
        const created = ctx.env.store.addRoleScopeTag(values);
        return json(201, { "@odata.context": metadata(ctx, "deviceManagement/roleScopeTags/$entity"), ...created });
      },
    },
    {
      name: "roleScopeTags.get",
      method: "GET",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_READ,
      write: false,
      validate: entityQueryValidator(propertySet("roleScopeTag"), "microsoft.graph.roleScopeTag"),
      handle: (ctx) => {
        const found = ctx.env.store.getRoleScopeTag(ctx.params[0]);
        if (!found) throw GraphErrorFactory.resourceNotFound(`roleScopeTag '${ctx.params[0]}'`);
        return json(200, { "@odata.context": metadata(ctx, "deviceManagement/roleScopeTags/$entity"), ...project(found, ctx.validated as string[] | undefined) });
      },
    },
    {
      name: "roleScopeTags.update",
      method: "PATCH",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      validate: validatePlainCreate("roleScopeTag", ROLE_SCOPE_TAG_READ_ONLY, []),
      handle: (ctx) => {
        const found = ctx.env.store.getRoleScopeTag(ctx.params[0]);
        if (!found) throw GraphErrorFactory.resourceNotFound(`roleScopeTag '${ctx.params[0]}'`);
        if (found.isBuiltIn) throw GraphErrorFactory.builtInReadOnly(String(found.id));
        const { values } = ctx.validated as ValidatedEntityBody;
        if ("displayName" in values && (values.displayName === null || values.displayName === "")) {
          throw GraphErrorFactory.missingRequiredProperty("displayName", "microsoft.graph.roleScopeTag");
        }
        checkUniqueTagName(ctx, values.displayName, String(found.id));
        ctx.env.store.updateRoleScopeTag(String(found.id), values);
        return empty(204);
      },
    },
    {
      name: "roleScopeTags.delete",
      method: "DELETE",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      handle: (ctx) => {
        const found = ctx.env.store.getRoleScopeTag(ctx.params[0]);
        if (!found) throw GraphErrorFactory.resourceNotFound(`roleScopeTag '${ctx.params[0]}'`);
        if (found.isBuiltIn) throw GraphErrorFactory.builtInReadOnly(String(found.id));
        ctx.env.store.deleteRoleScopeTag(String(found.id));
        return empty(204);
      },
    },

    // ---- directory groups (read only, seeded) ----
    {
      name: "groups.list",
      method: "GET",
      pattern: /^\/groups$/,
      versions: ["beta", "v1.0"],
      permission: GROUP_READ,
      write: false,
      validate: listQueryValidator(() => GROUP_PROPERTIES, "microsoft.graph.group"),
      handle: (ctx) => listResponse(ctx, ctx.env.store.listGroups().map((g) => g.entity), "groups"),
    },
    {
      name: "groups.get",
      method: "GET",
      pattern: /^\/groups\/([^/]+)$/,
      versions: ["beta", "v1.0"],
      permission: GROUP_READ,
      write: false,
      validate: entityQueryValidator(() => GROUP_PROPERTIES, "microsoft.graph.group"),
      handle: (ctx) => {
        const found = ctx.env.store.getGroup(ctx.params[0]);
        if (!found) throw GraphErrorFactory.directoryObjectNotFound(ctx.params[0]);
        return json(200, { "@odata.context": metadata(ctx, "groups/$entity"), ...project(found.entity, ctx.validated as string[] | undefined) });
      },
    },
    {
      name: "groups.members.count",
      method: "GET",
      pattern: /^\/groups\/([^/]+)\/(transitiveMembers|members)(?:\/microsoft\.graph\.(user|device))?\/\$count$/,
      versions: ["beta", "v1.0"],
      permission: GROUP_READ,
      write: false,
      validate: (ctx) => {
        // Directory counts are served from the eventually consistent index only.
        if ((ctx.req.headers.consistencylevel ?? "").toLowerCase() !== "eventual") throw GraphErrorFactory.countNeedsConsistencyLevel();
      },
      handle: (ctx) => {
        const found = ctx.env.store.getGroup(ctx.params[0]);
        if (!found) throw GraphErrorFactory.directoryObjectNotFound(ctx.params[0]);
        const kind = ctx.params[2];
        const count = !kind || kind === found.memberKind ? found.memberCount : 0;
        return text(200, String(count));
      },
    },
  ];
  return routes;
}
