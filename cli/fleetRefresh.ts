// `fleet drift` without a Pulumi engine per tenant, where that gives the engine's answer. A refresh preview
// configures the provider with the inputs its provider resource has in the state, asks it to read every
// resource, and compares what it read with the state. For a stack whose resources are all pulumi-intune's,
// the fleet does exactly that itself: one `pulumi stack export` per tenant (the CLI decrypts the state),
// then the provider code the engine would start (the pulumi-intune installed beside the program, loaded from
// there), configured from the state's provider inputs, reading every resource with the engine's
// parallelism. Each tenant is spared a Pulumi engine and a provider host (about 2.5 of its 3.3 CPU s,
// bench/fleet.ts); the tenants share one process. Any other stack (another provider's resources, pending
// operations, a pulumi-intune the program cannot load) takes the engine path (fleetRun.ts). The fleet e2e
// test compares this path's report with `pulumi-intune drift` (the engine's) on the same tenant.
import * as path from "path";
import { DECLARED_RESOURCES_TYPE, ProtocolKeys, userKindOfType } from "../protocol";
import type * as ConfigModule from "../provider/config";
import type * as DispatchModule from "../provider/dispatch";
import type * as RunModule from "../provider/run";
import { type PreviewDigest, type PreviewStep, SECRET_SIGNATURE, SECRET_SIGNATURE_KEY } from "./previewJson";

/** The provider code a program's engine would load: its `handler`, and how to make a run from provider config. */
export interface InstalledProvider {
  readonly handler: typeof DispatchModule.handler;
  readonly newRun: (get: ConfigModule.ConfigGetter, env: NodeJS.ProcessEnv) => RunModule.ProviderRun;
}

/** The pulumi-intune installed beside the program in `cwd` (what its provider module requires), or `undefined`. */
export function installedProvider(cwd: string): InstalledProvider | undefined {
  try {
    const load = (name: string): unknown => require(require.resolve(`pulumi-intune/dist/provider/${name}.js`, { paths: [path.resolve(cwd)] }));
    const dispatch = load("dispatch") as typeof DispatchModule;
    const { ProviderRun } = load("run") as typeof RunModule;
    const { resolveSettings } = load("config") as typeof ConfigModule;
    return { handler: dispatch.handler, newRun: (get, env) => new ProviderRun(() => resolveSettings(get, env)) };
  } catch {
    return undefined;
  }
}

/** One resource of `pulumi stack export --show-secrets`, as far as a refresh needs it. */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** `<provider urn>::<provider id>` */
  provider?: string;
  delete?: boolean;
}

/** The deployment of `pulumi stack export`. */
export interface StateDeployment {
  resources?: StateResource[];
  pending_operations?: unknown[];
}

const NODEJS_PROVIDER = "pulumi:providers:pulumi-nodejs";

/**
 * Whether the fleet can refresh this deployment itself: nothing pending, nothing waiting for deletion, and
 * every custom resource pulumi-intune's (a resource kind, the stack record, or the dynamic providers' provider).
 */
export function refreshableInProcess(d: StateDeployment): boolean {
  if ((d.pending_operations ?? []).length > 0) return false;
  return (d.resources ?? []).every((r) => !r.delete && (!r.custom || userKindOfType(r.type) !== undefined || r.type === DECLARED_RESOURCES_TYPE || r.type === NODEJS_PROVIDER));
}

/** State values as the engine hands them to a provider that accepts no secrets: secrets revealed. */
export function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (!value || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (o[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE) {
    if (typeof o.plaintext !== "string") throw new Error("the state has a secret without its plaintext (export it with --show-secrets)");
    return revealed(JSON.parse(o.plaintext));
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revealed(v)]));
}

/**
 * A provider's answer as the engine records it: through protobuf structs into Go maps and back to JSON, so
 * object keys sorted and undefined members gone (the state export has them that way, and drift compares JSON).
 */
export function asEngineRecords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : asEngineRecords(v)));
  if (!value || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => [k, asEngineRecords(o[k])]),
  );
}

/** The engine's parallelism for refresh reads (4 × CPUs, as on our 2-core machines). */
const READS_IN_FLIGHT = 8;

/**
 * The digest a refresh preview of `deployment` prints (cli/drift.ts reads it): per resource read, its state
 * before (state inputs and outputs) and after (what the provider read), or a delete when it is gone.
 */
export async function refreshDigest(deployment: StateDeployment, provider: InstalledProvider, env: NodeJS.ProcessEnv): Promise<PreviewDigest> {
  const resources = deployment.resources ?? [];
  const providerInputs = new Map(resources.filter((r) => r.type === NODEJS_PROVIDER && r.id).map((r) => [`${r.urn}::${r.id}`, revealed(r.inputs ?? {}) as Record<string, unknown>]));
  // One run per provider configuration, as one engine configures one provider process per provider resource.
  const runs = new Map<string, RunModule.ProviderRun>();
  const runFor = (ref: string | undefined): RunModule.ProviderRun => {
    const key = ref ?? "";
    let run = runs.get(key);
    if (!run) {
      const config = providerInputs.get(key) ?? {};
      run = provider.newRun((k) => {
        const v = config[k];
        return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
      }, env);
      runs.set(key, run);
    }
    return run;
  };
  const work = resources.flatMap((r) => {
    const kind = userKindOfType(r.type);
    return kind && r.id ? [{ r, kind, id: r.id }] : [];
  });
  const steps: PreviewStep[] = [];
  let next = 0;
  const reader = async () => {
    while (next < work.length) {
      const { r, kind, id } = work[next++];
      const inputs = revealed(r.inputs ?? {}) as Record<string, unknown>;
      const outputs = revealed(r.outputs ?? {}) as Record<string, unknown>;
      const oldState = { id, inputs, outputs };
      const read = await provider.handler(kind, runFor(r.provider)).read(id, outputs);
      if (!read.id) {
        steps.push({ op: "delete", urn: r.urn, oldState, newState: null });
        continue;
      }
      // What Pulumi's dynamic-provider host adds to a read's answer: the provider module of the old outputs.
      const module = { [ProtocolKeys.providerModule]: outputs[ProtocolKeys.providerModule] };
      const newInputs = read.inputs ? asEngineRecords({ ...read.inputs, ...module }) : inputs;
      const newOutputs = asEngineRecords({ ...(read.props ?? {}), ...module });
      steps.push({ op: "refresh", urn: r.urn, oldState, newState: { id: read.id, inputs: newInputs as Record<string, unknown>, outputs: newOutputs as Record<string, unknown> } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, work.length) }, reader));
  return { steps, diagnostics: [] };
}
