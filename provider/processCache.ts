// The only state in provider/ that outlives one call and is not passed by hand: what belongs to the
// provider *process*, not to one run. Everything that belongs to a run lives in ProviderRun (run.ts)
// and is passed to handlers, impact analysis and Graph access explicitly. Each entry says why it is
// per process; nothing else in provider/ may keep state at module level.
import type { TokenCredential } from "@azure/identity";
import type { SharedTokenCredential } from "./graph";
import type { RequestLimiter } from "./limiter";
import type { ProviderRun } from "./run";

class ProcessCache {
  /**
   * Credentials by settings (the secret hashed into the key). Per process: a token is good for an hour
   * whichever run asks, and the engine reconfigures once per resource kind, so per run would sign in
   * again for every kind.
   */
  readonly credentialsBySettings = new Map<string, SharedTokenCredential>();
  /** The same for credentials handed in by callers (tests, custom auth), keyed by the object. */
  readonly credentialsByObject = new WeakMap<TokenCredential, SharedTokenCredential>();
  /**
   * Request limiters by app, tenant and endpoint. Per process: Intune's budget is per app and tenant
   * over a sliding 20 s window; a run that started a moment ago must see the writes of the previous one.
   */
  readonly limiters = new Map<string, RequestLimiter>();
  /**
   * The engine's Log client and its address. Per process: Pulumi starts one provider process per
   * engine, with the engine's address as an argument of the process; the provider's entry point
   * (sdk/provider.ts) hands that address to `configure`, which connects here (engineLog.ts).
   */
  readonly engine: { address?: string; client?: unknown } = {};
  /**
   * The run of the engine configuration this process serves, by the configuration's fingerprint.
   * Per process because Pulumi's dynamic-provider host calls `configure` and then each method with no
   * context of ours: the process is the only thing the calls of one operation have in common.
   */
  readonly configured: { fingerprint?: string; run?: ProviderRun } = {};
}

/** This process's caches (see each field for why it is per process). */
export const processCache = new ProcessCache();
