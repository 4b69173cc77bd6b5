// Refresh reads from list pages. The engine refreshes a stack by reading each resource, at most 4 × CPUs
// at a time; at Graph's latency that fan-out, not Intune, sets the pace of a large refresh (1,000
// profiles at 150 ms: 140 `$batch` round trips, 52 s, where a no-op provider takes 6 s). Once a run has
// read enough profiles to show that the stack holds many, each Graph type is listed once at its next
// read (`isof(type)`, paged, with `$expand=assignments`), and the remaining reads of the type, and of
// the assignment sets of its profiles, are answered from the listing. A stack clearly larger than that
// gets every type it could hold listed at once: the engine reads in state order, where a type may first
// appear late, and each such type would otherwise stop its reads for a listing's round trip (at 1,000
// profiles and 150 ms, three such stops cost a second). The price is a listing per type the stack does
// not use: 17 requests at most, against the 1,000 reads they are spread over.
//
// What keeps this honest:
//  - only the `read` handlers use it (refresh, import), never a read-back after a write;
//  - each listed object answers at most one read, and only while the listing is young; anything else
//    (not listed: created later or deleted; asked again; too old) is read directly, as before;
//  - a listing that fails costs nothing but the attempt: the reads go direct;
//  - an expanded assignment set vouches only for what it shows: the caller reads directly when an
//    assignment it owns is missing (deleted, or a service that expands nothing; profileAssignment.ts).
// The listing is the same objects a GET answers (Graph serializes an entity the same way in a collection);
// an integration test compares both under every emulator dialect.

/** Options of {@link ReadAhead}. */
export interface ReadAheadOptions {
  /**
   * Reads (of all types together) that go direct before types are listed. Below the engine's 8 reads in
   * flight, so in a large refresh the first direct reads and the listings share one round trip. @default 4
   */
  readonly directReads?: number;
  /**
   * Every Graph type a read may ask for: past `allTypesAfterReads` reads, those not listed yet are listed
   * at once. @default [] (types are listed as reads meet them)
   */
  readonly allTypes?: readonly string[];
  /** Reads after which every type in `allTypes` is listed. @default 32 (four rounds of the engine's 8 reads) */
  readonly allTypesAfterReads?: number;
  /** How long a listing answers reads. @default 30000 */
  readonly maxAgeInMs?: number;
  /** The clock (tests pass a fake one). @default Date.now */
  readonly now?: () => number;
}

/** One listed object, with its assignments when the listing expanded them. */
export interface Listed<T, A> {
  readonly object: T;
  readonly assignments?: readonly A[];
}

interface Listing<T, A> {
  readonly at: number;
  /** Objects not yet handed to a read, by id. */
  readonly unread: Map<string, T>;
  /** Assignment sets not yet handed to a read, by object id. */
  readonly unreadAssignments: Map<string, readonly A[]>;
}

/** The listings of one provider run (see above); owned by the run, passed by hand. */
export class ReadAhead<T extends { readonly id: string }, A = unknown> {
  private reads = 0;
  /** Types read so far, in order. */
  private readonly seen = new Set<string>();
  private readonly listings = new Map<string, Promise<Listing<T, A> | undefined>>();
  private readonly directReads: number;
  private readonly allTypes: readonly string[];
  private readonly allTypesAfterReads: number;
  private readonly maxAgeInMs: number;
  private readonly now: () => number;

  /** @param list - lists every device configuration of one Graph type (all pages) */
  constructor(
    private readonly list: (typeName: string) => Promise<readonly Listed<T, A>[]>,
    options: ReadAheadOptions = {},
  ) {
    this.directReads = options.directReads ?? 4;
    this.allTypes = options.allTypes ?? [];
    this.allTypesAfterReads = options.allTypesAfterReads ?? 32;
    this.maxAgeInMs = options.maxAgeInMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The object `id` of `typeName` from a listing, or `undefined`: read it directly. Counts the read;
   * the first read past `directReads` lists every type read so far, a later read of a new type lists that
   * type, the first read past `allTypesAfterReads` lists every type of `allTypes`, and reads wait for their
   * type's listing.
   */
  async take(typeName: string, id: string): Promise<T | undefined> {
    this.reads++;
    this.seen.add(typeName);
    if (this.reads <= this.directReads) return undefined;
    // Past the count: every type read so far is listed now, side by side, not one at its next read.
    for (const t of this.seen) this.listOnce(t);
    if (this.reads > this.allTypesAfterReads) for (const t of this.allTypes) this.listOnce(t);
    const found = await this.listings.get(typeName);
    if (!this.young(found)) return undefined;
    const live = found.unread.get(id);
    found.unread.delete(id);
    return live;
  }

  /**
   * The assignments of object `id` as a listing of this run expanded them, or `undefined`: read them
   * directly. Starts no listing (the object's type is not known here); waits for those under way.
   */
  async takeAssignments(id: string): Promise<readonly A[] | undefined> {
    for (const listing of [...this.listings.values()]) {
      const found = await listing;
      if (!this.young(found)) continue;
      const set = found.unreadAssignments.get(id);
      if (!set) continue;
      found.unreadAssignments.delete(id);
      return set;
    }
    return undefined;
  }

  /** A listing that may still answer reads: it exists and is no older than `maxAgeInMs`. */
  private young(listing: Listing<T, A> | undefined): listing is Listing<T, A> {
    return listing !== undefined && this.now() - listing.at <= this.maxAgeInMs;
  }

  private listOnce(typeName: string): void {
    if (!this.listings.has(typeName)) this.listings.set(typeName, this.start(typeName));
  }

  private async start(typeName: string): Promise<Listing<T, A> | undefined> {
    const at = this.now();
    try {
      const listed = await this.list(typeName);
      const unreadAssignments = new Map<string, readonly A[]>();
      for (const l of listed) if (l.assignments) unreadAssignments.set(l.object.id, l.assignments);
      return { at, unread: new Map(listed.map((l) => [l.object.id, l.object])), unreadAssignments };
    } catch {
      // The reads go direct; their own errors say what is wrong with the tenant.
      return undefined;
    }
  }
}
