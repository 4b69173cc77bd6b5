// Helpers for tests and demos that set up the tenant as an admin would in the Intune portal, bypassing
// HTTP but not the schema: values are validated like a Graph request body.
import { shortTypeName } from "../schema/index";
import { GraphErrorFactory } from "./errors";
import { buildAssignment } from "./routes/index";
import type { EmulatorStore, EntityReference, StoredDeviceConfiguration } from "./store";
import { validateComplex, validateEntityBody } from "./validation";

/**
 * Creates a device configuration from a Graph-shaped body (with `@odata.type`), as if made in the portal.
 * `references` links navigations (e.g. `identityCertificate`) without the checks of `@odata.bind`.
 */
export function seedDeviceConfiguration(
  store: EmulatorStore,
  body: Record<string, unknown>,
  references: Record<string, EntityReference> = {},
): StoredDeviceConfiguration {
  const sent = body["@odata.type"];
  if (typeof sent !== "string" || !store.index.isCreatableDeviceConfiguration(sent)) {
    throw GraphErrorFactory.unknownODataType(String(sent), "microsoft.graph.deviceConfiguration");
  }
  const typeName = shortTypeName(sent);
  const { values } = validateEntityBody(store.index, typeName, body, {});
  return store.addDeviceConfiguration(typeName, values, references);
}

/** A portal-made assignment target: a group (optionally excluded), or a target object as Graph takes it. */
export type SeedAssignmentTarget = { readonly groupId: string; readonly exclude?: boolean } | Record<string, unknown>;

/**
 * Adds one assignment to a profile as an admin would in the portal (out of band for the provider).
 * Returns the stored assignment; throws Graph's 400/404 errors for bad targets or a missing profile.
 */
export function seedPortalAssignment(store: EmulatorStore, profileId: string, target: SeedAssignmentTarget, intent: "apply" | "remove" = "apply"): Record<string, unknown> {
  const profile = store.getDeviceConfiguration(profileId);
  if (!profile) throw GraphErrorFactory.resourceNotFound(`deviceConfiguration '${profileId}'`);
  const raw =
    "@odata.type" in target
      ? target
      : {
          "@odata.type": target.exclude ? "#microsoft.graph.exclusionGroupAssignmentTarget" : "#microsoft.graph.groupAssignmentTarget",
          groupId: target.groupId,
        };
  const validated = validateComplex(store.index, "deviceAndAppManagementAssignmentTarget", raw, "target");
  const assignment = buildAssignment(store, store.index, String(profile.entity.id), { target: validated, intent });
  if (profile.assignments.some((a) => a.id === assignment.id)) throw GraphErrorFactory.duplicateAssignment(String(assignment.id));
  return store.addAssignment(String(profile.entity.id), assignment)!;
}
