// Impact analysis at preview. Runs only when something relevant changes (a create, changed settings,
// changed targets), so a preview with no such change makes no Graph calls for it. Never writes.
import { emailPlatforms, platformForOdataType } from "../email";
import { engineLog } from "../engineLog";
import { isUnknown } from "../validation";
import { profilesPath } from "../paths";
import { describeFact, type GroupInfo, type ImpactFact } from "./facts";
import type { AssignmentRecord, CertificateFacts, ImpactRun, ProfileFacts, TargetFacts } from "./state";
import { lookupGroups } from "./groups";

export type { ProfileFacts, TargetFacts } from "./state";

// Every function takes the run (ProviderRun, as an ImpactRun): its impact state — what was seen,
// looked up and said — and its Graph access. Nothing of a run lives here.
export type { ImpactRun } from "./state";

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !isUnknown(v);

export function registerProfile(run: ImpactRun, p: ProfileFacts): void {
  if (p.urn) run.impact.profilesByUrn.set(p.urn, p);
  if (known(p.id)) run.impact.profilesById.set(p.id, p);
}

/** A certificate or trusted-root profile of the program (see certificateGaps). */
export function registerCertificate(run: ImpactRun, c: CertificateFacts): void {
  run.impact.certificatesByUrn.set(c.urn, c);
}

export function registerAssignment(run: ImpactRun, a: AssignmentRecord): void {
  if (a.urn) run.impact.assignmentsByUrn.set(a.urn, a);
}

/**
 * Says each fact once per resource as a real warning on `urn`: one sentence for people. The facts
 * themselves reach the review through the stack record (see resources/stackRecord.ts), not the text.
 */
export async function emit(run: ImpactRun, facts: ImpactFact[], urn: string | undefined): Promise<void> {
  const s = run.impact;
  for (const f of facts) {
    const text = describeFact(f);
    if (s.said.has(`${urn}\n${text}`)) continue;
    s.said.add(`${urn}\n${text}`);
    const list = s.factsByUrn.get(urn ?? "") ?? [];
    list.push(f);
    s.factsByUrn.set(urn ?? "", list);
    await engineLog("warning", text, urn);
  }
}

function duplicateKey(p: ProfileFacts): string | undefined {
  const rule = emailPlatforms[p.platform].duplicateKey;
  if (rule === "hostAndAddress") return `host ${String(p.hostName ?? "").toLowerCase()} + address ${p.emailAddressSource}`;
  if (rule === "address") return `address ${p.emailAddressSource}`;
  return undefined;
}

/** The facts of an e-mail profile: from this run's registry, else from the tenant. */
export async function profileFacts(run: ImpactRun, ref: { profileUrn?: string; profileId?: string }): Promise<ProfileFacts | undefined> {
  if (ref.profileUrn && run.impact.profilesByUrn.has(ref.profileUrn)) return run.impact.profilesByUrn.get(ref.profileUrn);
  if (!known(ref.profileId)) return undefined;
  if (run.impact.profilesById.has(ref.profileId)) return run.impact.profilesById.get(ref.profileId);
  const live = await run.graph.get<Record<string, unknown>>(`${profilesPath}/${encodeURIComponent(ref.profileId)}`);
  const platform = live ? platformForOdataType(String(live["@odata.type"])) : undefined;
  if (!live || !platform) return undefined; // not an e-mail profile (a certificate profile, say)
  const facts: ProfileFacts = {
    id: ref.profileId,
    displayName: String(live.displayName),
    platform,
    hostName: live.hostName as string | undefined,
    emailAddressSource: live.emailAddressSource as string | undefined,
  };
  if (emailPlatforms[platform].certificateRefs.some((r) => r.navigation === "identityCertificate")) {
    const cert = await run.graph.get<{ id: string }>(`${profilesPath}/${encodeURIComponent(ref.profileId)}/microsoft.graph.${emailPlatforms[platform].typeName}/identityCertificate`);
    if (cert?.id) facts.identityCertificateId = cert.id;
  }
  run.impact.profilesById.set(ref.profileId, facts);
  return facts;
}

function groupIds(targets: TargetFacts[]): string[] {
  return targets.filter((t) => t.kind === "group" && known(t.groupId)).map((t) => t.groupId!.toLowerCase());
}

/** Group ids a profile is assigned to: in the tenant, plus what this run's ProfileAssignments add. */
async function assignedGroups(run: ImpactRun, profile: { urn?: string; id?: string }, options: { tenantOnly?: boolean } = {}): Promise<Set<string>> {
  const groups = new Set<string>();
  if (known(profile.id)) {
    const live = (await run.graph.listCoalesced<{ target: { "@odata.type": string; groupId?: string } }>(`${profilesPath}/${encodeURIComponent(profile.id)}/assignments`)) ?? [];
    for (const a of live) if (a.target["@odata.type"] === "#microsoft.graph.groupAssignmentTarget" && a.target.groupId) groups.add(a.target.groupId.toLowerCase());
  }
  if (options.tenantOnly) return groups;
  for (const a of run.impact.assignmentsByUrn.values()) {
    if ((profile.urn && a.profileUrn === profile.urn) || (known(profile.id) && a.profileId === profile.id)) for (const g of groupIds(a.targets)) groups.add(g);
  }
  return groups;
}

/**
 * A ProfileAssignment adds and/or removes targets: who receives the profile, duplicate-account effects
 * per platform, device-group targets, conflicts with other profiles of the stack, certificate chains.
 */
export async function assignmentImpact(
  run: ImpactRun,
  urn: string | undefined,
  ref: { profileUrn?: string; profileId?: string },
  added: TargetFacts[],
  removed: TargetFacts[],
  reached: TargetFacts[] = added,
): Promise<ImpactFact[]> {
  const profile = await profileFacts(run, ref);
  if (!profile) return [];
  const facts: ImpactFact[] = [];
  const ids = [...new Set([...groupIds(added), ...groupIds(removed), ...groupIds(reached)])];
  const groups = ids.length > 0 ? await lookupGroups(run, ids) : new Map<string, GroupInfo>();
  const infos = (targets: TargetFacts[]) => groupIds(targets).map((id) => groups.get(id)!).filter(Boolean);
  const addedGroups = infos(added);
  const allUsers = added.some((t) => t.kind === "allLicensedUsers");
  const allDevices = added.some((t) => t.kind === "allDevices");
  const label = emailPlatforms[profile.platform].label;

  if (addedGroups.length > 0 || allUsers || allDevices) {
    facts.push({ kind: "newRecipients", profile: profile.displayName, platform: label, groups: addedGroups, allUsers, allDevices });
    const rule = emailPlatforms[profile.platform].duplicateKey;
    const host = String(profile.hostName ?? "");
    const address = String(profile.emailAddressSource ?? "");
    if (profile.platform === "iosIpados") facts.push({ kind: "duplicateAccountBlocked", profile: profile.displayName, hostName: host, addressSource: address, groups: addedGroups });
    else if (rule === "hostAndAddress" || rule === "address")
      facts.push({ kind: "duplicateAccountOverwritten", profile: profile.displayName, platform: label, matchedOn: rule, hostName: host, addressSource: address, groups: addedGroups });
    const deviceGroups = addedGroups.filter((g) => g.isDeviceGroup);
    if (deviceGroups.length > 0) facts.push({ kind: "deviceGroupTarget", profile: profile.displayName, groups: deviceGroups });
    facts.push(...(await conflicts(run, profile, ref, addedGroups, urn)));
    // A certificate chain must cover every group the profile reaches after the change, not only the new ones.
    facts.push(...(await certificateGaps(run, profile, infos(reached))));
  }
  const removedGroups = infos(removed);
  const lostAllUsers = removed.some((t) => t.kind === "allLicensedUsers");
  const lostAllDevices = removed.some((t) => t.kind === "allDevices");
  if (removedGroups.length > 0 || lostAllUsers || lostAllDevices)
    facts.push({ kind: "accountRemoval", profile: profile.displayName, groups: removedGroups, allUsers: lostAllUsers, allDevices: lostAllDevices });
  await emit(run, facts, urn);
  return facts;
}

async function conflicts(run: ImpactRun, profile: ProfileFacts, ref: { profileUrn?: string; profileId?: string }, groups: GroupInfo[], urn: string | undefined): Promise<ImpactFact[]> {
  const key = duplicateKey(profile);
  if (!key) return [];
  const facts: ImpactFact[] = [];
  const others = new Map<string, ProfileFacts>();
  for (const p of [...run.impact.profilesByUrn.values(), ...run.impact.profilesById.values()]) {
    const same = (ref.profileUrn && p.urn === ref.profileUrn) || (known(ref.profileId) && p.id === ref.profileId) || p === profile;
    if (!same && p.platform === profile.platform && duplicateKey(p) === key) others.set(p.urn ?? p.id ?? p.displayName, p);
  }
  for (const other of others.values()) {
    const theirs = await assignedGroups(run, other);
    const overlap = groups.filter((g) => theirs.has(g.id));
    if (overlap.length === 0) continue;
    const label = emailPlatforms[profile.platform].label;
    facts.push({ kind: "duplicateConflict", profile: profile.displayName, otherProfile: other.displayName, platform: label, key, groups: overlap });
    // The engine checks resources in no fixed order: whichever assignment comes second also tells the
    // first one's URN, so both sides carry the warning however the run went.
    for (const a of run.impact.assignmentsByUrn.values()) {
      if (a.urn === urn || !a.urn) continue;
      const theirs = (other.urn && a.profileUrn === other.urn) || (known(other.id) && a.profileId === other.id);
      const shared = overlap.filter((g) => groupIds(a.targets).includes(g.id));
      if (theirs && shared.length > 0)
        await emit(run, [{ kind: "duplicateConflict", profile: other.displayName, otherProfile: profile.displayName, platform: label, key, groups: shared }], a.urn);
    }
  }
  return facts;
}

/**
 * The chain as the program declares it: the certificate profile and its root are resources of this
 * program (found by URN, their ids perhaps unknown at preview), each reaching the groups its
 * ProfileAssignments (and, once it exists, the tenant) give it.
 */
async function programCertificateGaps(run: ImpactRun, profile: ProfileFacts, groups: GroupInfo[]): Promise<ImpactFact[] | undefined> {
  const cert = profile.identityCertificateUrn ? run.impact.certificatesByUrn.get(profile.identityCertificateUrn) : undefined;
  if (!cert) return undefined;
  const id = known(profile.identityCertificateId) ? profile.identityCertificateId : undefined;
  const facts: ImpactFact[] = [];
  const certGroups = await assignedGroups(run, { urn: cert.urn, id });
  const missing = groups.filter((g) => !certGroups.has(g.id));
  if (missing.length > 0) facts.push({ kind: "certificateChainGap", profile: profile.displayName, certificateProfile: cert.displayName, role: "identityCertificate", missingGroups: missing });
  const root = cert.trustedRootUrn ? run.impact.certificatesByUrn.get(cert.trustedRootUrn) : undefined;
  if (root) {
    const rootGroups = await assignedGroups(run, { urn: root.urn });
    const rootMissing = groups.filter((g) => !rootGroups.has(g.id));
    if (rootMissing.length > 0) facts.push({ kind: "certificateChainGap", profile: profile.displayName, certificateProfile: root.displayName, role: "trustedRoot", missingGroups: rootMissing });
  }
  return facts;
}

async function certificateGaps(run: ImpactRun, profile: ProfileFacts, groups: GroupInfo[]): Promise<ImpactFact[]> {
  if (groups.length === 0) return [];
  const fromProgram = await programCertificateGaps(run, profile, groups);
  if (fromProgram) return fromProgram;
  if (!known(profile.identityCertificateId)) return [];
  const facts: ImpactFact[] = [];
  const certId = profile.identityCertificateId;
  const cert = await run.graph.get<Record<string, unknown>>(`${profilesPath}/${encodeURIComponent(certId)}`);
  const certName = cert ? String(cert.displayName) : certId;
  const certGroups = await assignedGroups(run, { id: certId });
  const missing = groups.filter((g) => !certGroups.has(g.id));
  if (missing.length > 0) facts.push({ kind: "certificateChainGap", profile: profile.displayName, certificateProfile: certName, role: "identityCertificate", missingGroups: missing });
  if (cert) {
    const type = String(cert["@odata.type"]).replace(/^#microsoft\.graph\./, "");
    // Only some certificate types link a trusted root (iOS PKCS has none): a refusal means "no root".
    const root = await run.graph
      .get<Record<string, unknown>>(`${profilesPath}/${encodeURIComponent(certId)}/microsoft.graph.${type}/rootCertificate`)
      .catch(() => undefined);
    if (root?.id) {
      const rootGroups = await assignedGroups(run, { id: String(root.id) });
      const rootMissing = groups.filter((g) => !rootGroups.has(g.id));
      if (rootMissing.length > 0)
        facts.push({ kind: "certificateChainGap", profile: profile.displayName, certificateProfile: String(root.displayName), role: "trustedRoot", missingGroups: rootMissing });
    }
  }
  return facts;
}

/**
 * A trusted root and its certificate profile must target the same kind of group: a root that reaches
 * only users while the profile reaches only devices (or the reverse) gets no certificate issued. The
 * assignment's object is either side (found by URN among the program's certificate resources); each
 * pair it belongs to is checked against the groups the program's ProfileAssignments give both.
 */
export async function certificateTargetKindImpact(run: ImpactRun, urn: string | undefined, ref: { profileUrn?: string }): Promise<ImpactFact[]> {
  const assigned = ref.profileUrn ? run.impact.certificatesByUrn.get(ref.profileUrn) : undefined;
  if (!assigned) return [];
  const all = [...run.impact.certificatesByUrn.values()];
  const root = assigned.trustedRootUrn ? run.impact.certificatesByUrn.get(assigned.trustedRootUrn) : undefined;
  const pairs = root ? [{ profile: assigned, root }] : all.filter((c) => c.trustedRootUrn === assigned.urn).map((profile) => ({ profile, root: assigned }));
  const facts: ImpactFact[] = [];
  for (const pair of pairs) {
    const profileIds = [...(await assignedGroups(run, { urn: pair.profile.urn }))];
    const rootIds = [...(await assignedGroups(run, { urn: pair.root.urn }))];
    if (profileIds.length === 0 || rootIds.length === 0) continue;
    const groups = await lookupGroups(run, [...profileIds, ...rootIds]);
    const profileGroups = profileIds.map((id) => groups.get(id)!);
    const rootGroups = rootIds.map((id) => groups.get(id)!);
    const kinds = (gs: GroupInfo[]) => new Set(gs.map((g) => (g.isDeviceGroup ? "devices" : "users")));
    const profileKinds = kinds(profileGroups);
    const shared = [...kinds(rootGroups)].filter((k) => profileKinds.has(k));
    if (shared.length === 0) {
      const targets = profileGroups[0].isDeviceGroup ? "devices" : "users";
      facts.push({ kind: "certificateTargetKindMismatch", profile: pair.profile.displayName, trustedRoot: pair.root.displayName, targets, groups: profileGroups, rootGroups });
    }
  }
  await emit(run, facts, urn);
  return facts;
}

/** An assigned e-mail profile's settings change: its users are asked to approve the reconfiguration. */
export async function profileUpdateImpact(run: ImpactRun, urn: string | undefined, profile: ProfileFacts, changedSettings: string[]): Promise<ImpactFact[]> {
  if (changedSettings.length === 0 || !known(profile.id)) return [];
  // Only who has the profile now is asked to approve a reconfiguration; new recipients get it fresh.
  const ids = [...(await assignedGroups(run, profile, { tenantOnly: true }))];
  if (ids.length === 0) return [];
  const groups = [...(await lookupGroups(run, ids)).values()];
  const facts: ImpactFact[] = [{ kind: "reconfigurationPrompt", profile: profile.displayName, changedSettings, groups }];
  await emit(run, facts, urn);
  return facts;
}

/**
 * An assigned e-mail profile switches to another identity certificate: the certificate and its trusted
 * root must reach the groups the profile is assigned to.
 */
export async function profileCertificateImpact(run: ImpactRun, urn: string | undefined, profile: ProfileFacts): Promise<ImpactFact[]> {
  if (!known(profile.id) || !known(profile.identityCertificateId)) return [];
  const ids = [...(await assignedGroups(run, profile))];
  if (ids.length === 0) return [];
  const facts = await certificateGaps(run, profile, [...(await lookupGroups(run, ids)).values()]);
  await emit(run, facts, urn);
  return facts;
}

/**
 * Queues an impact computation instead of running it inside the engine's step: the engine runs `check`
 * and `diff` one resource at a time, so awaiting Graph here would add a round trip per resource to every
 * preview, and a computation run early would see only the resources checked so far. The stack record,
 * registered after everything else, runs them all at once (see {@link impactSettled}), so every rule
 * sees the whole program, whatever order the engine chose. A failure becomes a warning.
 */
export function safely(run: ImpactRun, urn: string | undefined, compute: () => Promise<unknown>): Promise<void> {
  run.impact.pending.push(() =>
    compute().then(
      () => undefined,
      (e: unknown) => engineLog("warning", `pulumi-intune could not work out the impact of this change: ${(e as Error).message}`, urn),
    ),
  );
  return Promise.resolve();
}

/** Runs every queued impact computation of this run (side by side: their Graph reads share batches). */
export async function impactSettled(run: ImpactRun): Promise<void> {
  const s = run.impact;
  while (s.pending.length > 0) await Promise.all(s.pending.splice(0).map((start) => start()));
}

/** An assignment that includes and excludes the same group: Intune applies the exclusion. */
export async function includeExcludeImpact(run: ImpactRun, urn: string | undefined, ref: { profileUrn?: string; profileId?: string }, targets: TargetFacts[]): Promise<ImpactFact[]> {
  const excluded = new Set(targets.filter((t) => t.kind === "exclusionGroup" && known(t.groupId)).map((t) => t.groupId!.toLowerCase()));
  const both = groupIds(targets).filter((g) => excluded.has(g));
  if (both.length === 0) return [];
  const profile = await profileFacts(run, ref);
  const groups = [...(await lookupGroups(run, both)).values()];
  const facts: ImpactFact[] = [{ kind: "excludedWhileIncluded", profile: profile?.displayName ?? ref.profileId ?? "?", groups }];
  await emit(run, facts, urn);
  return facts;
}
