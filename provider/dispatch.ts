// The module the serialized dynamic-provider shim requires at run time. Keeping the real code here (not
// in the closure) keeps `__provider` tiny and stable, and old state always runs the installed version.
import { configureProvider } from "./runtime";
import { scopeTagHandler } from "./resources/scopeTag";
import type { ResourceHandler } from "./resources/types";

/** Resource kinds, as in the type token `pulumi-nodejs:dynamic/intune:<kind>`. */
export type ResourceKind = "ScopeTag";

const handlers: Record<ResourceKind, ResourceHandler> = {
  ScopeTag: scopeTagHandler,
};

/** The handler of one resource kind. */
export function handler(kind: string): ResourceHandler {
  const h = handlers[kind as ResourceKind];
  if (!h) throw new Error(`pulumi-intune: unknown resource kind "${kind}"; the installed package is older than the program`);
  return h;
}

/** Receives the stack config from the engine (via the shim's `configure`). */
export function configure(get: (key: string) => string | undefined): void {
  configureProvider(get);
}
