// Creates that happen exactly once. A POST is never retried blindly: when its answer leaves the outcome
// unknown (connection lost, 500, 502, 504), the tenant is asked whether the object exists; only when it
// certainly does not is the POST sent again, a bounded number of times.
import { IntuneTenantStateError, isGraphRequestError } from "../errors";

/** Statuses after which a POST may or may not have been committed (0: no answer at all). */
export function outcomeUnknown(e: unknown): boolean {
  return isGraphRequestError(e) && [0, 500, 502, 504].includes(e.statusCode);
}

/** Options of {@link createExactlyOnce}. */
export interface CreateOnceOptions {
  /** POSTs in all. @default 3 */
  readonly attempts?: number;
}

/**
 * Runs `post`; after an unknown outcome, `find` looks for what it committed (it waits for the tenant's
 * lists to catch up itself). Throws the last error, with `what` and a note that nothing was recorded.
 */
export async function createExactlyOnce<T>(what: string, post: () => Promise<T>, find: () => Promise<T | undefined>, options: CreateOnceOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (e) {
      if (!outcomeUnknown(e)) throw e;
      const committed = await find();
      if (committed !== undefined) return committed;
      if (attempt >= attempts) {
        // Neither this run nor the tenant can tell yet whether the object exists: a tenant-state error.
        throw new IntuneTenantStateError(
          `${(e as Error).message}; after ${attempts} attempts whether Intune committed ${what} is unknown and a lookup found nothing yet: ` +
            "nothing is recorded, and the next `pulumi up` looks for it again before creating (docs/design/exactly-once.md)",
        );
      }
    }
  }
}
