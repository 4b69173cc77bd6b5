// The provider keeps per-process state (settings, Graph access, the run: provider/runtime.ts). Tests
// share one mocha process, so each test file points it explicitly at its own emulator with all its
// options, and leaves it pointing nowhere: nothing set by one file (a stub credential, a retry budget,
// a run with adopted ids) reaches the next.
import type { IntuneProviderSettings } from "../../provider/config";
import { resolveSettings } from "../../provider/config";
import type { GraphApiOptions } from "../../provider/graph";
import { setProviderOverrides } from "../../provider/runtime";

/** Nothing listens on port 1 of 127.0.0.1: a provider left pointing here fails fast, never reaching out. */
const NOWHERE: IntuneProviderSettings = { cloud: "public", graphEndpoint: "https://127.0.0.1:1", authorityHost: "https://127.0.0.1:1", tenantId: "t", clientId: "c", clientSecret: "s" };

/**
 * The provider of this process talks to `emulator` with exactly `graphOptions` (defaults where not
 * given, never what an earlier test set), in a new run. Call it in `before` (or `beforeEach` for a run
 * per test) and call {@link releaseProvider} in `after`.
 */
export function useProvider(emulator: { config: Record<string, string> }, graphOptions: GraphApiOptions = {}): IntuneProviderSettings {
  const settings = resolveSettings((k) => emulator.config[k], {});
  setProviderOverrides({ settings, graphOptions });
  return settings;
}

/** For unit tests: a Graph access that fails fast on 127.0.0.1:1 with a stub credential. */
export function useOfflineGraph(): void {
  setProviderOverrides({
    settings: NOWHERE,
    graphOptions: {
      credential: { getToken: async () => ({ token: "unit-test", expiresOnTimestamp: Date.now() + 3600_000 }) },
      maxAttempts: 1,
      limits: { writesPerWindow: 1000, requestsPerWindow: 1000, windowInMs: 1000 },
    },
  });
}

/** Points the provider nowhere, with default options, and drops its Graph access and run. */
export function releaseProvider(): void {
  setProviderOverrides({ settings: NOWHERE, graphOptions: {} });
}
