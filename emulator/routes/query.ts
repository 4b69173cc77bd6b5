// Shared by every route family: query option parsing (validate stage), and filtering, ordering,
// paging and projection of collections (serializer stage), plus the small helpers handlers share.
import { shortTypeName } from "../../schema/index";
import { GraphErrorFactory } from "../errors";
import { type FilterNode, evaluateFilter, filterProperties, parseFilter } from "../filter";
import { type ValidatedEntityBody, validateEntityBody } from "../validation";
import type { EmulatorRequest, GraphEnvironment, RouteContext } from "./types";

// ---- permissions (application roles, any one of which allows the call) ----
export const CONFIG_READ = ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"];
export const CONFIG_WRITE = ["DeviceManagementConfiguration.ReadWrite.All"];
export const RBAC_READ = ["DeviceManagementRBAC.Read.All", "DeviceManagementRBAC.ReadWrite.All"];
export const RBAC_WRITE = ["DeviceManagementRBAC.ReadWrite.All"];
export const GROUP_READ = ["Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

/** `@odata.context` URL for `fragment`. */
export function metadata(env: GraphEnvironment, version: string, fragment: string): string {
  return `${env.graphEndpoint}/${version}/$metadata#${fragment}`;
}

const KNOWN_QUERY_OPTIONS = new Set(["$filter", "$top", "$skip", "$skiptoken", "$select", "$orderby", "$count", "$expand", "$search", "$format"]);

/** A collection GET's query options, parsed in the validate stage. */
export interface ListQuery {
  filter?: FilterNode;
  top?: number;
  offset: number;
  select?: string[];
  orderBy?: { property: string; descending: boolean };
  count: boolean;
  /** `$expand` names, where the route allows any. */
  expand?: string[];
}

export function checkQueryOptionNames(query: URLSearchParams, allowExpand = false): void {
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

/** Validates the query of a collection GET; the parsed {@link ListQuery} lands in `ctx.validated`. */
export function listQueryValidator(knownProperties: (env: GraphEnvironment) => ReadonlySet<string>, typeLabel: string, expandable: readonly string[] = []) {
  return (ctx: RouteContext): void => {
    const q = ctx.req.query;
    checkQueryOptionNames(q, expandable.length > 0);
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
    const expand = q.get("$expand");
    if (expand !== null) {
      result.expand = expand.split(",").map((s) => s.trim());
      for (const name of result.expand) if (!expandable.includes(name)) throw GraphErrorFactory.invalidQueryOption("$expand", `'${name}' cannot be expanded on ${typeLabel}`);
    }
    const orderBy = q.get("$orderby");
    if (orderBy !== null) {
      const m = /^\s*([A-Za-z0-9_]+)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
      if (!m || !known.has(m[1])) throw GraphErrorFactory.invalidQueryOption("$orderby", `'${orderBy}' is not a supported ordering`);
      result.orderBy = { property: m[1], descending: (m[2] ?? "").toLowerCase() === "desc" };
    }
    ctx.validated = result;
  };
}

/** Validates the query of a single-entity GET: `$select` only; the names land in `ctx.validated`. */
export function entityQueryValidator(knownProperties: (env: GraphEnvironment) => ReadonlySet<string>, typeLabel: string) {
  return (ctx: RouteContext): void => {
    checkQueryOptionNames(ctx.req.query);
    for (const name of ctx.req.query.keys()) {
      if (name.startsWith("$") && name !== "$select") throw GraphErrorFactory.invalidQueryOption(name, "the query option is not allowed on a single entity");
    }
    ctx.validated = parseSelect(ctx.req.query, knownProperties(ctx.env), typeLabel);
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

/** Keeps `@odata.type` and the selected members. */
export function project(item: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  if (item["@odata.type"] !== undefined) out["@odata.type"] = item["@odata.type"];
  for (const name of select) if (name in item) out[name] = item[name];
  return out;
}

/** One page of a collection: filtered, ordered, paged and projected, with the link to the next page. */
export interface CollectionPage {
  readonly value: Record<string, unknown>[];
  readonly count?: number;
  readonly nextLink?: string;
}

export function pageCollection(
  env: GraphEnvironment,
  req: EmulatorRequest,
  items: readonly Record<string, unknown>[],
  q: ListQuery,
  isOf: (item: Record<string, unknown>, type: string) => boolean = () => false,
): CollectionPage {
  let rows = q.filter ? items.filter((i) => evaluateFilter(q.filter!, i, isOf)) : [...items];
  if (q.orderBy) {
    const { property, descending } = q.orderBy;
    rows = rows.sort((a, b) => {
      const x = a[property] as string | number;
      const y = b[property] as string | number;
      const c = x === y ? 0 : x === null || x === undefined ? -1 : y === null || y === undefined ? 1 : x < y ? -1 : 1;
      return descending ? -c : c;
    });
  }
  const pageSize = q.top ?? env.config.pageSize;
  const value = rows.slice(q.offset, q.offset + pageSize).map((r) => project(r, q.select));
  let nextLink: string | undefined;
  if (q.offset + pageSize < rows.length) {
    const next = new URLSearchParams(req.query);
    next.delete("$skip");
    next.set("$skiptoken", encodeSkipToken(q.offset + pageSize));
    nextLink = `${env.graphEndpoint}${req.path}?${next.toString().replace(/%24/g, "$")}`;
  }
  return { value, ...(q.count ? { count: rows.length } : {}), ...(nextLink ? { nextLink } : {}) };
}

export function requireBody(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.req.body;
  if (body === undefined) throw GraphErrorFactory.bodyRequired();
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw GraphErrorFactory.invalidPropertyValue("(body)", body, "a JSON object");
  return body as Record<string, unknown>;
}

/** The member names of a schema type, for `$select`/`$filter` checks. */
export const propertySet = (typeName: string) => (env: GraphEnvironment) => new Set(env.index.properties(typeName).map((p) => p.name));

/** The {@link ListQuery} that `listQueryValidator` left in the context. */
export function parsedListQuery(ctx: RouteContext): ListQuery {
  return ctx.validated as ListQuery;
}

/** The `$select` names that `entityQueryValidator` left in the context. */
export function parsedSelect(ctx: RouteContext): string[] | undefined {
  return ctx.validated as string[] | undefined;
}

/** Validates the body of a plain (non-polymorphic) entity create or update. */
export function validatePlainBody(typeName: string, readOnly: ReadonlySet<string>, required: readonly string[]) {
  return (ctx: RouteContext): void => {
    const v = validateEntityBody(ctx.env.index, typeName, requireBody(ctx), { readOnly, required });
    if (v.odataType !== undefined && shortTypeName(v.odataType) !== typeName) throw GraphErrorFactory.unknownODataType(v.odataType, `microsoft.graph.${typeName}`);
    ctx.validated = v;
  };
}

export function validatedBody(ctx: RouteContext): ValidatedEntityBody {
  return ctx.validated as ValidatedEntityBody;
}
