// EmailProfile: the e-mail profile types under /deviceManagement/deviceConfigurations (Graph beta).
// Inputs hold only what the program declares; outputs hold what the tenant reports, plus the baseline
// of our last write (see email/managed.ts). Certificates are navigation links: @odata.bind on create,
// $ref afterwards, read back from the typed route. Creates happen exactly once (see README, "Exactly
// once"): an unanswered create is looked up, and a create first looks for what an interrupted run left.
import {
  checkEmailProfileInputs,
  type DeclaredProfile,
  declaredOf,
  type EmailPlatform,
  emailPlatforms,
  emailProfileReplaceKeys,
  inputsAsObserved,
  type ObservedProfile,
  observeProfile,
  type ProfilePlan,
  planIsEmpty,
  planProfile,
  sameSetting,
  settingsToGraph,
  storedAfterWrite,
  storedViews,
} from "../email";
import type { CertificateInput } from "../email/platforms";
import { certificatePlatformOfEmail, emailCertificateLinkFailures, linkedPlatformsOf } from "../certificates";
import { GraphRequestError, IntuneResourceInitError } from "../errors";
import { type ProfileFacts, profileCertificateImpact, profileUpdateImpact, registerProfile, safely } from "../impact/analyze";
import type { LiveObject } from "../run";
import { currentRun, currentSettings, graph } from "../runtime";
import { createExactlyOnce } from "./createOnce";
import { profilesPath } from "./paths";
import type { Props, ResourceHandler } from "./types";

export { profilesPath };

/** Live profile body as Graph returns it. */
type LiveProfile = Record<string, unknown> & {
  id: string;
  "@odata.type": string;
  displayName: string;
  version?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  supportsScopeTags?: boolean;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bindUrl(collection: string, id: string): string {
  return `${currentSettings().graphEndpoint}/beta${collection}/${encodeURIComponent(id)}`;
}

function profilePath(id: string): string {
  return `${profilesPath}/${encodeURIComponent(id)}`;
}

function typedRoute(id: string, platform: EmailPlatform, navigation: string): string {
  return `${profilePath(id)}/microsoft.graph.${emailPlatforms[platform].typeName}/${navigation}`;
}

/**
 * The profile and its certificate links in one `$batch` round trip. Right after a write Intune can
 * answer 404 for a few seconds (eventual consistency), so `notFoundAttempts` > 1 waits and asks again.
 */
async function readProfile(
  id: string,
  platform: EmailPlatform,
  notFoundAttempts: number,
  withLinks = true,
): Promise<{ live: LiveProfile; links: Partial<Record<CertificateInput, string>> } | undefined> {
  const refs = withLinks ? emailPlatforms[platform].certificateRefs : [];
  for (let attempt = 1; ; attempt++) {
    const answers = await graph().readCoalesced([
      { id: "profile", path: profilePath(id) },
      ...refs.map((r) => ({ id: r.input, path: typedRoute(id, platform, r.navigation) })),
    ]);
    const profile = answers.get("profile");
    if (!profile || profile.status === 404) {
      if (attempt >= notFoundAttempts) return undefined;
      await sleep(Math.min(500 * 2 ** (attempt - 1), 3000));
      continue;
    }
    failUnlessOk("GET", profilePath(id), profile);
    const links: Partial<Record<CertificateInput, string>> = {};
    for (const r of refs) {
      const answer = answers.get(r.input);
      // An unbound single-valued navigation answers 404.
      if (!answer || answer.status === 404) continue;
      failUnlessOk("GET", typedRoute(id, platform, r.navigation), answer);
      const target = answer.body as { id?: string } | undefined;
      if (target?.id) links[r.input] = target.id;
    }
    return { live: profile.body as LiveProfile, links };
  }
}

/** A `$batch` sub-answer that is not a success becomes the same error a direct call would give. */
export function failUnlessOk(method: string, path: string, answer: { status: number; body: unknown }): void {
  if (answer.status < 400) return;
  const error = (answer.body as { error?: { code?: string; message?: string; innerError?: { "request-id"?: string } } } | undefined)?.error;
  throw new GraphRequestError({ statusCode: answer.status, code: error?.code, method, path, serviceMessage: error?.message, requestId: error?.innerError?.["request-id"] });
}

function outputsOf(platform: EmailPlatform, observed: ObservedProfile, live: LiveProfile, stored: Props): Props {
  const outs: Props = {
    displayName: observed.displayName,
    platform,
    settings: observed.settings,
    ...observed.links,
    odataType: live["@odata.type"],
    version: live.version,
    createdDateTime: live.createdDateTime,
    lastModifiedDateTime: live.lastModifiedDateTime,
    supportsScopeTags: live.supportsScopeTags,
    ...stored,
  };
  if (observed.description !== null) outs.description = observed.description;
  if (observed.scopeTagIds !== undefined) outs.scopeTagIds = observed.scopeTagIds;
  return outs;
}

/** Reads the profile after our write and records that answer as the baseline. */
async function snapshotAfterWrite(id: string, platform: EmailPlatform, declared: DeclaredProfile, extra: Props): Promise<Props> {
  const read = await readProfile(id, platform, 10);
  if (!read) throw new Error(`profile ${id} was written but cannot be read back (Graph keeps answering 404)`);
  const observed = observeProfile(platform, read.live, read.links);
  return { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...extra };
}

async function setLink(id: string, platform: EmailPlatform, input: CertificateInput, target: string | undefined): Promise<void> {
  const ref = emailPlatforms[platform].certificateRefs.find((r) => r.input === input)!;
  const route = `${typedRoute(id, platform, ref.navigation)}/$ref`;
  if (target) await graph().put(route, { "@odata.id": bindUrl(ref.targetCollection, target) });
  else await graph().delete(route);
}

/** The writes of a plan: new links first (a switch to certificate auth never lacks one), PATCH, then removals. */
async function applyPlan(id: string, platform: EmailPlatform, plan: ProfilePlan): Promise<void> {
  const links = Object.entries(plan.links) as [CertificateInput, string | undefined][];
  for (const [input, target] of links) if (target) await setLink(id, platform, input, target);
  const patch: Props = { ...plan.top, ...settingsToGraph(platform, plan.settings) };
  if (Object.keys(patch).length > 0) await graph().patch(profilePath(id), { "@odata.type": emailPlatforms[platform].odataType, ...patch });
  for (const [input, target] of links) if (!target) await setLink(id, platform, input, undefined);
}

/** Whether a listed profile carries exactly what the program declares (links are checked later). */
function matchesDeclared(platform: EmailPlatform, live: LiveObject, declared: DeclaredProfile): boolean {
  const observed = observeProfile(platform, live, {});
  const plan = planProfile(platform, { ...declared, links: {} }, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  return planIsEmpty(plan);
}

/** Oldest first, so repeated lookups choose the same object. */
function byAge(a: LiveObject, b: LiveObject): number {
  return String(a.createdDateTime ?? "").localeCompare(String(b.createdDateTime ?? "")) || a.id.localeCompare(b.id);
}

/**
 * What an earlier, interrupted run may have left: a profile of the same type and display name, with
 * every declared value, no assignments, and not taken over by another resource of this run.
 */
async function findLeftBehind(platform: EmailPlatform, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const run = currentRun();
  const typeName = emailPlatforms[platform].typeName;
  const candidates = (await run.profilesBeforeRun(typeName))
    .filter((p) => p.displayName === declared.displayName && !run.adopted.has(p.id) && matchesDeclared(platform, p, declared))
    .sort(byAge);
  for (const c of candidates) {
    // Profiles with assignments are in use by someone: never ours to take.
    const assignments = await graph().list(`${profilePath(c.id)}/assignments`);
    if (assignments.length === 0) return c;
  }
  return undefined;
}

/**
 * The profile an unanswered create made: of this type and name, absent before this run's first create,
 * carrying the declared values. Asks a few times (the collection can lag behind the commit).
 */
async function findUnansweredCreate(platform: EmailPlatform, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const run = currentRun();
  const typeName = emailPlatforms[platform].typeName;
  const before = new Set((await run.profilesBeforeRun(typeName)).map((p) => p.id));
  for (let attempt = 1; attempt <= 4; attempt++) {
    const found = (await run.profilesNamed(typeName, declared.displayName))
      .filter((p) => !before.has(p.id) && !run.adopted.has(p.id) && matchesDeclared(platform, p, declared))
      .sort(byAge);
    if (found.length > 0) return found[0];
    if (attempt < 4) await sleep(250 * 2 ** attempt);
  }
  return undefined;
}

async function adopt(id: string, platform: EmailPlatform, inputs: Props, declared: DeclaredProfile): Promise<{ id: string; outs: Props }> {
  const read = await readProfile(id, platform, 1);
  if (!read) throw new Error(`\`adoptExistingId\` must name an existing device configuration, got "${id}" (Graph answered 404)`);
  const expected = emailPlatforms[platform].odataType;
  if (read.live["@odata.type"] !== expected) {
    throw new Error(`\`adoptExistingId\` "${id}" is a ${read.live["@odata.type"]}, but platform "${platform}" manages ${expected}; set \`platform\` to match the existing profile`);
  }
  if (declared.scopeTagIds !== undefined && !sameSetting([...new Set(declared.scopeTagIds)].sort(), ["0"]) && read.live.supportsScopeTags === false) {
    throw new Error(`profile "${id}" does not support scope tags (a legacy profile); \`scopeTagIds\` must be ["0"] or left out, got ${JSON.stringify(declared.scopeTagIds)}`);
  }
  currentRun().adopted.add(id);
  const observed = observeProfile(platform, read.live, read.links);
  // What the program leaves out stays as the tenant has it: the baseline is the tenant's answer now.
  const plan = planProfile(platform, declared, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  if (planIsEmpty(plan)) return { id, outs: { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...carried(inputs) } };
  await applyPlan(id, platform, plan);
  return { id, outs: await snapshotAfterWrite(id, platform, declared, carried(inputs)) };
}

/** Create-time instructions that are inputs, not tenant state: carried so they never show as drift. */
function carried(inputs: Props): Props {
  return inputs.adoptExistingId !== undefined ? { adoptExistingId: inputs.adoptExistingId } : {};
}

function profileFactsOf(inputs: Props, urn: string | undefined): ProfileFacts {
  const settings = (inputs.settings ?? {}) as Props;
  return {
    urn,
    displayName: String(inputs.displayName),
    platform: inputs.platform as EmailPlatform,
    hostName: settings.hostName as string | undefined,
    emailAddressSource: settings.emailAddressSource as string | undefined,
    identityCertificateId: inputs.identityCertificateId as string | undefined,
    identityCertificateUrn: inputs.__identityCertificateUrn as string | undefined,
  };
}

function planFor(olds: Props, news: Props): ProfilePlan {
  const views = storedViews(olds);
  return planProfile(news.platform as EmailPlatform, declaredOf(news), views.observed, views.baseline, views.declared);
}

export const emailProfileHandler: ResourceHandler = {
  async check(_olds, news) {
    const checked = checkEmailProfileInputs(news);
    const { inputs } = checked;
    // A certificate of another platform than the profile's (known from the program's own objects).
    const failures = [...checked.failures, ...emailCertificateLinkFailures(String(news.platform), certificatePlatformOfEmail[news.platform as EmailPlatform], linkedPlatformsOf(news))];
    if (failures.length > 0) return { inputs, failures };
    // An adopted profile's id is known before the create: impact analysis can read its live assignments.
    registerProfile({ ...profileFactsOf({ ...inputs, __identityCertificateUrn: news.__identityCertificateUrn }, news.__urn as string | undefined), id: inputs.adoptExistingId as string | undefined });
    return { inputs };
  },

  async diff(id, olds, news) {
    const urn = news.__urn as string | undefined;
    const facts = { ...profileFactsOf(news, urn), id };
    registerProfile(facts);
    const replaces = emailProfileReplaceKeys.filter((k) => olds[k] !== news[k]);
    if (replaces.length > 0) return { replaces: [...replaces] };
    const plan = planFor(olds, news);
    if (planIsEmpty(plan)) return { changes: false };
    const changedSettings = plan.changed.filter((k) => k.startsWith("settings."));
    if (changedSettings.length > 0) await safely(urn, () => profileUpdateImpact(urn, facts, changedSettings));
    if (plan.changed.includes("identityCertificateId")) await safely(urn, () => profileCertificateImpact(urn, facts));
    // `changes` left undefined: the engine diffs old and new inputs and shows each changed property.
    return {};
  },

  async create(inputs) {
    const platform = inputs.platform as EmailPlatform;
    const info = emailPlatforms[platform];
    const declared = declaredOf(inputs);
    if (inputs.adoptExistingId) return adopt(String(inputs.adoptExistingId), platform, inputs, declared);

    const leftBehind = await findLeftBehind(platform, declared);
    if (leftBehind) return adopt(leftBehind.id, platform, inputs, declared);

    const body: Props = { "@odata.type": info.odataType, displayName: declared.displayName, ...settingsToGraph(platform, declared.settings) };
    if (declared.description !== undefined) body.description = declared.description;
    if (declared.scopeTagIds !== undefined) body.roleScopeTagIds = declared.scopeTagIds;
    for (const r of info.certificateRefs) {
      const target = declared.links[r.input];
      if (target) body[`${r.navigation}@odata.bind`] = bindUrl(r.targetCollection, target);
    }

    let unanswered = false;
    const id = await createExactlyOnce(
      `profile "${declared.displayName}"`,
      async () => (await graph().post<LiveProfile>(profilesPath, body)).id,
      async () => {
        unanswered = true;
        const committed = await findUnansweredCreate(platform, declared);
        if (committed) currentRun().adopted.add(committed.id);
        return committed?.id;
      },
    );
    try {
      // A create that bound no link has none: reading the links back would only cost requests.
      const read = await readProfile(id, platform, 10, Object.keys(declared.links).length > 0 || unanswered);
      if (!read) throw new Error(`profile ${id} was created but cannot be read back (Graph keeps answering 404)`);
      // Links that the create did not take (an unanswered create hides whether it did) are set by $ref.
      const missing = info.certificateRefs.filter((r) => declared.links[r.input] && read.links[r.input] !== declared.links[r.input]);
      for (const r of missing) await setLink(id, platform, r.input, declared.links[r.input]);
      if (missing.length > 0) return { id, outs: await snapshotAfterWrite(id, platform, declared, carried(inputs)) };
      const observed = observeProfile(platform, read.live, read.links);
      return { id, outs: { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...carried(inputs) } };
    } catch (e) {
      // Keep the profile in state (created with errors); the next `up` completes it through update.
      // Links are left out of the recorded state so that the update sets them for sure.
      const partial: Props = { ...inputs, odataType: info.odataType };
      for (const r of info.certificateRefs) delete partial[r.input];
      throw new IntuneResourceInitError(`profile ${id} was created, but finishing it failed: ${(e as Error).message}`, id, partial);
    }
  },

  async read(id, props) {
    const platform = props.platform as EmailPlatform;
    if (!emailPlatforms[platform]) return { id, props };
    // A profile written in the last two minutes may still answer 404 for a moment; otherwise a 404 on
    // refresh is far more often a real delete, so fewer tries.
    const recent = typeof props.lastModifiedDateTime === "string" && Date.now() - Date.parse(props.lastModifiedDateTime) < 120_000;
    const read = await readProfile(id, platform, recent ? 3 : 1);
    if (!read) return { id: "" };
    const views = storedViews(props);
    const declared = views.declared ?? declaredOf(props);
    const observed = observeProfile(platform, read.live, read.links);
    const stored: Props = {};
    for (const k of Object.keys(props)) if (k === "__declared" || k === "__baseline") stored[k] = props[k];
    const inputs = { ...inputsAsObserved(platform, declared, observed, views.baseline), ...carried(props) };
    return { id, props: { ...outputsOf(platform, observed, read.live, stored), ...carried(props) }, inputs };
  },

  async update(id, olds, news) {
    const platform = news.platform as EmailPlatform;
    await applyPlan(id, platform, planFor(olds, news));
    try {
      return { outs: await snapshotAfterWrite(id, platform, declaredOf(news), carried(news)) };
    } catch (e) {
      throw new Error(`profile ${id} disappeared during the update (${(e as Error).message}); run \`pulumi refresh\` and \`pulumi up\` to create it again`);
    }
  },

  async delete(id) {
    // Another resource of this run took this profile over (an identical replacement): it is theirs now.
    if (currentRun().adopted.has(id)) return;
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await graph().delete(profilePath(id));
  },
};
