// One provider process serves one Pulumi operation (preview, up, refresh, destroy) against one tenant.
// What must cross calls within it lives in this one explicit object, never in module-level registries:
// the tenant objects that existed before this run wrote anything (to find what an interrupted or
// unanswered create left behind) and the objects this run took over (so a delete later in the same run
// never removes what another resource now owns), and the impact analysis (impact/state.ts).
import type { GraphApi } from "./graph";
import { ImpactState } from "./impact/state";
import { profilesPath } from "./resources/paths";

/** A device configuration as a collection GET returns it. */
export type LiveObject = Record<string, unknown> & { id: string; "@odata.type"?: string; displayName?: string; createdDateTime?: string };

/** Per-run state of the provider process. Built by {@link ../runtime}, reset by `configure`. */
export class ProviderRun {
  private readonly existing = new Map<string, Promise<LiveObject[]>>();
  /** Graph ids this run adopted for a resource (lost create answers, interrupted runs). */
  readonly adopted = new Set<string>();
  /** What the impact analysis saw, looked up and said in this run. */
  impact = new ImpactState();

  constructor(readonly graph: GraphApi) {}

  /**
   * The profiles of one Graph type as they were before this run's first create of that type (one
   * listing per type and run, paged). Every create of the type waits for it before it POSTs, so none of
   * this run's own creates is in it.
   */
  profilesBeforeRun(typeName: string): Promise<LiveObject[]> {
    let found = this.existing.get(typeName);
    if (!found) {
      found = this.graph.list<LiveObject>(profilesPath, { filter: `isof('microsoft.graph.${typeName}')`, top: 999 });
      // A failed listing must not poison the run: the next create asks again.
      found.catch(() => this.existing.delete(typeName));
      this.existing.set(typeName, found);
    }
    return found;
  }

  /** Profiles of a type and display name now, straight from the tenant. */
  profilesNamed(typeName: string, displayName: string): Promise<LiveObject[]> {
    const name = displayName.replace(/'/g, "''");
    return this.graph.list<LiveObject>(profilesPath, { filter: `isof('microsoft.graph.${typeName}') and displayName eq '${name}'` });
  }
}
