// Per-process provider state: settings from `configure` (stack config) or the environment, and the
// Graph access built from them on first use.
import { type ConfigGetter, configKeys, type IntuneProviderSettings, resolveSettings } from "./config";
import { GraphApi, type GraphApiOptions } from "./graph";
import { ProviderRun } from "./run";

let getter: ConfigGetter = () => undefined;
let configured: string | undefined;
let settings: IntuneProviderSettings | undefined;
let api: GraphApi | undefined;
let run: ProviderRun | undefined;
let apiOptions: GraphApiOptions = {};

/**
 * Called from the dynamic provider's `configure` with the stack config (all namespaces, secrets
 * decrypted). The engine configures once per resource kind (each kind's provider module differs),
 * so the same configuration keeps the process's Graph access and run: one run per operation.
 */
export function configureProvider(get: ConfigGetter): void {
  const fingerprint = configKeys.map((k) => `${k.key}=${get(k.key) ?? ""}`).join("\n");
  if (fingerprint === configured) return;
  configured = fingerprint;
  getter = get;
  settings = undefined;
  api = undefined;
  run = undefined;
}

/** For tests and embedders: replace settings or Graph options for the rest of the process. */
export function setProviderOverrides(overrides: { settings?: IntuneProviderSettings; graphOptions?: GraphApiOptions }): void {
  settings = overrides.settings ?? settings;
  apiOptions = overrides.graphOptions ?? apiOptions;
  api = undefined;
  run = undefined;
}

export function currentSettings(): IntuneProviderSettings {
  if (!settings) settings = resolveSettings(getter);
  return settings;
}

/** The process's Graph access (one client, one limiter). */
export function graph(): GraphApi {
  if (!api) api = new GraphApi(currentSettings(), apiOptions);
  return api;
}

/** This process's run: the explicit state that crosses provider calls (see run.ts). */
export function currentRun(): ProviderRun {
  if (!run || run.graph !== graph()) run = new ProviderRun(graph());
  return run;
}
