// The module that each resource's provider-module input (see sdk/provider.ts) requires at run time.
// Keeping the real code here keeps that input tiny and stable, and old state runs the installed version.
// This is where Pulumi's untyped engine values meet the typed handlers, and where the run is made:
// one ProviderRun per engine configuration, passed to every handler call.
import { linkKeys, type ResourceKind } from "../protocol";
import { type ConfigGetter, configKeys, resolveSettings } from "./config";
import { connectEngine } from "./engineLog";
import { IntuneConfigurationError } from "./errors";
import { processCache } from "./processCache";
import { declaredResourcesHandler } from "./resources/declaredResources";
import { emailProfileHandler } from "./resources/emailProfile";
import { profileAssignmentHandler } from "./resources/profileAssignment";
import { scopeTagHandler } from "./resources/scopeTag";
import { certificateProfileHandler, trustedRootCertificateHandler } from "./resources/certificateProfile";
import type { ResourceHandler } from "./resources/types";
import { ProviderRun } from "./run";

export type { ResourceKind };

/** Engine values, as the dynamic-provider host hands them over. */
type EngineProps = Record<string, any>;

/**
 * The handlers by kind. The engine's values are the handlers' own earlier results (`check`'s inputs,
 * `create`'s outputs), so this one table is where they are taken as the handlers' types.
 */
const handlers: Record<ResourceKind, ResourceHandler<EngineProps, EngineProps>> = {
  ScopeTag: scopeTagHandler,
  EmailProfile: emailProfileHandler,
  ProfileAssignment: profileAssignmentHandler,
  DeclaredResources: declaredResourcesHandler,
  TrustedRootCertificate: trustedRootCertificateHandler,
  CertificateProfile: certificateProfileHandler,
};

function carried(from: EngineProps): EngineProps {
  const out: EngineProps = {};
  for (const k of linkKeys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** What the provider's entry point (the provider module, sdk/provider.ts) knows of its host process. */
export interface ProviderHost {
  /**
   * The engine's address, as the host was started with it (its last argument), for real warnings
   * (engineLog.ts). A value that is no loopback address means no engine (tests, tools).
   */
  readonly engineAddress?: string;
}

/**
 * Receives the stack config from the engine (via the provider module's `configure`). The engine
 * configures once per resource kind (each kind's provider module differs), so the same configuration
 * keeps the process's run: one run per operation. `host` comes from the provider module; provider
 * modules stored by older versions pass none, and then the engine connection stays as it is.
 */
export function configure(get: ConfigGetter, host?: ProviderHost): void {
  if (host) connectEngine(host.engineAddress);
  const fingerprint = configKeys.map((k) => `${k.key}=${get(k.key) ?? ""}`).join("\n");
  if (processCache.configured.fingerprint === fingerprint && processCache.configured.run) return;
  processCache.configured.fingerprint = fingerprint;
  processCache.configured.run = new ProviderRun(() => resolveSettings(get));
}

/** The run of this process's configuration; without `configure` (tools), one from the environment. */
function currentRun(): ProviderRun {
  if (!processCache.configured.run) configure(() => undefined);
  return processCache.configured.run!;
}

/**
 * The dynamic-provider methods of one resource kind, each called with this process's run, or with
 * `run` when given (tests and embedders that hold their own run).
 */
export function handler(kind: string, run?: ProviderRun) {
  const h = handlers[kind as ResourceKind];
  if (!h) throw new IntuneConfigurationError(`pulumi-intune: unknown resource kind "${kind}"; the installed package is older than the program`);
  return {
    async check(olds: EngineProps, news: EngineProps) {
      const result = await h.check((run ?? currentRun()), olds, news);
      // Program-computed links (URNs) must survive `check` so that `diff` and impact analysis see them.
      return { ...result, inputs: { ...result.inputs, ...carried(news) } };
    },
    diff: (id: string, olds: EngineProps, news: EngineProps) => h.diff((run ?? currentRun()), id, olds, news),
    async create(inputs: EngineProps) {
      const result = await h.create((run ?? currentRun()), inputs);
      return { ...result, outs: { ...result.outs, ...carried(inputs) } };
    },
    async update(id: string, olds: EngineProps, news: EngineProps) {
      const result = await h.update((run ?? currentRun()), id, olds, news);
      return { ...result, outs: { ...result.outs, ...carried(news) } };
    },
    async read(id: string, props: EngineProps) {
      // Tenant state knows nothing of these links; carry them so refresh shows no phantom change.
      const result = await h.read((run ?? currentRun()), id, props);
      const links = carried(props);
      return { ...result, ...(result.props ? { props: { ...result.props, ...links } } : {}), ...(result.inputs ? { inputs: { ...result.inputs, ...links } } : {}) };
    },
    delete: (id: string, props: EngineProps) => h.delete((run ?? currentRun()), id, props),
  };
}
