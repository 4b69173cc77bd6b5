// The stack-level record of what a program declares (sdk/declared.ts). It writes nothing to the tenant.
// Its `check` runs after every other resource of the run was checked and diffed (it is registered last):
//  - it compares the previous declarations (its old inputs) with the current ones and warns, at preview,
//    on each deleted assignment or assigned profile, naming the groups that lose the e-mail account;
//  - it carries every impact fact of the run in its own inputs (the protocol's impact key), which is how the review
//    reads them from `pulumi preview --json` without a line of JSON in the warnings people read; the
//    record shows as one update (`pulumi-intune`) in a preview that has impact facts.
import { type DeclaredAssignmentRecord, type DeclaredProfileRecord, type DeclaredResourcesInputs, DECLARED_RESOURCES_NAME, type ImpactByUrn, ProtocolKeys } from "../../protocol";
import { emit, type ImpactRun, impactSettled, profileFacts } from "../impact/analyze";
import type { GroupInfo, ImpactFact } from "../impact/facts";
import { lookupGroups } from "../impact/groups";
import { isUnknown } from "../validation";
import { profilesPath } from "../paths";
import type { ResourceHandler } from "./types";

/** Key of the machine-readable facts in the record's inputs. */
const IMPACT_INPUT = ProtocolKeys.impact;

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !isUnknown(v);

function listOf<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]).filter((x) => x && typeof x === "object" && known((x as { urn?: unknown }).urn)) : [];
}

/** Groups of the group targets (included ones: an exclusion removes nobody's account). */
function includedGroupIds(targets: readonly { kind: string; groupId?: string }[]): string[] {
  return targets.filter((t) => t.kind === "group" && known(t.groupId)).map((t) => t.groupId!.toLowerCase());
}

async function removalFact(run: ImpactRun, profile: string, targets: readonly { kind: string; groupId?: string }[]): Promise<ImpactFact | undefined> {
  const ids = includedGroupIds(targets);
  const allUsers = targets.some((t) => t.kind === "allLicensedUsers");
  const allDevices = targets.some((t) => t.kind === "allDevices");
  if (ids.length === 0 && !allUsers && !allDevices) return undefined;
  const groups: GroupInfo[] = ids.length > 0 ? [...(await lookupGroups(run, ids)).values()] : [];
  return { kind: "accountRemoval", profile, groups, allUsers, allDevices };
}

/** Who loses the account when these declarations disappear from the program. */
async function deletionImpact(run: ImpactRun, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<void> {
  const now = {
    profiles: new Set(listOf<DeclaredProfileRecord>(news.profiles).map((p) => p.urn)),
    assignments: new Set(listOf<DeclaredAssignmentRecord>(news.assignments).map((a) => a.urn)),
  };
  const oldProfiles = listOf<DeclaredProfileRecord>(olds.profiles);
  const goneProfiles = oldProfiles.filter((p) => !now.profiles.has(p.urn));
  const goneProfileIds = new Set(goneProfiles.map((p) => p.id).filter(known));
  for (const a of listOf<DeclaredAssignmentRecord>(olds.assignments)) {
    if (now.assignments.has(a.urn)) continue;
    // The profile goes too: its own warning covers every group, from the tenant.
    if (known(a.profileId) && goneProfileIds.has(a.profileId)) continue;
    const name = oldProfiles.find((p) => p.id === a.profileId)?.displayName ?? (await profileFacts(run, { profileId: a.profileId }))?.displayName ?? a.profileId ?? "?";
    const fact = await removalFact(run, name, a.targets ?? []);
    if (fact) await emit(run, [fact], a.urn);
  }
  for (const p of goneProfiles) {
    if (!known(p.id)) continue;
    // Every assignment of the profile goes with it, ours and the portal's alike.
    const assignments = await run.graph.list<{ target: { "@odata.type": string; groupId?: string } }>(`${profilesPath}/${encodeURIComponent(p.id)}/assignments`).catch(() => []);
    const targets = assignments.map((a) => ({
      kind: { "#microsoft.graph.groupAssignmentTarget": "group", "#microsoft.graph.allLicensedUsersAssignmentTarget": "allLicensedUsers", "#microsoft.graph.allDevicesAssignmentTarget": "allDevices" }[a.target["@odata.type"]] ?? "other",
      groupId: a.target.groupId,
    }));
    const fact = await removalFact(run, p.displayName, targets);
    if (fact) await emit(run, [fact], p.urn);
  }
}

/** The record's inputs without the previous run's facts. */
function declarations(news: Record<string, unknown>): DeclaredResourcesInputs {
  // As the program sent them (not filtered: the record's inputs are what the next run compares with).
  const all = <T>(v: unknown): T[] => (Array.isArray(v) ? v : []);
  return { profiles: all<DeclaredProfileRecord>(news.profiles), assignments: all<DeclaredAssignmentRecord>(news.assignments) };
}

/** The record's outputs: none (it writes nothing to the tenant). */
type DeclaredResourcesOutputs = Record<string, never>;

export const declaredResourcesHandler: ResourceHandler<DeclaredResourcesInputs, DeclaredResourcesOutputs> = {
  async check(run, olds, news) {
    try {
      await deletionImpact(run, olds, news);
    } catch (e) {
      // Saying who is affected must never block a preview.
      process.stderr.write(`pulumi-intune could not work out the impact of deletions: ${(e as Error).message}\n`);
    }
    // The run's impact work, queued by every resource's check and diff (impact/analyze.ts `safely`).
    await impactSettled(run);
    const facts: ImpactByUrn = {};
    // Sorted: impact work runs concurrently, and the same run must always read the same.
    for (const [urn, list] of [...run.impact.factsByUrn].sort(([a], [b]) => a.localeCompare(b)))
      facts[urn] = list.map((f) => JSON.stringify(f)).sort().map((j) => JSON.parse(j) as ImpactFact);
    run.impact.factsCarried = JSON.stringify(facts);
    return { inputs: { ...declarations(news), [IMPACT_INPUT]: run.impact.factsCarried } };
  },
  async diff(run, _id, _olds, news) {
    // An update only when this run's check carried impact facts: `pulumi preview --json` lists no `same`
    // steps, and the review reads the facts from this step. Otherwise `same` (the engine keeps the new
    // inputs anyway), also in a refresh, which diffs the last `up`'s facts without a check: nothing
    // changed then, and its summary must say so.
    const facts = news[IMPACT_INPUT] ?? "{}";
    return { changes: facts !== "{}" && facts === run.impact.factsCarried };
  },
  async create() {
    return { id: DECLARED_RESOURCES_NAME, outs: {} };
  },
  async read(_run, id, props) {
    return { id, props };
  },
  async update() {
    return { outs: {} };
  },
  async delete() {
    // Nothing in the tenant.
  },
};

