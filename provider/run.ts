// One provider run: what one engine configuration of the provider process (one Pulumi operation —
// preview, up, refresh, destroy — against one tenant) needs across calls, in one explicit object that
// dispatch.ts creates on `configure` and passes to every handler, which passes it on to the impact
// analysis and the Graph access it uses. Nothing of a run lives at module level:
//  - the settings and the Graph access built from them (lazily: a preview without Graph calls pays
//    nothing, and a bad setting fails at the first call that needs it, as a configuration error);
//  - the tenant objects that existed before this run wrote anything (to find what an interrupted or
//    unanswered create left behind) and the objects this run took over (so a delete later in the same
//    run never removes what another resource now owns);
//  - the impact analysis (impact/state.ts).
import { certificatePlatforms } from "./certificates/platforms";
import type { IntuneProviderSettings } from "./config";
import { emailPlatforms } from "./email/platforms";
import { GraphApi, type GraphApiOptions } from "./graph";
import { ImpactState } from "./impact/state";
import { profilesPath } from "./paths";
import { isGraphRequestError } from "./errors";
import { type Listed, ReadAhead, type ReadAheadOptions } from "./readAhead";
import type { LiveConfiguration } from "./resources/deviceConfiguration";
import type { LiveAssignment } from "./resources/profileAssignment";

/** A device configuration as a collection GET returns it. */
export type LiveObject = Record<string, unknown> & { id: string; "@odata.type"?: string; displayName?: string; createdDateTime?: string };

/** Options of {@link ProviderRun}. */
export interface ProviderRunOptions {
  /** Tuning of the Graph access (retries, budget, credential). @default - the provider's defaults */
  readonly graphOptions?: GraphApiOptions;
  /** When `read` answers from list pages (readAhead.ts). @default - its defaults */
  readonly readAhead?: ReadAheadOptions;
}

/** The state of one run, passed by hand (see above). */
export class ProviderRun {
  private readonly existing = new Map<string, Promise<LiveObject[]>>();
  private resolved?: IntuneProviderSettings;
  private api?: GraphApi;
  /** Graph ids a resource of this run holds after taking them over (lost create answers, interrupted runs), or, for scope tags, after creating them. */
  readonly adopted = new Set<string>();
  /** What the impact analysis saw, looked up and said in this run. */
  readonly impact = new ImpactState();
  /** Device configurations (and their assignments) listed once for the many `read`s of a refresh. */
  readonly readAhead: ReadAhead<LiveConfiguration, LiveAssignment>;
  /** The tenant answered 400 to `$expand=assignments` on a listing: later listings of the run go without. */
  private expandRefused = false;

  /**
   * @param settings - the settings, or how to resolve them on first use (from `configure`'s stack config)
   */
  constructor(
    private readonly settingsSource: IntuneProviderSettings | (() => IntuneProviderSettings),
    private readonly options: ProviderRunOptions = {},
  ) {
    this.readAhead = new ReadAhead((typeName) => this.listForReads(typeName), { allTypes: readTypeNames, ...options.readAhead });
  }

  /** The run's settings (resolved on first use). */
  get settings(): IntuneProviderSettings {
    return (this.resolved ??= typeof this.settingsSource === "function" ? this.settingsSource() : this.settingsSource);
  }

  /** The run's Graph access: one client; the credential and the limiter are the process's (processCache.ts). */
  get graph(): GraphApi {
    return (this.api ??= new GraphApi(this.settings, this.options.graphOptions));
  }

  /**
   * The profiles of one Graph type as they were before this run's first create of that type (one
   * listing per type and run, paged). Every create of the type waits for it before it POSTs, so none of
   * this run's own creates is in it.
   */
  profilesBeforeRun(typeName: string): Promise<LiveObject[]> {
    let found = this.existing.get(typeName);
    if (!found) {
      found = this.listOfType<LiveObject>(typeName);
      // A failed listing must not poison the run: the next create asks again.
      found.catch(() => this.existing.delete(typeName));
      this.existing.set(typeName, found);
    }
    return found;
  }

  /** Profiles of a type and display name now, straight from the tenant. */
  profilesNamed(typeName: string, displayName: string): Promise<LiveObject[]> {
    const name = displayName.replace(/'/g, "''");
    return this.graph.list<LiveObject>(profilesPath, { filter: `${isOfType(typeName)} and displayName eq '${name}'` });
  }

  /**
   * A type's listing for refresh reads, each profile with its assignments where the service expands
   * them. Public tools list device configurations with `$expand=assignments`, but no capture shows it for
   * every type and page, so a 400 lists without it (and reads assignment sets directly) for the rest of
   * the run, and an expansion only ever confirms what a resource owns (profileAssignment.ts).
   */
  private async listForReads(typeName: string): Promise<Listed<LiveConfiguration, LiveAssignment>[]> {
    if (!this.expandRefused) {
      try {
        const rows = await this.listOfType<LiveConfiguration>(typeName, "assignments");
        return rows.map(({ assignments, "assignments@odata.context": _context, ...object }) => ({
          object: object as LiveConfiguration,
          ...(Array.isArray(assignments) ? { assignments: assignments as LiveAssignment[] } : {}),
        }));
      } catch (e) {
        if (!(isGraphRequestError(e) && e.statusCode === 400)) throw e;
        this.expandRefused = true;
      }
    }
    return (await this.listOfType<LiveConfiguration>(typeName)).map((object) => ({ object }));
  }

  /** Every device configuration of one Graph type, all pages, with the navigation `expand` when given. */
  private listOfType<T extends LiveObject>(typeName: string, expand?: string): Promise<T[]> {
    return this.graph.list<T>(profilesPath, { filter: isOfType(typeName), top: 999, ...(expand ? { expand } : {}) });
  }
}

/** Every Graph type whose `read` asks the read-ahead: e-mail profiles, certificate profiles and trusted roots. */
const readTypeNames: readonly string[] = [
  ...Object.values(emailPlatforms).map((p) => p.typeName),
  ...Object.values(certificatePlatforms).flatMap((p) => [p.trustedRoot, ...Object.values(p.profiles)].map((info) => info.typeName)),
];

const isOfType = (typeName: string) => `isof('microsoft.graph.${typeName}')`;
