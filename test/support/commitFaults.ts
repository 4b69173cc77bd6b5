// The emulator's faults that commit a write and then answer 5xx (the outcome a client cannot tell from a
// failure), and a probe that checks a queued fault really hit one request, for the exactly-once tests.
import * as assert from "assert";
import type { EmulatorClient } from "./emulatorClient";

/** Each commit-then-5xx fault with the status it answers. */
export const COMMIT_THEN_5XX = [
  ["error-after", 500],
  ["bad-gateway-after", 502],
  ["gateway-timeout-after", 504],
] as const;

export function faultProbe(client: EmulatorClient) {
  return {
    /** Statuses the emulator answered to `method` on paths matching `path`, oldest first. */
    answered: async (method: string, path: RegExp) => (await client.requests()).filter((r) => r.method === method && path.test(r.path)).map((r) => r.status),
    /** Queues the fault and returns a check that the emulator really applied it (after the commit) to one request. */
    inject: async (method: string, path: string, fault: string) => {
      await client.clearRequests();
      await client.injectFault({ match: { method, path }, fault, count: 1 });
      return async () => {
        const hit = (await client.requests()).filter((r) => r.fault === fault);
        assert.strictEqual(hit.length, 1, `${fault} applied once`);
        assert.strictEqual(hit[0].method, method);
      };
    },
  };
}
