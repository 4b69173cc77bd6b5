// Rollout status routes of device configurations (Graph beta), answered from the derivation in
// deviceStatus.ts, so they always agree with the profiles, assignments and certificate links of the tenant:
//   GET /deviceManagement/deviceConfigurations/{id}/deviceStatusOverview  deviceConfigurationDeviceOverview
//   GET /deviceManagement/deviceConfigurations/{id}/userStatusOverview    deviceConfigurationUserOverview
//   GET /deviceManagement/deviceConfigurations/{id}/deviceStatuses        Collection(deviceConfigurationDeviceStatus)
//   GET /deviceManagement/deviceConfigurations/{id}/userStatuses          Collection(deviceConfigurationUserStatus)
// Collections take $filter, $orderby, $top, $skip/$skiptoken, $select and $count and page with
// @odata.nextLink like the other collections; the overviews take $select.
import { type DerivedDeviceStatus, DeviceStatusDerivation } from "../deviceStatus";
import { GraphErrorFactory } from "../errors";
import { type FilterNode, evaluateFilter, filterProperties, parseFilter } from "../filter";
import { type Route, type RouteContext, json } from "./types";
import type { StoredDeviceConfiguration } from "../store";

const READ = ["DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"];
const PROFILE = "^/deviceManagement/deviceConfigurations/([^/]+)";
const LIST_OPTIONS = new Set(["$filter", "$top", "$skip", "$skiptoken", "$select", "$orderby", "$count"]);
/** Graph answers this for configurations that have no grace period. */
const NO_GRACE_PERIOD = "9999-12-31T23:59:59Z";

/** The declared type of navigation `nav` of deviceConfiguration (so the routes follow the schema extract). */
function navigationType(ctx: RouteContext, nav: string, collection: boolean): string {
  const declared = ctx.env.index.navigations("deviceConfiguration").find((n) => n.name === nav && n.containsTarget && n.collection === collection);
  if (!declared) throw GraphErrorFactory.segmentNotFound(nav);
  return declared.type.replace(/^microsoft\.graph\./, "");
}

function knownProperties(ctx: RouteContext, typeName: string): Set<string> {
  return new Set(ctx.env.index.properties(typeName).map((p) => p.name));
}

function parseSelect(ctx: RouteContext, typeName: string): string[] | undefined {
  const raw = ctx.req.query.get("$select");
  if (raw === null) return undefined;
  const known = knownProperties(ctx, typeName);
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!known.has(n)) throw GraphErrorFactory.selectUnknownProperty(n, `microsoft.graph.${typeName}`);
  return names;
}

function checkOptionNames(ctx: RouteContext, allowed: ReadonlySet<string>, where: string): void {
  for (const name of ctx.req.query.keys()) {
    if (!name.startsWith("$")) continue;
    if (name === "$expand") throw GraphErrorFactory.expandNotSupported();
    if (!allowed.has(name)) throw GraphErrorFactory.invalidQueryOption(name, `the query option is not supported on ${where}`);
  }
}

interface StatusListQuery {
  typeName: string;
  filter?: FilterNode;
  orderBy?: { property: string; descending: boolean };
  top?: number;
  offset: number;
  select?: string[];
  count: boolean;
}

function integerOption(ctx: RouteContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.req.query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw GraphErrorFactory.invalidQueryOption(name, `'${raw}' must be an integer from ${min} to ${max}`);
  return n;
}

function skipTokenOffset(token: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw GraphErrorFactory.invalidSkipToken();
  }
  const offset = (parsed as { o?: unknown } | null)?.o;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) throw GraphErrorFactory.invalidSkipToken();
  return offset;
}

function listValidator(nav: string) {
  return (ctx: RouteContext): void => {
    const typeName = navigationType(ctx, nav, true);
    checkOptionNames(ctx, LIST_OPTIONS, nav);
    const known = knownProperties(ctx, typeName);
    const q = ctx.req.query;
    const result: StatusListQuery = { typeName, offset: integerOption(ctx, "$skip", 0, Number.MAX_SAFE_INTEGER) ?? 0, count: q.get("$count") === "true" };
    const filterText = q.get("$filter");
    if (filterText !== null) {
      result.filter = parseFilter(filterText);
      for (const p of filterProperties(result.filter)) if (!known.has(p)) throw GraphErrorFactory.selectUnknownProperty(p, `microsoft.graph.${typeName}`);
    }
    result.top = integerOption(ctx, "$top", 1, 999);
    const token = q.get("$skiptoken");
    if (token !== null) result.offset = skipTokenOffset(token);
    const orderBy = q.get("$orderby");
    if (orderBy !== null) {
      const m = /^\s*([A-Za-z0-9_]+)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
      if (!m || !known.has(m[1])) throw GraphErrorFactory.invalidQueryOption("$orderby", `'${orderBy}' is not a supported ordering`);
      result.orderBy = { property: m[1], descending: (m[2] ?? "").toLowerCase() === "desc" };
    }
    result.select = parseSelect(ctx, typeName);
    ctx.validated = result;
  };
}

function entityValidator(nav: string) {
  return (ctx: RouteContext): void => {
    const typeName = navigationType(ctx, nav, false);
    checkOptionNames(ctx, new Set(["$select"]), nav);
    ctx.validated = { typeName, select: parseSelect(ctx, typeName) };
  };
}

function project(item: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  return Object.fromEntries(select.filter((n) => n in item).map((n) => [n, item[n]]));
}

function context(ctx: RouteContext, fragment: string): string {
  return `${ctx.env.graphEndpoint}/${ctx.version}/$metadata#${fragment}`;
}

/** The profile and the derived status of every device it reaches (404 when the profile does not exist). */
function derive(ctx: RouteContext): { profile: StoredDeviceConfiguration; statuses: DerivedDeviceStatus[] } {
  const id = ctx.params[0];
  const store = ctx.env.store;
  const derivation = new DeviceStatusDerivation(store.listDeviceConfigurations(), store.listGroups());
  const statuses = derivation.statuses(id);
  const profile = store.getDeviceConfiguration(id);
  if (!statuses || !profile) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
  return { profile, statuses };
}

/** When the status was last reported: the profile's last change (the derivation has no clock of its own). */
const reportedAt = (profile: StoredDeviceConfiguration) => String(profile.entity.lastModifiedDateTime ?? profile.entity.createdDateTime);

function deviceStatusEntity(profile: StoredDeviceConfiguration, s: DerivedDeviceStatus): Record<string, unknown> {
  return {
    id: `${profile.entity.id}_${s.device.id}`,
    deviceDisplayName: s.device.deviceDisplayName,
    userName: s.device.user?.displayName ?? null,
    userPrincipalName: s.device.user?.userPrincipalName ?? null,
    deviceModel: null,
    // An Int32 without a documented enum in the schema; Intune reports 0 for e-mail profiles.
    platform: 0,
    complianceGracePeriodExpirationDateTime: NO_GRACE_PERIOD,
    status: s.status,
    lastReportedDateTime: reportedAt(profile),
  };
}

/** One row per primary user (devices without a user are not counted); one device per user here. */
function userStatusEntities(profile: StoredDeviceConfiguration, statuses: readonly DerivedDeviceStatus[]): Record<string, unknown>[] {
  return statuses
    .filter((s) => s.device.user)
    .map((s) => ({
      id: `${profile.entity.id}_${s.device.user!.id}`,
      userDisplayName: s.device.user!.displayName,
      userPrincipalName: s.device.user!.userPrincipalName,
      devicesCount: 1,
      status: s.status,
      lastReportedDateTime: reportedAt(profile),
    }));
}

function overview(profile: StoredDeviceConfiguration, statuses: readonly string[], device: boolean): Record<string, unknown> {
  const count = (v: string) => statuses.filter((s) => s === v).length;
  return {
    id: String(profile.entity.id),
    pendingCount: count("unknown"),
    notApplicableCount: count("notApplicable"),
    ...(device ? { notApplicablePlatformCount: 0 } : {}),
    successCount: count("compliant") + count("remediated"),
    errorCount: count("error"),
    failedCount: count("nonCompliant"),
    conflictCount: count("conflict"),
    lastUpdateDateTime: reportedAt(profile),
    configurationVersion: Number(profile.entity.version ?? 1),
  };
}

function listAnswer(ctx: RouteContext, nav: string, items: Record<string, unknown>[]): ReturnType<typeof json> {
  const q = ctx.validated as StatusListQuery;
  let rows = q.filter ? items.filter((i) => evaluateFilter(q.filter!, i, () => false)) : items;
  if (q.orderBy) {
    const { property, descending } = q.orderBy;
    const key = (v: unknown) => (v === null || v === undefined ? "" : (v as string | number));
    rows = [...rows].sort((a, b) => {
      const x = key(a[property]);
      const y = key(b[property]);
      const c = x === y ? 0 : x < y ? -1 : 1;
      return descending ? -c : c;
    });
  }
  const size = q.top ?? ctx.env.config.pageSize;
  const body: Record<string, unknown> = { "@odata.context": context(ctx, `deviceManagement/deviceConfigurations('${ctx.params[0]}')/${nav}`) };
  if (q.count) body["@odata.count"] = rows.length;
  if (q.offset + size < rows.length) {
    const next = new URLSearchParams(ctx.req.query);
    next.delete("$skip");
    next.set("$skiptoken", Buffer.from(JSON.stringify({ o: q.offset + size })).toString("base64url"));
    body["@odata.nextLink"] = `${ctx.env.graphEndpoint}${ctx.req.path}?${next.toString().replace(/%24/g, "$")}`;
  }
  body.value = rows.slice(q.offset, q.offset + size).map((r) => project(r, q.select));
  return json(200, body);
}

/** The status routes, in the route table's shape (registered after the main table). */
/** The rollout status routes (family `deviceStatus`). */
export function deviceStatusRoutes(): Route[] {
  return statusRoutes.map((r) => ({ ...r, family: "deviceStatus" as const }));
}

const statusRoutes: readonly Omit<Route, "family">[] = [
  {
    name: "deviceConfigurations.deviceStatusOverview.get",
    method: "GET",
    pattern: new RegExp(`${PROFILE}/deviceStatusOverview$`),
    versions: ["beta"],
    permission: READ,
    write: false,
    validate: entityValidator("deviceStatusOverview"),
    handle: (ctx) => {
      const { profile, statuses } = derive(ctx);
      const { select } = ctx.validated as { select?: string[] };
      return json(200, {
        "@odata.context": context(ctx, `deviceManagement/deviceConfigurations('${profile.entity.id}')/deviceStatusOverview/$entity`),
        ...project(overview(profile, statuses.map((s) => s.status), true), select),
      });
    },
  },
  {
    name: "deviceConfigurations.userStatusOverview.get",
    method: "GET",
    pattern: new RegExp(`${PROFILE}/userStatusOverview$`),
    versions: ["beta"],
    permission: READ,
    write: false,
    validate: entityValidator("userStatusOverview"),
    handle: (ctx) => {
      const { profile, statuses } = derive(ctx);
      const { select } = ctx.validated as { select?: string[] };
      const users = userStatusEntities(profile, statuses).map((u) => String(u.status));
      return json(200, {
        "@odata.context": context(ctx, `deviceManagement/deviceConfigurations('${profile.entity.id}')/userStatusOverview/$entity`),
        ...project(overview(profile, users, false), select),
      });
    },
  },
  {
    name: "deviceConfigurations.deviceStatuses.list",
    method: "GET",
    pattern: new RegExp(`${PROFILE}/deviceStatuses$`),
    versions: ["beta"],
    permission: READ,
    write: false,
    validate: listValidator("deviceStatuses"),
    handle: (ctx) => {
      const { profile, statuses } = derive(ctx);
      return listAnswer(ctx, "deviceStatuses", statuses.map((s) => deviceStatusEntity(profile, s)));
    },
  },
  {
    name: "deviceConfigurations.userStatuses.list",
    method: "GET",
    pattern: new RegExp(`${PROFILE}/userStatuses$`),
    versions: ["beta"],
    permission: READ,
    write: false,
    validate: listValidator("userStatuses"),
    handle: (ctx) => {
      const { profile, statuses } = derive(ctx);
      return listAnswer(ctx, "userStatuses", userStatusEntities(profile, statuses));
    },
  },
];
