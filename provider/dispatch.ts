// The module each resource's provider module (`__provider`, see sdk/provider.ts) requires at run time.
// Keeping the real code here keeps `__provider` tiny and stable, and old state runs the installed version.
import { configureProvider } from "./runtime";
import { emailProfileHandler } from "./resources/emailProfile";
import { profileAssignmentHandler } from "./resources/profileAssignment";
import { declaredResourcesHandler } from "./resources/declaredResources";
import { scopeTagHandler } from "./resources/scopeTag";
import { certificateProfileHandler, trustedRootCertificateHandler } from "./resources/certificateProfile";
import type { ResourceHandler } from "./resources/types";

/** Resource kinds, as in the type token `pulumi-nodejs:dynamic/intune:<kind>`. */
export type ResourceKind = "ScopeTag" | "EmailProfile" | "ProfileAssignment" | "DeclaredResources" | "TrustedRootCertificate" | "CertificateProfile";

const handlers: Record<ResourceKind, ResourceHandler> = {
  ScopeTag: scopeTagHandler,
  EmailProfile: emailProfileHandler,
  ProfileAssignment: profileAssignmentHandler,
  DeclaredResources: declaredResourcesHandler,
  TrustedRootCertificate: trustedRootCertificateHandler,
  CertificateProfile: certificateProfileHandler,
};

/** Program-computed links (URNs) that must survive `check` so that `diff` and impact analysis see them. */
const passThroughKeys = ["__urn", "__profileUrn", "__identityCertificateUrn"] as const;

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
