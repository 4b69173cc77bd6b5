// Refresh reads from list pages. The engine refreshes a stack by reading each resource, at most 4 × CPUs
// at a time; at Graph's latency that fan-out, not Intune, sets the pace of a large refresh (1,000
// profiles at 150 ms: 140 `$batch` round trips, 52 s, where a no-op provider takes 6 s). Once a run has
// read enough profiles of one Graph type to show that the stack holds many, the type is listed once
// (`isof(type)`, paged) and the remaining reads of that type are answered from the listing.
//
// What keeps this honest:
//  - only the `read` handlers use it (refresh, import), never a read-back after a write;
//  - each listed object answers at most one read, and only while the listing is young; anything else
//    (not listed: created later or deleted; asked again; too old) is read directly, as before;
//  - a listing that fails costs nothing but the attempt: the reads go direct.
// The listing is the same objects a GET answers (Graph serializes an entity the same way in a collection);
// an integration test compares both under every emulator dialect.

/** Options of {@link ReadAhead}. */
export interface ReadAheadOptions {
  /** Reads of one type that go direct before the type is listed. @default 16 */
  readonly directReadsPerType?: number;
  /** How long a listing answers reads. @default 30000 */
  readonly maxAgeInMs?: number;
  /** The clock (tests pass a fake one). @default Date.now */
  readonly now?: () => number;
}

interface Listing<T> {
  readonly at: number;
  /** Objects not yet handed to a read, by id. */
  readonly unread: Map<string, T>;
}

/** The listings of one provider run (see above); owned by the run, passed by hand. */
export class ReadAhead<T extends { readonly id: string }> {
  private readonly reads = new Map<string, number>();
  private readonly listings = new Map<string, Promise<Listing<T> | undefined>>();
  private readonly directReadsPerType: number;
  private readonly maxAgeInMs: number;
  private readonly now: () => number;

  /** @param list - lists every device configuration of one Graph type (all pages) */
  constructor(
    private readonly list: (typeName: string) => Promise<T[]>,
    options: ReadAheadOptions = {},
  ) {
    this.directReadsPerType = options.directReadsPerType ?? 16;
    this.maxAgeInMs = options.maxAgeInMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The object `id` of `typeName` from a listing, or `undefined`: read it directly. Counts the read;
   * the read that passes `directReadsPerType` starts the type's listing, and later reads wait for it.
   */
  async take(typeName: string, id: string): Promise<T | undefined> {
    const seen = (this.reads.get(typeName) ?? 0) + 1;
    this.reads.set(typeName, seen);
    let listing = this.listings.get(typeName);
    if (!listing) {
      if (seen <= this.directReadsPerType) return undefined;
      listing = this.start(typeName);
      this.listings.set(typeName, listing);
    }
    const found = await listing;
    if (!found || this.now() - found.at > this.maxAgeInMs) return undefined;
    const live = found.unread.get(id);
    found.unread.delete(id);
    return live;
  }

  private async start(typeName: string): Promise<Listing<T> | undefined> {
    const at = this.now();
    try {
      const objects = await this.list(typeName);
      return { at, unread: new Map(objects.map((o) => [o.id, o])) };
    } catch {
      // The reads go direct; their own errors say what is wrong with the tenant.
      return undefined;
    }
  }
}
