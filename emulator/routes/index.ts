// The route table, one module per resource family. The pipeline in server.ts runs every route through
// the same stages (route → authenticate → validate → faults → throttle → handle → serialize).
import { assignmentRoutes } from "./assignments";
import { type BatchHost, batchRoutes } from "./batch";
import { deviceConfigurationRoutes } from "./deviceConfigurations";
import { deviceStatusRoutes } from "./deviceStatus";
import { groupRoutes } from "./groups";
import { identityRoutes } from "./identity";
import { scopeTagRoutes } from "./scopeTags";
import type { Route } from "./types";

/** Every Graph and Entra ID route; `host` lets `$batch` run its sub-requests through the pipeline. */
export function buildRoutes(host: BatchHost): Route[] {
  return [...identityRoutes(), ...batchRoutes(host), ...deviceConfigurationRoutes(), ...deviceStatusRoutes(), ...assignmentRoutes(), ...scopeTagRoutes(), ...groupRoutes()];
}

export { buildAssignment } from "./assignments";
export { parseEntityUrl } from "./deviceConfigurations";
export { normalizeKeySegments } from "./paths";
export type { BatchHost } from "./batch";
export * from "./types";
export { type ControlTarget, handleControl } from "./control";
