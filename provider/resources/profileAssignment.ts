// ProfileAssignment: targets of one device configuration (an e-mail profile, or the certificate and
// trusted-root profiles it needs). POST /assign replaces *every* assignment of a profile, so this
// resource never calls it: it creates and deletes single assignments and owns only those it created.
// Assignments made in the portal, or by another ProfileAssignment, are never touched.
import { type LinkKeys, ProtocolKeys, withoutProtocolKeys } from "../../protocol";
import { randomUUID } from "crypto";
import { z } from "zod";
import { diffInputs, deepEqual } from "../diff";
import { IntuneTenantStateError, IntuneValidationError, isNotFound, type ValidationFailure } from "../errors";
import type { GraphApi } from "../graph";
import { assignmentImpact, certificateTargetKindImpact, includeExcludeImpact, profileFacts, registerAssignment, safely } from "../impact/analyze";
import { createExactlyOnce } from "./createOnce";
import { failuresFromZod, isUnknown, show } from "../validation";
import { profilesPath } from "../paths";
import type { ProviderRun } from "../run";
import type { ResourceHandler } from "./types";

/** Inputs as the engine hands them to `check`: not validated yet. */
type RawInputs = Record<string, unknown>;
/** A JSON body for Graph. */
type GraphBody = Record<string, unknown>;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const targetKinds = ["group", "exclusionGroup", "allLicensedUsers", "allDevices"] as const;
export type TargetKind = (typeof targetKinds)[number];

const odataTypeOf: Record<TargetKind, string> = {
  group: "#microsoft.graph.groupAssignmentTarget",
  exclusionGroup: "#microsoft.graph.exclusionGroupAssignmentTarget",
  allLicensedUsers: "#microsoft.graph.allLicensedUsersAssignmentTarget",
  allDevices: "#microsoft.graph.allDevicesAssignmentTarget",
};

/** One normalised target. `filterType` is "none" exactly when there is no filter. */
export interface AssignmentTarget {
  kind: TargetKind;
  groupId?: string;
  filterId?: string;
  filterType: "none" | "include" | "exclude";
}

const idString = (what: string) =>
  z.string().refine((v) => isUnknown(v) || guid.test(v), { message: `must be ${what} (a GUID)` });

const targetSchema = z
  .object({
    kind: z.enum(targetKinds),
    groupId: idString("an Entra ID group id").optional(),
    filterId: idString("an assignment filter id").optional(),
    filterType: z.enum(["none", "include", "exclude"]).optional(),
  })
  .strict();

export const profileAssignmentInputKeys = ["profileId", "targets"] as const;
export const profileAssignmentReplaceKeys = ["profileId"] as const;

/** Stable identity of a target on a profile: a profile has each group (and each "all …") once. */
export function targetKey(t: { kind: string; groupId?: string }): string {
  return t.groupId ? `${t.kind}:${t.groupId.toLowerCase()}` : t.kind;
}

function normaliseTarget(t: z.infer<typeof targetSchema>): AssignmentTarget {
  const out: AssignmentTarget = { kind: t.kind, filterType: t.filterId ? (t.filterType ?? "include") : "none" };
  if (t.groupId) out.groupId = isUnknown(t.groupId) ? t.groupId : t.groupId.toLowerCase();
  if (t.filterId) out.filterId = isUnknown(t.filterId) ? t.filterId : t.filterId.toLowerCase();
  return out;
}

/** ProfileAssignment inputs as the program gives them. */
export const profileAssignmentInputsSchema = z
  .object({
    profileId: z.string().min(1),
    targets: z.array(targetSchema).min(1),
    adoptExisting: z.boolean().optional(),
  })
  .strict();

/** ProfileAssignment inputs after `check`: the schema's, with targets normalised and sorted, plus the SDK's links. */
export type ProfileAssignmentInputs = Omit<z.infer<typeof profileAssignmentInputsSchema>, "targets"> & { targets: AssignmentTarget[] } & LinkKeys;

/** ProfileAssignment outputs: the inputs, and the Graph assignment id of each owned target (by {@link targetKey}). */
export type ProfileAssignmentOutputs = ProfileAssignmentInputs & { assignmentIds: Record<string, string> };

/** Validates and normalises ProfileAssignment inputs (no network). */
export function checkProfileAssignmentInputs(
  news: RawInputs,
): { valid: true; inputs: ProfileAssignmentInputs; failures: [] } | { valid: false; inputs: RawInputs; failures: ValidationFailure[] } {
  const raw: RawInputs = withoutProtocolKeys(news);
  const parsed = profileAssignmentInputsSchema.safeParse(raw);
  if (!parsed.success) return { valid: false, inputs: raw, failures: failuresFromZod(parsed.error, raw) };
  const failures: ValidationFailure[] = [];
  const seen = new Map<string, number>();
  parsed.data.targets.forEach((t, i) => {
    const at = `targets[${i}]`;
    const needsGroup = t.kind === "group" || t.kind === "exclusionGroup";
    if (needsGroup && !t.groupId) failures.push({ property: `${at}.groupId`, reason: `\`${at}.groupId\` is required for a target of kind "${t.kind}"` });
    if (!needsGroup && t.groupId)
      failures.push({ property: `${at}.groupId`, reason: `\`${at}.groupId\` must not be set for a target of kind "${t.kind}", got ${show(t.groupId)}` });
    if (t.kind === "exclusionGroup" && t.filterId)
      failures.push({ property: `${at}.filterId`, reason: `\`${at}.filterId\` must not be set on an exclusion group (Intune applies filters to included targets only), got ${show(t.filterId)}` });
    if (!t.filterId && t.filterType && t.filterType !== "none")
      failures.push({ property: `${at}.filterType`, reason: `\`${at}.filterType\` needs \`${at}.filterId\`, got ${show(t.filterType)} without a filter` });
    if (t.filterId && t.filterType === "none")
      failures.push({ property: `${at}.filterType`, reason: `\`${at}.filterType\` must be "include" or "exclude" when a filter is set, got "none"` });
    if (t.groupId && isUnknown(t.groupId)) return;
    const key = targetKey(t);
    if (seen.has(key))
      failures.push({ property: at, reason: `\`${at}\` repeats \`targets[${seen.get(key)}]\` (${key}); a profile takes each target once` });
    else seen.set(key, i);
  });
  const targets = parsed.data.targets.map(normaliseTarget).sort((a, b) => targetKey(a).localeCompare(targetKey(b)));
  if (failures.length > 0) return { valid: false, inputs: raw, failures };
  const inputs: ProfileAssignmentInputs = { profileId: parsed.data.profileId, targets };
  if (parsed.data.adoptExisting !== undefined) inputs.adoptExisting = parsed.data.adoptExisting;
  return { valid: true, inputs, failures: [] };
}

export interface LiveAssignment {
  id: string;
  target: Record<string, unknown> & { "@odata.type": string; groupId?: string };
}

function toWire(t: AssignmentTarget): GraphBody {
  const target: GraphBody = { "@odata.type": odataTypeOf[t.kind] };
  if (t.groupId) target.groupId = t.groupId;
  if (t.kind !== "exclusionGroup") {
    target.deviceAndAppManagementAssignmentFilterId = t.filterId ?? null;
    target.deviceAndAppManagementAssignmentFilterType = t.filterType;
  }
  return { target };
}

export function fromWire(a: LiveAssignment): AssignmentTarget | undefined {
  const kind = (Object.keys(odataTypeOf) as TargetKind[]).find((k) => odataTypeOf[k] === a.target["@odata.type"]);
  if (!kind) return undefined; // e.g. a Configuration Manager collection: not ours to model
  const filterId = a.target.deviceAndAppManagementAssignmentFilterId as string | null | undefined;
  const out: AssignmentTarget = { kind, filterType: filterId ? ((a.target.deviceAndAppManagementAssignmentFilterType as AssignmentTarget["filterType"]) ?? "include") : "none" };
  if (a.target.groupId) out.groupId = String(a.target.groupId).toLowerCase();
  if (filterId) out.filterId = filterId.toLowerCase();
  return out;
}

/** `adoptExisting` is an instruction, not tenant state: kept in state so that refresh never shows it as drift. */
function carriedInputs(from: Pick<ProfileAssignmentInputs, "adoptExisting">): Pick<ProfileAssignmentInputs, "adoptExisting"> {
  return from.adoptExisting !== undefined ? { adoptExisting: from.adoptExisting } : {};
}

const assignmentsPath = (profileId: string) => `${profilesPath}/${encodeURIComponent(profileId)}/assignments`;

async function listAssignments(graph: GraphApi, profileId: string): Promise<LiveAssignment[] | undefined> {
  try {
    return await graph.list<LiveAssignment>(assignmentsPath(profileId));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Creates our targets one by one; on failure removes what it created, so nothing is left behind.
 * With `adopt`, a target that already exists unowned becomes ours: as is when it matches (no write),
 * otherwise it is replaced by ours (delete, then add).
 */
async function addTargets(
  graph: GraphApi,
  profileId: string,
  targets: AssignmentTarget[],
  live: LiveAssignment[],
  owned: Record<string, string>,
  adopt = false,
): Promise<Record<string, string>> {
  const created: Record<string, string> = {};
  const adopted: Record<string, string> = {};
  const ownedIds = new Set(Object.values(owned));
  try {
    for (const t of targets) {
      const clash = live.find((a) => !ownedIds.has(a.id) && fromWire(a) && targetKey(fromWire(a)!) === targetKey(t));
      if (clash && adopt) {
        if (deepEqual(fromWire(clash), t)) {
          adopted[targetKey(t)] = clash.id;
          continue;
        }
        // Same target with another filter: ours replaces it (it is ours from now on either way).
        await graph.delete(`${assignmentsPath(profileId)}/${encodeURIComponent(clash.id)}`);
      } else if (clash) {
        throw new IntuneTenantStateError(
          `profile ${profileId} already has an assignment for ${targetKey(t)} (assignment ${clash.id}) that this ProfileAssignment does not own ` +
            `(made in the portal or by another ProfileAssignment); it is left as is. Remove it there, or drop the target here. ` +
            `Or set \`adoptExisting: true\` to take it over. ` +
            `(Moving a target between two ProfileAssignments takes two updates: first drop it from the old one, then add it to the new one.)`,
        );
      }
      created[targetKey(t)] = await postTarget(graph, profileId, t, live);
    }
  } catch (e) {
    for (const id of Object.values(created)) await graph.delete(`${assignmentsPath(profileId)}/${encodeURIComponent(id)}`);
    throw e;
  }
  return { ...adopted, ...created };
}

/**
 * Creates one assignment, exactly once: when the answer leaves the outcome unknown, the assignment list
 * says whether the tenant committed it (a profile has each target once, so a new one for it is ours).
 */
async function postTarget(graph: GraphApi, profileId: string, t: AssignmentTarget, before: LiveAssignment[]): Promise<string> {
  const existed = new Set(before.map((a) => a.id));
  return createExactlyOnce(
    `the assignment of ${targetKey(t)} to profile ${profileId}`,
    async () => (await graph.post<LiveAssignment>(assignmentsPath(profileId), toWire(t))).id,
    async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const now = (await listAssignments(graph, profileId)) ?? [];
        const ours = now.find((a) => !existed.has(a.id) && fromWire(a) && targetKey(fromWire(a)!) === targetKey(t));
        if (ours) return ours.id;
        if (attempt < 3) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
      return undefined;
    },
  );
}

async function removeOwned(graph: GraphApi, profileId: string, ids: string[]): Promise<void> {
  for (const id of ids) await graph.delete(`${assignmentsPath(profileId)}/${encodeURIComponent(id)}`);
}

/**
 * With `adoptExisting`, the targets that adoption will not simply take over (absent, or with another
 * filter): only those reach anyone new. The profile's id comes from the inputs or, for a profile adopted
 * in the same program (id unknown at preview), from its `adoptExistingId`.
 */
async function notYetOnProfile(run: ProviderRun, ref: { profileUrn?: string; profileId: string }, targets: AssignmentTarget[]): Promise<AssignmentTarget[]> {
  const profileId = !isUnknown(ref.profileId) ? ref.profileId : (await profileFacts(run, ref))?.id;
  if (!profileId || isUnknown(profileId)) return targets;
  const live = (await listAssignments(run.graph, profileId)) ?? [];
  return targets.filter((t) => !live.some((a) => deepEqual(fromWire(a), t)));
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const profileAssignmentHandler: ResourceHandler<ProfileAssignmentInputs, ProfileAssignmentOutputs> = {
  async check(run, olds, news) {
    const checked = checkProfileAssignmentInputs(news);
    if (!checked.valid) return { inputs: checked.inputs, failures: checked.failures };
    const inputs = checked.inputs;
    const urn = text(news[ProtocolKeys.urn]);
    const ref = { profileUrn: text(news[ProtocolKeys.profileUrn]), profileId: inputs.profileId };
    registerAssignment(run, { urn, ...ref, targets: inputs.targets });
    // A create gets no diff call: its impact (who receives the profile) is said here, once per new resource.
    const isCreate = Object.keys(withoutProtocolKeys(olds)).length === 0;
    if (isCreate) {
      await safely(run, urn, async () => {
        const added = inputs.adoptExisting === true ? await notYetOnProfile(run, ref, inputs.targets) : inputs.targets;
        return added.length > 0 ? assignmentImpact(run, urn, ref, added, []) : [];
      });
      await safely(run, urn, () => certificateTargetKindImpact(run, urn, ref));
    }
    await safely(run, urn, () => includeExcludeImpact(run, urn, ref, inputs.targets));
    return { inputs };
  },

  async diff(run, _id, olds, news) {
    const result = diffInputs(olds, news, profileAssignmentInputKeys, profileAssignmentReplaceKeys);
    if (result.changes === false) return result;
    const urn = news[ProtocolKeys.urn];
    const ref = { profileUrn: news[ProtocolKeys.profileUrn], profileId: news.profileId };
    const before = new Map((olds.targets ?? []).map((t) => [targetKey(t), t]));
    const after = new Map((news.targets ?? []).map((t) => [targetKey(t), t]));
    if (result.replaces?.length) {
      // Another profile: everything is removed from the old one and added to the new one.
      await safely(run, urn, () => assignmentImpact(run, urn, { profileId: olds.profileId }, [], [...before.values()]));
      await safely(run, urn, () => assignmentImpact(run, urn, ref, [...after.values()], []));
    } else {
      const added = [...after.entries()].filter(([k, t]) => !deepEqual(before.get(k), t)).map(([, t]) => t);
      const removed = [...before.entries()].filter(([k]) => !after.has(k)).map(([, t]) => t);
      await safely(run, urn, () => assignmentImpact(run, urn, ref, added, removed, [...after.values()]));
    }
    // A root and its certificate profile reaching different kinds of group (users, devices) after the change.
    await safely(run, urn, () => certificateTargetKindImpact(run, urn, ref));
    return result;
  },

  async create({ graph }, inputs) {
    const profileId = inputs.profileId;
    const live = await listAssignments(graph, profileId);
    if (!live)
      throw new IntuneValidationError([
        { property: "profileId", reason: `\`profileId\` must name an existing device configuration, got "${profileId}" (Graph answered 404)` },
      ]);
    const assignmentIds = await addTargets(graph, profileId, inputs.targets, live, {}, inputs.adoptExisting === true);
    return { id: `${profileId}:${randomUUID()}`, outs: { ...carriedInputs(inputs), profileId, targets: inputs.targets, assignmentIds } };
  },

  async read(run, id, props) {
    const profileId = props.profileId;
    const owned = props.assignmentIds ?? {};
    // Many reads in a refresh: the set as the run's listing expanded it (readAhead.ts), which only vouches
    // for what it shows; an owned assignment it lacks (deleted, or an expansion that came back empty) is
    // read directly, in a `$batch` shared with concurrent reads.
    const listed = await run.readAhead.takeAssignments(profileId);
    const vouched = listed && Object.values(owned).every((a) => listed.some((l) => l.id === a));
    const live = vouched ? listed : await run.graph.listCoalesced<LiveAssignment>(assignmentsPath(profileId));
    if (!live) return { id: "" };
    const assignmentIds: Record<string, string> = {};
    const targets: AssignmentTarget[] = [];
    for (const a of live) {
      if (!Object.values(owned).includes(a.id)) continue;
      const t = fromWire(a);
      if (!t) continue;
      targets.push(t);
      assignmentIds[targetKey(t)] = a.id;
    }
    targets.sort((a, b) => targetKey(a).localeCompare(targetKey(b)));
    const inputs = { ...carriedInputs(props), profileId, targets };
    return { id, props: { ...inputs, assignmentIds }, inputs };
  },

  async update({ graph }, _id, olds, news) {
    const profileId = news.profileId;
    const owned = { ...(olds.assignmentIds ?? {}) };
    const oldTargets = new Map((olds.targets ?? []).map((t) => [targetKey(t), t]));
    const newTargets = new Map(news.targets.map((t) => [targetKey(t), t]));
    // A changed filter is a new assignment for the same target: remove, then add.
    const removed = [...oldTargets.keys()].filter((k) => !newTargets.has(k) || !deepEqual(oldTargets.get(k), newTargets.get(k)));
    const added = [...newTargets.keys()].filter((k) => !oldTargets.has(k) || !deepEqual(oldTargets.get(k), newTargets.get(k)));
    await removeOwned(graph, profileId, removed.map((k) => owned[k]).filter(Boolean));
    for (const k of removed) delete owned[k];
    const live = (await listAssignments(graph, profileId)) ?? [];
    Object.assign(owned, await addTargets(graph, profileId, added.map((k) => newTargets.get(k)!), live, owned, news.adoptExisting === true));
    return { outs: { ...carriedInputs(news), profileId, targets: news.targets, assignmentIds: owned } };
  },

  async delete({ graph }, _id, props) {
    await removeOwned(graph, props.profileId, Object.values(props.assignmentIds ?? {}));
  },
};
