// Role scope tags: sequential string ids, the built-in Default tag "0" protected, names unique.
import { GraphErrorFactory } from "../errors";
import { RBAC_READ, RBAC_WRITE, entityQueryValidator, listQueryValidator, parsedListQuery, parsedSelect, propertySet, validatePlainBody, validatedBody } from "./query";
import { type Route, type RouteContext, empty, resource } from "./types";

/** Server-owned members of a role scope tag. */
const ROLE_SCOPE_TAG_READ_ONLY = new Set(["id", "isBuiltIn"]);
const TAGS = "deviceManagement/roleScopeTags";

function checkUniqueTagName(ctx: RouteContext, displayName: unknown, exceptId?: string): void {
  if (typeof displayName !== "string") return;
  const clash = ctx.env.store
    .listRoleScopeTags()
    .find((t) => String(t.displayName ?? "").toLowerCase() === displayName.toLowerCase() && t.id !== exceptId);
  if (clash) throw GraphErrorFactory.duplicateDisplayName("roleScopeTags", displayName);
}

function tagOr404(ctx: RouteContext): Record<string, unknown> {
  const found = ctx.env.store.getRoleScopeTag(ctx.params[0]);
  if (!found) throw GraphErrorFactory.resourceNotFound(`roleScopeTag '${ctx.params[0]}'`);
  return found;
}

export function scopeTagRoutes(): Route[] {
  const beta = ["beta"];
  return [
    {
      name: "roleScopeTags.list",
      family: "scopeTags",
      method: "GET",
      pattern: /^\/deviceManagement\/roleScopeTags$/,
      versions: beta,
      permission: RBAC_READ,
      write: false,
      validate: listQueryValidator(propertySet("roleScopeTag"), "microsoft.graph.roleScopeTag"),
      handle: (ctx) =>
        resource(200, { kind: "collection", context: TAGS, tipsPath: TAGS, typeName: "roleScopeTag", items: ctx.env.store.listRoleScopeTags(), query: parsedListQuery(ctx) }),
    },
    {
      name: "roleScopeTags.create",
      family: "scopeTags",
      method: "POST",
      pattern: /^\/deviceManagement\/roleScopeTags$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      validate: validatePlainBody("roleScopeTag", ROLE_SCOPE_TAG_READ_ONLY, ["displayName"]),
      handle: (ctx) => {
        const { values } = validatedBody(ctx);
        checkUniqueTagName(ctx, values.displayName);
        const created = ctx.env.store.addRoleScopeTag(values);
        return resource(201, { kind: "entity", context: `${TAGS}/$entity`, tipsPath: TAGS, typeName: "roleScopeTag", item: created });
      },
    },
    {
      name: "roleScopeTags.get",
      family: "scopeTags",
      method: "GET",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_READ,
      write: false,
      validate: entityQueryValidator(propertySet("roleScopeTag"), "microsoft.graph.roleScopeTag"),
      handle: (ctx) =>
        resource(200, { kind: "entity", context: `${TAGS}/$entity`, tipsPath: TAGS, typeName: "roleScopeTag", item: tagOr404(ctx), select: parsedSelect(ctx) }),
    },
    {
      name: "roleScopeTags.update",
      family: "scopeTags",
      method: "PATCH",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      validate: validatePlainBody("roleScopeTag", ROLE_SCOPE_TAG_READ_ONLY, []),
      handle: (ctx) => {
        const found = tagOr404(ctx);
        if (found.isBuiltIn) throw GraphErrorFactory.builtInReadOnly(String(found.id));
        const { values } = validatedBody(ctx);
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
      family: "scopeTags",
      method: "DELETE",
      pattern: /^\/deviceManagement\/roleScopeTags\/([^/]+)$/,
      versions: beta,
      permission: RBAC_WRITE,
      write: true,
      handle: (ctx) => {
        const found = tagOr404(ctx);
        if (found.isBuiltIn) throw GraphErrorFactory.builtInReadOnly(String(found.id));
        ctx.env.store.deleteRoleScopeTag(String(found.id));
        return empty(204);
      },
    },
  ];
}
