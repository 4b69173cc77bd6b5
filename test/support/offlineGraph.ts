// For unit tests: a run whose Graph access fails fast on 127.0.0.1 (nothing listens on port 1) with a
// stub credential, so no code path can reach a real endpoint or a managed-identity address.
import { ProviderRun } from "../../provider/run";

export function offlineRun(): ProviderRun {
  return new ProviderRun(
    { cloud: "public", graphEndpoint: "https://127.0.0.1:1", authorityHost: "https://127.0.0.1:1", tenantId: "t", clientId: "c" },
    {
      graphOptions: {
        credential: { getToken: async () => ({ token: "unit-test", expiresOnTimestamp: Date.now() + 3600_000 }) },
        maxAttempts: 1,
        limits: { writesPerWindow: 1000, requestsPerWindow: 1000, windowInMs: 1000 },
      },
    },
  );
}
