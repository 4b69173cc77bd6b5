// The module that each resource's provider-module input (see sdk/provider.ts) requires at run time.
// Keeping the real code here keeps that input tiny and stable, and old state runs the installed version.
import { linkKeys, type ResourceKind } from "../protocol";
import { configureProvider } from "./runtime";
import { emailProfileHandler } from "./resources/emailProfile";
import { profileAssignmentHandler } from "./resources/profileAssignment";
import { declaredResourcesHandler } from "./resources/declaredResources";
import { scopeTagHandler } from "./resources/scopeTag";
import type { ResourceHandler } from "./resources/types";

export type { ResourceKind };

const handlers: Record<ResourceKind, ResourceHandler> = {
  ScopeTag: scopeTagHandler,
  EmailProfile: emailProfileHandler,
  ProfileAssignment: profileAssignmentHandler,
  DeclaredResources: declaredResourcesHandler,
};

/** Program-computed links (URNs) that must survive `check` so that `diff` and impact analysis see them. */
const passThroughKeys = linkKeys;

function carried(from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of passThroughKeys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** The handler of one resource kind. */
export function handler(kind: string): ResourceHandler {
  const h = handlers[kind as ResourceKind];
  if (!h) throw new Error(`pulumi-intune: unknown resource kind "${kind}"; the installed package is older than the program`);
  return {
    ...h,
    async check(olds, news) {
      const result = await h.check(olds, news);
      const inputs = { ...(result.inputs ?? {}) };
      for (const k of passThroughKeys) if (news[k] !== undefined) inputs[k] = news[k];
      return { ...result, inputs };
    },
    async create(inputs) {
      const result = await h.create(inputs);
      return { ...result, outs: { ...(result.outs ?? {}), ...carried(inputs) } };
    },
    async update(id, olds, news) {
      const result = await h.update(id, olds, news);
      return { ...result, outs: { ...(result.outs ?? {}), ...carried(news) } };
    },
    async read(id, props) {
      // Tenant state knows nothing of these links; carry them so refresh shows no phantom change.
      const result = await h.read(id, props);
      for (const k of passThroughKeys) {
        if (props[k] === undefined) continue;
        if (result.inputs) result.inputs[k] = props[k];
        if (result.props) result.props[k] = props[k];
      }
      return result;
    },
  };
}

/** Receives the stack config from the engine (via the shim's `configure`). */
export function configure(get: (key: string) => string | undefined): void {
  configureProvider(get);
}
