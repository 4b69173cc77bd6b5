// EmailProfile: the e-mail profile types under /deviceManagement/deviceConfigurations (Graph beta).
// Settings are diffed offline on normalised, dense values; certificates are navigation links set with
// @odata.bind on create and $ref afterwards, and read back from the typed route.
import {
  changedSettings,
  checkEmailProfileInputs,
  normaliseScopeTagIds,
  type EmailPlatform,
  emailPlatforms,
  emailProfileInputKeys,
  emailProfileReplaceKeys,
  settingsFromGraph,
  settingsToGraph,
} from "../email";
import { diffInputs, deepEqual, pick } from "../diff";
import { IntuneResourceInitError } from "../errors";
import { isLostResponse } from "../graph";
import { type ProfileFacts, profileCertificateImpact, profileUpdateImpact, registerProfile, safely } from "../impact/analyze";
import { graph, currentSettings } from "../runtime";
import type { Props, ResourceHandler } from "./types";

import { profilesPath } from "./paths";
export { profilesPath };

/** Live profile body as Graph returns it. */
type LiveProfile = Record<string, unknown> & {
  id: string;
  "@odata.type": string;
  displayName: string;
  description: string | null;
  roleScopeTagIds: string[];
  version: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  supportsScopeTags: boolean;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Certificate links of a platform that the inputs name. */
function refsOf(platform: EmailPlatform, inputs: Props): { input: string; navigation: string; targetCollection: string; value?: string }[] {
  return emailPlatforms[platform].certificateRefs.map((r) => ({ ...r, value: inputs[r.input] as string | undefined }));
}

function bindUrl(collection: string, id: string): string {
  return `${currentSettings().graphEndpoint}/beta${collection}/${encodeURIComponent(id)}`;
}

function typedRoute(id: string, platform: EmailPlatform, navigation: string): string {
  return `${profilesPath}/${encodeURIComponent(id)}/microsoft.graph.${emailPlatforms[platform].typeName}/${navigation}`;
}

/**
 * GET with patience for Intune's eventual consistency: right after a write the object can answer 404
 * for a few seconds.
 */
async function getProfile(id: string, retryNotFound: boolean | number): Promise<LiveProfile | undefined> {
  const attempts = retryNotFound === true ? 10 : retryNotFound === false ? 1 : retryNotFound;
  for (let i = 0; i < attempts; i++) {
    const live = await graph().get<LiveProfile>(`${profilesPath}/${encodeURIComponent(id)}`);
    if (live) return live;
    if (i < attempts - 1) await sleep(Math.min(500 * 2 ** i, 3000));
  }
  return undefined;
}

async function readRefs(id: string, platform: EmailPlatform): Promise<Props> {
  const refs: Props = {};
  for (const r of emailPlatforms[platform].certificateRefs) {
    const target = await graph().get<{ id: string }>(typedRoute(id, platform, r.navigation));
    if (target?.id) refs[r.input] = target.id;
  }
  return refs;
}

/** Inputs as the tenant reports them: what refresh compares with the declared inputs. */
function inputsFromLive(platform: EmailPlatform, live: LiveProfile, refs: Props, prior: Props): Props {
  const inputs: Props = {
    displayName: live.displayName,
    platform,
    scopeTagIds: normaliseScopeTagIds(live.roleScopeTagIds),
    settings: settingsFromGraph(platform, live),
    ...refs,
  };
  if (live.description) inputs.description = live.description;
  // Adoption is a create-time instruction, not tenant state: carry it so it never shows as drift.
  if (prior.adoptExistingId !== undefined) inputs.adoptExistingId = prior.adoptExistingId;
  return inputs;
}

function outputsFrom(inputs: Props, live: LiveProfile): Props {
  return {
    ...inputs,
    odataType: live["@odata.type"],
    version: live.version,
    createdDateTime: live.createdDateTime,
    lastModifiedDateTime: live.lastModifiedDateTime,
    supportsScopeTags: live.supportsScopeTags,
  };
}

async function snapshot(id: string, platform: EmailPlatform, prior: Props, retryNotFound: boolean): Promise<Props | undefined> {
  const live = await getProfile(id, retryNotFound);
  if (!live) return undefined;
  const refs = await readRefs(id, platform);
  return outputsFrom(inputsFromLive(platform, live, refs, prior), live);
}

/** The body fields of the inputs other than settings and links. */
function topLevelBody(inputs: Props): Props {
  return {
    displayName: inputs.displayName,
    description: inputs.description ?? null,
    roleScopeTagIds: inputs.scopeTagIds ?? ["0"],
  };
}

/** Finds a profile that a create committed although its response was lost. */
async function findCommittedCreate(inputs: Props, sentAt: number): Promise<LiveProfile | undefined> {
  const platform = inputs.platform as EmailPlatform;
  const name = String(inputs.displayName).replace(/'/g, "''");
  const candidates = await graph().list<LiveProfile>(profilesPath, {
    filter: `isof('microsoft.graph.${emailPlatforms[platform].typeName}') and displayName eq '${name}'`,
  });
  // Display names are not unique in Intune: only a profile born after our request was sent can be ours.
  const ours = candidates.filter((c) => Date.parse(c.createdDateTime) >= sentAt - 5_000);
  return ours.length === 1 ? ours[0] : undefined;
}

async function setRef(id: string, platform: EmailPlatform, navigation: string, collection: string, target: string | undefined): Promise<void> {
  const route = `${typedRoute(id, platform, navigation)}/$ref`;
  if (target) await graph().put(route, { "@odata.id": bindUrl(collection, target) });
  else await graph().delete(route);
}

async function adopt(inputs: Props): Promise<{ id: string; outs: Props }> {
  const platform = inputs.platform as EmailPlatform;
  const id = String(inputs.adoptExistingId);
  const live = await getProfile(id, false);
  if (!live) throw new Error(`\`adoptExistingId\` must name an existing device configuration, got "${id}" (Graph answered 404)`);
  const expected = emailPlatforms[platform].odataType;
  if (live["@odata.type"] !== expected) {
    throw new Error(
      `\`adoptExistingId\` "${id}" is a ${live["@odata.type"]}, but platform "${platform}" manages ${expected}; set \`platform\` to match the existing profile`,
    );
  }
  const wantsTags = !deepEqual(inputs.scopeTagIds ?? ["0"], ["0"]);
  if (wantsTags && !live.supportsScopeTags) {
    throw new Error(`profile "${id}" does not support scope tags (a legacy profile); \`scopeTagIds\` must be ["0"], got ${JSON.stringify(inputs.scopeTagIds)}`);
  }
  const current = inputsFromLive(platform, live, await readRefs(id, platform), inputs);
  await applyChanges(id, platform, current, inputs);
  const outs = await snapshot(id, platform, inputs, true);
  if (!outs) throw new Error(`adopted profile ${id} disappeared`);
  return { id, outs };
}

/** PATCH what changed (plus @odata.type), and move certificate links with $ref. */
async function applyChanges(id: string, platform: EmailPlatform, olds: Props, news: Props): Promise<void> {
  const refs = refsOf(platform, news);
  // New links first, so a switch to certificate authentication never sees a profile without one.
  for (const r of refs) {
    if (r.value && r.value !== olds[r.input]) await setRef(id, platform, r.navigation, r.targetCollection, r.value);
  }
  const patch: Props = {};
  const top = topLevelBody(news);
  const oldTop = topLevelBody(olds);
  for (const k of Object.keys(top)) if (!deepEqual(top[k], oldTop[k])) patch[k] = top[k];
  const keys = changedSettings(platform, (olds.settings ?? {}) as Props, news.settings as Props);
  if (keys.length > 0) Object.assign(patch, pick(settingsToGraph(platform, news.settings as Props), keys));
  if (Object.keys(patch).length > 0) {
    await graph().patch(`${profilesPath}/${encodeURIComponent(id)}`, { "@odata.type": emailPlatforms[platform].odataType, ...patch });
  }
  for (const r of refs) {
    if (!r.value && olds[r.input]) await setRef(id, platform, r.navigation, r.targetCollection, undefined);
  }
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
  };
}

export const emailProfileHandler: ResourceHandler = {
  async check(_olds, news) {
    const { inputs, failures } = checkEmailProfileInputs(news);
    if (failures.length > 0) return { inputs, failures: [...failures] };
    // An adopted profile's id is known before the create: impact analysis can read its live assignments.
    registerProfile({ ...profileFactsOf(inputs, news.__urn as string | undefined), id: inputs.adoptExistingId as string | undefined });
    return { inputs };
  },

  async diff(id, olds, news) {
    const result = diffInputs(olds, news, emailProfileInputKeys, emailProfileReplaceKeys);
    const urn = news.__urn as string | undefined;
    const facts = { ...profileFactsOf(news, urn), id };
    registerProfile(facts);
    if (result.changes !== false && !result.replaces?.length) {
      const platform = news.platform as EmailPlatform;
      const changed = changedSettings(platform, (olds.settings ?? {}) as Props, (news.settings ?? {}) as Props);
      if (changed.length > 0) await safely(urn, () => profileUpdateImpact(urn, facts, changed.map((k) => `settings.${k}`)));
      if (olds.identityCertificateId !== news.identityCertificateId) await safely(urn, () => profileCertificateImpact(urn, facts));
    }
    return result;
  },

  async create(inputs) {
    if (inputs.adoptExistingId) return adopt(inputs);
    const platform = inputs.platform as EmailPlatform;
    const info = emailPlatforms[platform];
    const body: Props = { "@odata.type": info.odataType, ...topLevelBody(inputs), ...settingsToGraph(platform, inputs.settings as Props) };
    for (const r of refsOf(platform, inputs)) if (r.value) body[`${r.navigation}@odata.bind`] = bindUrl(r.targetCollection, r.value);

    const sentAt = Date.now();
    let created: LiveProfile;
    try {
      created = await graph().post<LiveProfile>(profilesPath, body);
    } catch (e) {
      // A reset after the tenant committed the create: find that profile instead of making a second one.
      if (!isLostResponse(e)) throw e;
      const committed = await findCommittedCreate(inputs, sentAt);
      if (!committed) throw e;
      created = committed;
    }
    const id = created.id;
    try {
      // Links that the create did not take (a lost response hides whether it did) are set by $ref.
      const refs = await readRefs(id, platform);
      for (const r of refsOf(platform, inputs)) {
        if (r.value && refs[r.input] !== r.value) await setRef(id, platform, r.navigation, r.targetCollection, r.value);
      }
      const outs = await snapshot(id, platform, inputs, true);
      if (!outs) throw new Error(`profile ${id} was created but cannot be read back`);
      return { id, outs };
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
    // A profile written in the last two minutes may still answer 404 for a moment.
    const recent = typeof props.lastModifiedDateTime === "string" && Date.now() - Date.parse(props.lastModifiedDateTime) < 120_000;
    // Fewer tries than after our own write: on refresh a 404 is far more often a real delete.
    const live = await getProfile(id, recent ? 3 : 1);
    if (!live) return { id: "" };
    const inputs = inputsFromLive(platform, live, await readRefs(id, platform), props);
    return { id, props: outputsFrom(inputs, live), inputs };
  },

  async update(id, olds, news) {
    const platform = news.platform as EmailPlatform;
    await applyChanges(id, platform, olds, news);
    const outs = await snapshot(id, platform, news, true);
    if (!outs) throw new Error(`profile ${id} disappeared during the update; run \`pulumi refresh\` and \`pulumi up\` to create it again`);
    return { outs };
  },

  async delete(id) {
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await graph().delete(`${profilesPath}/${encodeURIComponent(id)}`);
  },
};
