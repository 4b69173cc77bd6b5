// EmailProfile: the e-mail profile types under /deviceManagement/deviceConfigurations (Graph beta).
// Inputs hold only what the program declares; outputs hold what the tenant reports, plus the baseline
// of our last write (see email/managed.ts). Certificates are navigation links: @odata.bind on create,
// $ref afterwards, read back from the typed route. Creates happen exactly once (see docs/design/exactly-once.md):
// an unanswered create is looked up, and a create first looks for what an interrupted run left.
import { type EmailProfileStateKeys, type LinkKeys, ProtocolKeys } from "../../protocol";
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
import type { EmailProfileInputs } from "../email/inputs";
import { linksToRead } from "../email/links";
import type { DeclaredFields } from "../email/managed";
import type { CertificateInput } from "../email/platforms";
import { certificatePlatformOfEmail, emailCertificateLinkFailures, linkedPlatformsOf } from "../certificates";
import { IntuneResourceInitError, IntuneTenantStateError, IntuneValidationError } from "../errors";
import { type ProfileFacts, profileCertificateImpact, profileUpdateImpact, registerProfile, safely } from "../impact/analyze";
import { profilesPath } from "../paths";
import type { ProviderRun } from "../run";
import { createExactlyOnce } from "./createOnce";
import {
  bindUrl,
  configurationPath,
  findLeftBehind,
  findUnansweredCreate,
  type IntuneAddedOutputs,
  intuneAddedOutputs,
  type LiveConfiguration,
  readWithLinks,
  typedRoute as configurationRoute,
} from "./deviceConfiguration";
import type { ResourceHandler } from "./types";

export { profilesPath };
export type { EmailProfileInputs };

/**
 * EmailProfile outputs: the declared fields as the tenant reports them, what Intune adds, the drift
 * model's state (email/managed.ts) and the create-time instruction `adoptExistingId`.
 */
export type EmailProfileOutputs = DeclaredFields &
  Pick<EmailProfileInputs, "platform" | "adoptExistingId"> &
  EmailProfileStateKeys &
  LinkKeys &
  IntuneAddedOutputs;

function typedRoute(id: string, platform: EmailPlatform, navigation: string): string {
  return configurationRoute(id, emailPlatforms[platform].typeName, navigation);
}

/**
 * The profile and its certificate links (deviceConfiguration.ts). `links`: every link of the type
 * (`true`), none (`false`), or the known ones with the profile and the others only when its settings
 * can use them (see email/links.ts), in a second round trip. `listed`: the profile from a refresh's
 * listing (readAhead.ts); only the links are read then.
 */
async function readProfile(run: ProviderRun, id: string, platform: EmailPlatform, notFoundAttempts: number, links: boolean | ReadonlySet<CertificateInput> = true, listed?: LiveConfiguration) {
  const allRefs = emailPlatforms[platform].certificateRefs;
  const refs = links === true ? allRefs : links === false ? [] : allRefs.filter((r) => links.has(r.input));
  const more = (live: LiveConfiguration) => (typeof links === "object" ? allRefs.filter((r) => !links.has(r.input) && linksToRead(platform, links, live).includes(r.input)) : []);
  return readWithLinks(run, id, emailPlatforms[platform].typeName, refs, notFoundAttempts, { more, listed });
}

function outputsOf(platform: EmailPlatform, observed: ObservedProfile, live: LiveConfiguration, stored: EmailProfileStateKeys): EmailProfileOutputs {
  const outs: EmailProfileOutputs = {
    displayName: observed.displayName,
    platform,
    settings: observed.settings,
    ...observed.links,
    ...intuneAddedOutputs(live),
    ...stored,
  };
  if (observed.description !== null) outs.description = observed.description;
  if (observed.scopeTagIds !== undefined) outs.scopeTagIds = observed.scopeTagIds;
  return outs;
}

/** Reads the profile after our write (`links`: see {@link readProfile}) and records that answer as the baseline. */
async function snapshotAfterWrite(
  run: ProviderRun,
  id: string,
  platform: EmailPlatform,
  declared: DeclaredProfile,
  extra: Carried,
  links: boolean | ReadonlySet<CertificateInput> = true,
): Promise<EmailProfileOutputs> {
  const read = await readProfile(run, id, platform, 10, links);
  if (!read) throw new IntuneTenantStateError(`profile ${id} was written but cannot be read back (Graph keeps answering 404)`);
  const observed = observeProfile(platform, read.live, read.links);
  return { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...extra };
}

async function setLink(run: ProviderRun, id: string, platform: EmailPlatform, input: CertificateInput, target: string | undefined): Promise<void> {
  const ref = emailPlatforms[platform].certificateRefs.find((r) => r.input === input)!;
  const route = `${typedRoute(id, platform, ref.navigation)}/$ref`;
  if (target) await run.graph.put(route, { "@odata.id": bindUrl(run, ref.targetCollection, target) });
  else await run.graph.delete(route);
}

/** The writes of a plan: new links first (a switch to certificate auth never lacks one), PATCH, then removals. */
async function applyPlan(run: ProviderRun, id: string, platform: EmailPlatform, plan: ProfilePlan): Promise<void> {
  const links = Object.entries(plan.links) as [CertificateInput, string | undefined][];
  for (const [input, target] of links) if (target) await setLink(run, id, platform, input, target);
  const patch: Record<string, unknown> = { ...plan.top, ...settingsToGraph(platform, plan.settings) };
  if (Object.keys(patch).length > 0) await run.graph.patch(configurationPath(id), { "@odata.type": emailPlatforms[platform].odataType, ...patch });
  for (const [input, target] of links) if (!target) await setLink(run, id, platform, input, undefined);
}

async function adopt(run: ProviderRun, id: string, platform: EmailPlatform, inputs: EmailProfileInputs, declared: DeclaredProfile): Promise<{ id: string; outs: EmailProfileOutputs }> {
  const read = await readProfile(run, id, platform, 1);
  if (!read) throw invalid("adoptExistingId", `\`adoptExistingId\` must name an existing device configuration, got "${id}" (Graph answered 404)`);
  const expected = emailPlatforms[platform].odataType;
  if (read.live["@odata.type"] !== expected) {
    throw invalid("platform", `\`adoptExistingId\` "${id}" is a ${read.live["@odata.type"]}, but platform "${platform}" manages ${expected}; set \`platform\` to match the existing profile`);
  }
  if (declared.scopeTagIds !== undefined && !sameSetting([...new Set(declared.scopeTagIds)].sort(), ["0"]) && read.live.supportsScopeTags === false) {
    throw invalid("scopeTagIds", `profile "${id}" does not support scope tags (a legacy profile); \`scopeTagIds\` must be ["0"] or left out, got ${JSON.stringify(declared.scopeTagIds)}`);
  }
  run.adopted.add(id);
  const observed = observeProfile(platform, read.live, read.links);
  // What the program leaves out stays as the tenant has it: the baseline is the tenant's answer now.
  const plan = planProfile(platform, declared, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  if (planIsEmpty(plan)) return { id, outs: { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...carried(inputs) } };
  await applyPlan(run, id, platform, plan);
  return { id, outs: await snapshotAfterWrite(run, id, platform, declared, carried(inputs)) };
}

/** A rule on one input that only the tenant can check (at `up`, not at preview). */
function invalid(property: string, reason: string): IntuneValidationError {
  return new IntuneValidationError([{ property, reason }]);
}

/** Create-time instructions that are inputs, not tenant state: carried so they never show as drift. */
type Carried = Pick<EmailProfileInputs, "adoptExistingId">;

function carried(inputs: Carried): Carried {
  return inputs.adoptExistingId !== undefined ? { adoptExistingId: inputs.adoptExistingId } : {};
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function profileFactsOf(inputs: EmailProfileInputs): ProfileFacts {
  return {
    urn: inputs[ProtocolKeys.urn],
    displayName: inputs.displayName,
    platform: inputs.platform,
    hostName: text(inputs.settings.hostName),
    emailAddressSource: text(inputs.settings.emailAddressSource),
    identityCertificateId: inputs.identityCertificateId,
    identityCertificateUrn: inputs[ProtocolKeys.identityCertificateUrn],
  };
}

function planFor(olds: EmailProfileOutputs, news: EmailProfileInputs, views = storedViews(olds)): ProfilePlan {
  return planProfile(news.platform, declaredOf(news), views.observed, views.baseline, views.declared);
}

export const emailProfileHandler: ResourceHandler<EmailProfileInputs, EmailProfileOutputs> = {
  async check(run, _olds, news) {
    const checked = checkEmailProfileInputs(news);
    if (!checked.valid) return { inputs: checked.inputs, failures: [...checked.failures] };
    const inputs = checked.inputs;
    // A certificate of another platform than the profile's (known from the program's own objects).
    const linkFailures = emailCertificateLinkFailures(inputs.platform, certificatePlatformOfEmail[inputs.platform], linkedPlatformsOf(news));
    if (linkFailures.length > 0) return { inputs, failures: linkFailures };
    // An adopted profile's id is known before the create: impact analysis can read its live assignments.
    registerProfile(run, { ...profileFactsOf({ ...inputs, [ProtocolKeys.urn]: text(news[ProtocolKeys.urn]), [ProtocolKeys.identityCertificateUrn]: text(news[ProtocolKeys.identityCertificateUrn]) }) , id: inputs.adoptExistingId });
    return { inputs };
  },

  async diff(run, id, olds, news) {
    const urn = news[ProtocolKeys.urn];
    const facts = { ...profileFactsOf(news), id };
    registerProfile(run, facts);
    const replaces = emailProfileReplaceKeys.filter((k) => olds[k] !== news[k]);
    if (replaces.length > 0) return { replaces: [...replaces] };
    const plan = planFor(olds, news);
    if (planIsEmpty(plan)) return { changes: false };
    const changedSettings = plan.changed.filter((k) => k.startsWith("settings."));
    if (changedSettings.length > 0) await safely(run, urn, () => profileUpdateImpact(run, urn, facts, changedSettings));
    if (plan.changed.includes("identityCertificateId")) await safely(run, urn, () => profileCertificateImpact(run, urn, facts));
    // `changes` left undefined: the engine diffs old and new inputs and shows each changed property.
    return {};
  },

  async create(run, inputs) {
    const platform = inputs.platform;
    const info = emailPlatforms[platform];
    const declared = declaredOf(inputs);
    if (inputs.adoptExistingId) return adopt(run, inputs.adoptExistingId, platform, inputs, declared);

    const leftBehind = await findLeftBehind(run, info.typeName, platform, declared);
    if (leftBehind) return adopt(run, leftBehind.id, platform, inputs, declared);

    const body: Record<string, unknown> = { "@odata.type": info.odataType, displayName: declared.displayName, ...settingsToGraph(platform, declared.settings) };
    if (declared.description !== undefined) body.description = declared.description;
    if (declared.scopeTagIds !== undefined) body.roleScopeTagIds = declared.scopeTagIds;
    for (const r of info.certificateRefs) {
      const target = declared.links[r.input];
      if (target) body[`${r.navigation}@odata.bind`] = bindUrl(run, r.targetCollection, target);
    }

    let unanswered = false;
    const id = await createExactlyOnce(
      `profile "${declared.displayName}"`,
      async () => (await run.graph.post<LiveConfiguration>(profilesPath, body)).id,
      async () => {
        unanswered = true;
        const committed = await findUnansweredCreate(run, info.typeName, platform, declared);
        if (committed) run.adopted.add(committed.id);
        return committed?.id;
      },
    );
    try {
      // A create that bound no link has none: reading the links back would only cost requests.
      const read = await readProfile(run, id, platform, 10, Object.keys(declared.links).length > 0 || unanswered);
      if (!read) throw new IntuneTenantStateError(`profile ${id} was created but cannot be read back (Graph keeps answering 404)`);
      // Links that the create did not take (an unanswered create hides whether it did) are set by $ref.
      const missing = info.certificateRefs.filter((r) => declared.links[r.input] && read.links[r.input] !== declared.links[r.input]);
      for (const r of missing) await setLink(run, id, platform, r.input, declared.links[r.input]);
      if (missing.length > 0) return { id, outs: await snapshotAfterWrite(run, id, platform, declared, carried(inputs)) };
      const observed = observeProfile(platform, read.live, read.links);
      return { id, outs: { ...outputsOf(platform, observed, read.live, storedAfterWrite(declared, observed)), ...carried(inputs) } };
    } catch (e) {
      // Keep the profile in state (created with errors); the next `up` completes it through update.
      // Links are left out of the recorded state so that the update sets them for sure.
      const partial: Record<string, unknown> = { ...inputs, odataType: info.odataType };
      for (const r of info.certificateRefs) delete partial[r.input];
      throw new IntuneResourceInitError(`profile ${id} was created, but finishing it failed: ${(e as Error).message}`, id, partial);
    }
  },

  async read(run, id, props) {
    const platform = props.platform;
    if (!emailPlatforms[platform]) return { id, props };
    // A profile written in the last two minutes may still answer 404 for a moment; otherwise a 404 on
    // refresh is far more often a real delete, so fewer tries.
    const recent = typeof props.lastModifiedDateTime === "string" && Date.now() - Date.parse(props.lastModifiedDateTime) < 120_000;
    const views = storedViews(props);
    // Links the program declares or the state recorded, and the others when the settings can use them.
    const known = new Set([...Object.keys(views.observed.links), ...Object.keys(views.declared?.links ?? {})] as CertificateInput[]);
    // Many profiles of one type in a refresh: from the run's listing of the type (readAhead.ts).
    const listed = await run.readAhead.take(emailPlatforms[platform].typeName, id);
    const read = await readProfile(run, id, platform, recent ? 3 : 1, known, listed);
    if (!read) return { id: "" };
    const declared = views.declared ?? declaredOf(props);
    const observed = observeProfile(platform, read.live, read.links);
    const stored: EmailProfileStateKeys = {};
    for (const k of [ProtocolKeys.declared, ProtocolKeys.baseline] as const) if (k in props) Object.assign(stored, { [k]: props[k] });
    const inputs = { ...inputsAsObserved(platform, declared, observed, views.baseline), ...carried(props) };
    return { id, props: { ...outputsOf(platform, observed, read.live, stored), ...carried(props) }, inputs };
  },

  async update(run, id, olds, news) {
    const platform = news.platform;
    const views = storedViews(olds);
    const plan = planFor(olds, news, views);
    await applyPlan(run, id, platform, plan);
    const declared = declaredOf(news);
    // The links a refresh would read (recorded, declared, just written; the others once the settings can
    // use them), not every link of the type: an iOS profile has four, and a PATCH of a setting moves none.
    const links = new Set([...Object.keys(views.observed.links), ...Object.keys(declared.links), ...Object.keys(plan.links)] as CertificateInput[]);
    try {
      return { outs: await snapshotAfterWrite(run, id, platform, declared, carried(news), links) };
    } catch (e) {
      throw new IntuneTenantStateError(`profile ${id} disappeared during the update (${(e as Error).message}); run \`pulumi refresh\` and \`pulumi up\` to create it again`);
    }
  },

  async delete(run, id) {
    // Another resource of this run took this profile over (an identical replacement): it is theirs now.
    if (run.adopted.has(id)) return;
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await run.graph.delete(configurationPath(id));
  },
};
