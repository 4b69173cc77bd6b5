// Device configurations (every e-mail, certificate and trusted-root profile type): CRUD, typed casts,
// certificate links (`@odata.bind` on write, `…/$ref` and the typed navigation route on read), and the
// derived credentials those links can point at.
import { shortTypeName } from "../../schema/index";
import { GraphErrorFactory } from "../errors";
import type { EntityReference, StoredDeviceConfiguration } from "../store";
import { type ValidatedEntityBody, validateEntityBody } from "../validation";
import {
  CONFIG_READ,
  CONFIG_WRITE,
  checkQueryOptionNames,
  entityQueryValidator,
  listQueryValidator,
  metadata,
  parsedListQuery,
  parsedSelect,
  propertySet,
  requireBody,
  validatePlainBody,
  validatedBody,
} from "./query";
import { type GraphEnvironment, type Route, type RouteContext, empty, json, resource } from "./types";

/** Server-owned members of every device configuration. */
const DEVICE_CONFIGURATION_READ_ONLY = new Set(["id", "createdDateTime", "lastModifiedDateTime", "version", "supportsScopeTags"]);
const ID_ONLY = new Set(["id"]);
const CONFIGS = "deviceManagement/deviceConfigurations";
const DERIVED = "deviceManagement/derivedCredentials";
const DC = "^/deviceManagement/deviceConfigurations";
const CAST = "microsoft\\.graph\\.([A-Za-z0-9]+)";

const allDeviceConfigurationProperties = (() => {
  let cached: Set<string> | undefined;
  return (env: GraphEnvironment): ReadonlySet<string> => {
    if (!cached) {
      cached = new Set(["@odata.type"]);
      for (const flat of Object.values(env.index.schema.flattenedDeviceConfigurationTypes)) for (const p of flat.properties) cached.add(p.name);
    }
    return cached;
  };
})();

export function typeOf(entity: Record<string, unknown>): string {
  return shortTypeName(String(entity["@odata.type"] ?? ""));
}

export function profileOr404(ctx: RouteContext, id: string): StoredDeviceConfiguration {
  const stored = ctx.env.store.getDeviceConfiguration(id);
  if (!stored) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
  return stored;
}

interface DeviceConfigurationWrite {
  typeName: string;
  body: ValidatedEntityBody;
}

function validateDeviceConfigurationWrite(required: readonly string[]) {
  return (ctx: RouteContext): void => {
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
      body: validateEntityBody(ctx.env.index, typeName, body, { readOnly: DEVICE_CONFIGURATION_READ_ONLY, allowBinds: true, required }),
    } satisfies DeviceConfigurationWrite;
  };
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

function resolveBinds(ctx: RouteContext, typeName: string, binds: Record<string, string>): Record<string, EntityReference> {
  const references: Record<string, EntityReference> = {};
  for (const [nav, url] of Object.entries(binds)) references[nav] = resolveReference(ctx, typeName, nav, url);
  return references;
}

function castOr400(ctx: RouteContext, stored: StoredDeviceConfiguration, cast: string): string {
  const actual = typeOf(stored.entity);
  if (!ctx.env.index.type(cast) || !ctx.env.index.isAssignable(actual, cast)) throw GraphErrorFactory.segmentNotFound(`microsoft.graph.${cast}`);
  return cast;
}

function singleNavigationOr400(ctx: RouteContext, cast: string, nav: string) {
  const declared = ctx.env.index.navigations(cast).find((n) => n.name === nav);
  if (!declared || declared.containsTarget || declared.collection) throw GraphErrorFactory.segmentNotFound(nav);
  return declared;
}

/** The profile, checked against the cast and navigation segments of a typed route. */
function typedNavigation(ctx: RouteContext): { stored: StoredDeviceConfiguration; nav: string } {
  const [id, cast, nav] = ctx.params;
  const stored = profileOr404(ctx, id);
  castOr400(ctx, stored, cast);
  singleNavigationOr400(ctx, cast, nav);
  return { stored, nav };
}

function referenceTarget(ctx: RouteContext, ref: EntityReference): Record<string, unknown> | undefined {
  if (ref.collection === "derivedCredentials") return ctx.env.store.getDerivedCredential(ref.id);
  return ctx.env.store.getDeviceConfiguration(ref.id)?.entity;
}

function entityUrl(ctx: RouteContext, ref: EntityReference): string {
  return `${ctx.env.graphEndpoint}/${ctx.version}/deviceManagement/${ref.collection}('${ref.id}')`;
}

function isOf(ctx: RouteContext) {
  return (item: Record<string, unknown>, type: string) => ctx.env.index.isAssignable(typeOf(item), type);
}

function derivedOr404(ctx: RouteContext): Record<string, unknown> {
  const found = ctx.env.store.getDerivedCredential(ctx.params[0]);
  if (!found) throw GraphErrorFactory.resourceNotFound(`derivedCredential '${ctx.params[0]}'`);
  return found;
}

/** What a device configuration collection may `$expand`. */
const EXPANDABLE = ["assignments"];

/** `$expand=assignments` on the collection, in the `refused` behaviour: a 400 (see `assignmentsExpand`). */
function checkAssignmentsExpand(ctx: RouteContext): void {
  if (parsedListQuery(ctx).expand && ctx.env.config.assignmentsExpand === "refused") throw GraphErrorFactory.expandNotSupported();
}

/** Each listed profile's assignments as `$expand=assignments` adds them: its own, or none in the `empty` behaviour. */
function assignmentsExpansion(ctx: RouteContext) {
  if (!parsedListQuery(ctx).expand?.includes("assignments")) return undefined;
  return (row: Record<string, unknown>) => {
    const stored = ctx.env.store.getDeviceConfiguration(String(row.id));
    const items = ctx.env.config.assignmentsExpand === "empty" ? [] : (stored?.assignments ?? []);
    return { assignments: { context: `${CONFIGS}('${row.id}')/assignments`, items } };
  };
}

export function deviceConfigurationRoutes(): Route[] {
  const beta = ["beta"];
  const derivedProperties = propertySet("deviceManagementDerivedCredentialSettings");
  return [
    {
      name: "deviceConfigurations.list",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: (ctx) => {
        listQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration", EXPANDABLE)(ctx);
        checkAssignmentsExpand(ctx);
      },
      handle: (ctx) =>
        resource(200, {
          kind: "collection",
          context: CONFIGS,
          tipsPath: CONFIGS,
          typeName: "deviceConfiguration",
          items: ctx.env.store.listDeviceConfigurations().map((d) => d.entity),
          query: parsedListQuery(ctx),
          isOf: isOf(ctx),
          expand: assignmentsExpansion(ctx),
        }),
    },
    {
      name: "deviceConfigurations.listCast",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}/${CAST}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: (ctx) => {
        if (!ctx.env.index.type(ctx.params[0]) || !ctx.env.index.isAssignable(ctx.params[0], "deviceConfiguration")) {
          throw GraphErrorFactory.segmentNotFound(`microsoft.graph.${ctx.params[0]}`);
        }
        listQueryValidator(allDeviceConfigurationProperties, `microsoft.graph.${ctx.params[0]}`, EXPANDABLE)(ctx);
        checkAssignmentsExpand(ctx);
      },
      handle: (ctx) =>
        resource(200, {
          kind: "collection",
          context: `${CONFIGS}/microsoft.graph.${ctx.params[0]}`,
          tipsPath: `${CONFIGS}/microsoft.graph.${ctx.params[0]}`,
          typeName: ctx.params[0],
          items: ctx.env.store
            .listDeviceConfigurations()
            .map((d) => d.entity)
            .filter((e) => ctx.env.index.isAssignable(typeOf(e), ctx.params[0])),
          query: parsedListQuery(ctx),
          isOf: isOf(ctx),
          expand: assignmentsExpansion(ctx),
        }),
    },
    {
      name: "deviceConfigurations.create",
      family: "deviceConfigurations",
      method: "POST",
      pattern: new RegExp(`${DC}$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validateDeviceConfigurationWrite(["displayName"]),
      handle: (ctx) => {
        const { typeName, body } = ctx.validated as DeviceConfigurationWrite;
        checkRoleScopeTags(ctx, body.values);
        const references = resolveBinds(ctx, typeName, body.binds);
        const created = ctx.env.store.addDeviceConfiguration(typeName, body.values, references, { notFoundReads: ctx.env.config.readAfterCreate404Count });
        return resource(201, { kind: "entity", context: `${CONFIGS}/$entity`, tipsPath: CONFIGS, item: created.entity });
      },
    },
    {
      name: "deviceConfigurations.get",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration"),
      handle: (ctx) => {
        const id = ctx.params[0];
        if (ctx.env.store.consumeNotFoundRead(id)) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
        return resource(200, { kind: "entity", context: `${CONFIGS}/$entity`, tipsPath: CONFIGS, item: profileOr404(ctx, id).entity, select: parsedSelect(ctx) });
      },
    },
    {
      name: "deviceConfigurations.update",
      family: "deviceConfigurations",
      method: "PATCH",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validateDeviceConfigurationWrite([]),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const { typeName, body } = ctx.validated as DeviceConfigurationWrite;
        const storedType = typeOf(stored.entity);
        if (typeName !== storedType) throw GraphErrorFactory.typeMismatch(`#microsoft.graph.${typeName}`, `#microsoft.graph.${storedType}`);
        checkRoleScopeTags(ctx, body.values);
        ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, body.values, resolveBinds(ctx, typeName, body.binds));
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.delete",
      family: "deviceConfigurations",
      method: "DELETE",
      pattern: new RegExp(`${DC}/([^/]+)$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        const id = ctx.params[0];
        // A profile other profiles link to: dangling links (reads of them answer 404) or a refusal,
        // as configured (`referencedDelete`; docs/graph-behaviour.md).
        if (ctx.env.config.referencedDelete === "refuse" && ctx.env.store.getDeviceConfiguration(id)) {
          const referrers = ctx.env.store
            .listDeviceConfigurations()
            .filter((d) => Object.values(d.references).some((r) => r.collection === "deviceConfigurations" && r.id.toLowerCase() === id.toLowerCase()))
            .map((d) => String(d.entity.id));
          if (referrers.length > 0) throw GraphErrorFactory.referencedByOthers(id, referrers);
        }
        if (!ctx.env.store.deleteDeviceConfiguration(id)) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${id}'`);
        return empty(200);
      },
    },
    {
      name: "deviceConfigurations.getCast",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(allDeviceConfigurationProperties, "microsoft.graph.deviceConfiguration"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        castOr400(ctx, stored, ctx.params[1]);
        return resource(200, { kind: "entity", context: `${CONFIGS}/$entity`, tipsPath: CONFIGS, item: stored.entity, select: parsedSelect(ctx) });
      },
    },
    {
      name: "deviceConfigurations.navigation.get",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: (ctx) => checkQueryOptionNames(ctx.req.query),
      handle: (ctx) => {
        const { stored, nav } = typedNavigation(ctx);
        const ref = stored.references[nav];
        const target = ref && referenceTarget(ctx, ref);
        if (!ref || !target) throw GraphErrorFactory.resourceNotFound(`navigation '${nav}' of deviceConfiguration '${ctx.params[0]}'`);
        return resource(200, { kind: "entity", context: `deviceManagement/${ref.collection}/$entity`, tipsPath: `deviceManagement/${ref.collection}`, item: target });
      },
    },
    {
      name: "deviceConfigurations.ref.get",
      family: "deviceConfigurations",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)/\\$ref$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      handle: (ctx) => {
        const { stored, nav } = typedNavigation(ctx);
        const ref = stored.references[nav];
        if (!ref || !referenceTarget(ctx, ref)) throw GraphErrorFactory.resourceNotFound(`navigation '${nav}' of deviceConfiguration '${ctx.params[0]}'`);
        return json(200, { "@odata.context": metadata(ctx.env, ctx.version, "$ref"), "@odata.id": entityUrl(ctx, ref) });
      },
    },
    {
      name: "deviceConfigurations.ref.set",
      family: "deviceConfigurations",
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
        const { stored, nav } = typedNavigation(ctx);
        const ref = resolveReference(ctx, typeOf(stored.entity), nav, ctx.validated as string);
        ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, {}, { [nav]: ref });
        return empty(204);
      },
    },
    {
      name: "deviceConfigurations.ref.delete",
      family: "deviceConfigurations",
      method: "DELETE",
      pattern: new RegExp(`${DC}/([^/]+)/${CAST}/([A-Za-z]+)/\\$ref$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      handle: (ctx) => {
        const { stored, nav } = typedNavigation(ctx);
        // Removing a link that is not there changes nothing (and keeps the version).
        if (stored.references[nav]) ctx.env.store.updateDeviceConfiguration(stored.entity.id as string, {}, { [nav]: undefined });
        return empty(204);
      },
    },

    // ---- derived credentials (targets of derivedCredentialSettings links) ----
    {
      name: "derivedCredentials.list",
      family: "deviceConfigurations",
      method: "GET",
      pattern: /^\/deviceManagement\/derivedCredentials$/,
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(derivedProperties, "microsoft.graph.deviceManagementDerivedCredentialSettings"),
      handle: (ctx) =>
        resource(200, { kind: "collection", context: DERIVED, tipsPath: DERIVED, items: ctx.env.store.listDerivedCredentials(), query: parsedListQuery(ctx) }),
    },
    {
      name: "derivedCredentials.create",
      family: "deviceConfigurations",
      method: "POST",
      pattern: /^\/deviceManagement\/derivedCredentials$/,
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validatePlainBody("deviceManagementDerivedCredentialSettings", ID_ONLY, ["displayName"]),
      handle: (ctx) => {
        const created = ctx.env.store.addDerivedCredential(validatedBody(ctx).values);
        return resource(201, { kind: "entity", context: `${DERIVED}/$entity`, tipsPath: DERIVED, item: created });
      },
    },
    {
      name: "derivedCredentials.get",
      family: "deviceConfigurations",
      method: "GET",
      pattern: /^\/deviceManagement\/derivedCredentials\/([^/]+)$/,
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(derivedProperties, "microsoft.graph.deviceManagementDerivedCredentialSettings"),
      handle: (ctx) => resource(200, { kind: "entity", context: `${DERIVED}/$entity`, tipsPath: DERIVED, item: derivedOr404(ctx), select: parsedSelect(ctx) }),
    },
    {
      name: "derivedCredentials.update",
      family: "deviceConfigurations",
      method: "PATCH",
      pattern: /^\/deviceManagement\/derivedCredentials\/([^/]+)$/,
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: validatePlainBody("deviceManagementDerivedCredentialSettings", ID_ONLY, []),
      handle: (ctx) => {
        if (!ctx.env.store.updateDerivedCredential(ctx.params[0], validatedBody(ctx).values)) throw GraphErrorFactory.resourceNotFound(`derivedCredential '${ctx.params[0]}'`);
        return empty(204);
      },
    },
    {
      name: "derivedCredentials.delete",
      family: "deviceConfigurations",
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
  ];
}
