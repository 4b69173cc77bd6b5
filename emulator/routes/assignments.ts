// Assignments of a device configuration: `/assign` replaces the whole set, `/assignments` adds, reads and
// deletes single ones, `/groupAssignments` is the legacy read. Assignment ids are `{profileId}_{target}`.
// Assignments are built whole by the server (targets completed with filter id null / type "none", as
// captures show), so every dialect answers them the same way.
import { shortTypeName } from "../../schema/index";
import { GraphErrorFactory } from "../errors";
import { ALL_DEVICES_TARGET_ID, ALL_LICENSED_USERS_TARGET_ID, type EmulatorStore } from "../store";
import { type SchemaIndex, type ValidatedEntityBody, materialise, validateEntityBody } from "../validation";
import { profileOr404 } from "./deviceConfigurations";
import { CONFIG_READ, CONFIG_WRITE, entityQueryValidator, listQueryValidator, metadata, parsedListQuery, parsedSelect, propertySet, requireBody, validatedBody } from "./query";
import { type Route, type RouteContext, empty, json, resource } from "./types";

const DC = "^/deviceManagement/deviceConfigurations";

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
  return materialise(index, "deviceConfigurationAssignment", { intent: "apply", source: "direct", ...values, id: `${profileId}_${suffix}` });
}

const assignmentsContext = (profileId: unknown) => `deviceManagement/deviceConfigurations('${profileId}')/assignments`;

export function assignmentRoutes(): Route[] {
  const beta = ["beta"];
  const assignmentProperties = propertySet("deviceConfigurationAssignment");
  return [
    {
      name: "deviceConfigurations.assign",
      family: "assignments",
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
        // Replaces every assignment of the profile, including ones made elsewhere.
        const value = ctx.env.store.replaceAssignments(profileId, built)!;
        return json(200, { "@odata.context": metadata(ctx.env, ctx.version, "Collection(microsoft.graph.deviceConfigurationAssignment)"), value });
      },
    },
    {
      name: "deviceConfigurations.assignments.list",
      family: "assignments",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/assignments$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: listQueryValidator(assignmentProperties, "microsoft.graph.deviceConfigurationAssignment"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const path = assignmentsContext(stored.entity.id);
        return resource(200, { kind: "collection", context: path, tipsPath: path, items: stored.assignments, query: parsedListQuery(ctx) });
      },
    },
    {
      name: "deviceConfigurations.assignments.create",
      family: "assignments",
      method: "POST",
      pattern: new RegExp(`${DC}/([^/]+)/assignments$`),
      versions: beta,
      permission: CONFIG_WRITE,
      write: true,
      validate: (ctx) => {
        ctx.validated = validateAssignmentBody(ctx, requireBody(ctx));
        if (validatedBody(ctx).values.id !== undefined) throw GraphErrorFactory.readOnlyProperty("id", "microsoft.graph.deviceConfigurationAssignment");
      },
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const profileId = stored.entity.id as string;
        const assignment = buildAssignment(ctx.env.store, ctx.env.index, profileId, validatedBody(ctx).values);
        if (stored.assignments.some((a) => a.id === assignment.id)) throw GraphErrorFactory.duplicateAssignment(String(assignment.id));
        ctx.env.store.addAssignment(profileId, assignment);
        const path = assignmentsContext(profileId);
        return resource(201, { kind: "entity", context: `${path}/$entity`, tipsPath: path, item: assignment });
      },
    },
    {
      name: "deviceConfigurations.assignments.get",
      family: "assignments",
      method: "GET",
      pattern: new RegExp(`${DC}/([^/]+)/assignments/([^/]+)$`),
      versions: beta,
      permission: CONFIG_READ,
      write: false,
      validate: entityQueryValidator(assignmentProperties, "microsoft.graph.deviceConfigurationAssignment"),
      handle: (ctx) => {
        const stored = profileOr404(ctx, ctx.params[0]);
        const found = stored.assignments.find((a) => String(a.id).toLowerCase() === ctx.params[1].toLowerCase());
        if (!found) throw GraphErrorFactory.resourceNotFound(`deviceConfigurationAssignment '${ctx.params[1]}'`);
        const path = assignmentsContext(stored.entity.id);
        return resource(200, { kind: "entity", context: `${path}/$entity`, tipsPath: path, item: found, select: parsedSelect(ctx) });
      },
    },
    {
      name: "deviceConfigurations.assignments.delete",
      family: "assignments",
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
      family: "assignments",
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
        const path = `deviceManagement/deviceConfigurations('${stored.entity.id}')/groupAssignments`;
        return resource(200, { kind: "collection", context: path, tipsPath: path, items: rows, query: parsedListQuery(ctx) });
      },
    },
  ];
}
