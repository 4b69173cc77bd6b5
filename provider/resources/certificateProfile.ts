// TrustedRootCertificate and CertificateProfile (SCEP, PKCS): device configurations of the certificate
// platforms, managed like EmailProfile — inputs hold only what the program declares, the tenant's
// answer after each write is the baseline (email/managed.ts), the root link is a navigation property
// (`rootCertificate@odata.bind` on create, `…/rootCertificate/$ref` afterwards, read from the typed
// route), and creates happen exactly once (createOnce.ts). The Graph work is written as functions of
// a {@link GraphContext}; the handlers' entry points make it from the ProviderRun dispatch.ts passes in.
import {
  certificatePlatforms,
  type CertificateKind,
  type CertificatePlatform,
  certificateSettingsToGraph,
  type CertificateTypeInfo,
  checkCertificateProfileInputs,
  checkTrustedRootInputs,
  inspectRootCertificate,
  ROOT_LINK,
} from "../certificates";
import {
  type DeclaredProfile,
  declaredOf,
  managedInputsAsObserved,
  type ObservedProfile,
  observeProfile,
  type ProfilePlan,
  planIsEmpty,
  planProfile,
  storedAfterWrite,
  storedViews,
} from "../email/managed";
import { sameSetting } from "../email/wire";
import { engineLog } from "../engineLog";
import { registerCertificate } from "../impact/analyze";
import { IntuneResourceInitError } from "../errors";
import type { GraphApi } from "../graph";
import type { LiveObject, ProviderRun } from "../run";
import { createExactlyOnce } from "./createOnce";
import { failUnlessOk } from "./emailProfile";
import { ProtocolKeys } from "../../protocol";
import { profilesPath } from "../paths";
import type { ResourceHandler } from "./types";

type Props = Record<string, unknown>;

/** What the Graph work of these resources needs: Graph access, the run's state, the Graph root URL. */
export interface GraphContext {
  readonly graph: GraphApi;
  readonly run: ProviderRun;
  readonly graphEndpoint: string;
}

function contextOf(run: ProviderRun): GraphContext {
  return { graph: run.graph, run, graphEndpoint: run.settings.graphEndpoint };
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

type LiveConfig = LiveObject & { "@odata.type": string; version?: number; lastModifiedDateTime?: string; supportsScopeTags?: boolean; roleScopeTagIds?: string[] };
type Links = Partial<Record<string, string>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const configPath = (id: string) => `${profilesPath}/${encodeURIComponent(id)}`;
const rootRoute = (id: string, info: CertificateTypeInfo) => `${configPath(id)}/microsoft.graph.${info.typeName}/${ROOT_LINK.navigation}`;
const bindUrl = (ctx: GraphContext, id: string) => `${ctx.graphEndpoint}/beta${profilesPath}/${encodeURIComponent(id)}`;

/** The object and its root link in one `$batch`; `notFoundAttempts` > 1 waits out Intune's lag after a write. */
export async function readCertificateObject(ctx: GraphContext, id: string, info: CertificateTypeInfo, notFoundAttempts: number): Promise<{ live: LiveConfig; links: Links } | undefined> {
  for (let attempt = 1; ; attempt++) {
    const answers = await ctx.graph.readCoalesced([
      { id: "object", path: configPath(id) },
      ...(info.hasRootLink ? [{ id: "root", path: rootRoute(id, info) }] : []),
    ]);
    const object = answers.get("object");
    if (!object || object.status === 404) {
      if (attempt >= notFoundAttempts) return undefined;
      await sleep(Math.min(500 * 2 ** (attempt - 1), 3000));
      continue;
    }
    failUnlessOk("GET", configPath(id), object);
    const links: Links = {};
    const root = answers.get("root");
    // An unbound link, or one whose root was deleted, answers 404: no link.
    if (root && root.status !== 404) {
      failUnlessOk("GET", rootRoute(id, info), root);
      const target = (root.body as { id?: string } | undefined)?.id;
      if (target) links[ROOT_LINK.input] = target;
    }
    return { live: object.body as LiveConfig, links };
  }
}

async function setRootLink(ctx: GraphContext, id: string, info: CertificateTypeInfo, target: string | undefined): Promise<void> {
  const route = `${rootRoute(id, info)}/$ref`;
  if (target) await ctx.graph.put(route, { "@odata.id": bindUrl(ctx, target) });
  else await ctx.graph.delete(route);
}

/** The writes of a plan: a new root first, then PATCH, then a removed root. */
async function applyPlan(ctx: GraphContext, id: string, info: CertificateTypeInfo, plan: ProfilePlan): Promise<void> {
  const root = plan.links[ROOT_LINK.input];
  const linkChanges = ROOT_LINK.input in plan.links;
  if (linkChanges && root) await setRootLink(ctx, id, info, root);
  const patch: Props = { ...plan.top, ...certificateSettingsToGraph(info, plan.settings) };
  if (Object.keys(patch).length > 0) await ctx.graph.patch(configPath(id), { "@odata.type": info.odataType, ...patch });
  if (linkChanges && !root) await setRootLink(ctx, id, info, undefined);
}

/** The one place that says which resource is which: a descriptor per resource kind. */
interface CertificateResource {
  readonly label: string;
  info(inputs: Props): CertificateTypeInfo;
  /** Outputs beyond the common ones (the root's subject, thumbprint, expiry). */
  extraOutputs(observed: ObservedProfile): Props;
  /** Inputs as refresh reports them, beyond what the drift model gives. */
  extraInputs(declaredInputs: Props, observed: ObservedProfile): Props;
  /** Create-time instructions and settings of the program, not tenant state: carried so they never drift. */
  readonly carriedKeys: readonly string[];
}

function outputsOf(r: CertificateResource, inputs: Props, observed: ObservedProfile, live: LiveConfig, stored: Props): Props {
  const outs: Props = {
    displayName: observed.displayName,
    platform: inputs.platform,
    settings: observed.settings,
    ...observed.links,
    odataType: live["@odata.type"],
    version: live.version,
    createdDateTime: live.createdDateTime,
    lastModifiedDateTime: live.lastModifiedDateTime,
    supportsScopeTags: live.supportsScopeTags,
    ...r.extraOutputs(observed),
    ...stored,
  };
  if (inputs.kind !== undefined) outs.kind = inputs.kind;
  if (observed.description !== null) outs.description = observed.description;
  if (observed.scopeTagIds !== undefined) outs.scopeTagIds = observed.scopeTagIds;
  for (const k of r.carriedKeys) if (inputs[k] !== undefined) outs[k] = inputs[k];
  return outs;
}

const linkInputsOf = (info: CertificateTypeInfo) => info.model.linkInputs;

function declaredOfInputs(info: CertificateTypeInfo, inputs: Props): DeclaredProfile {
  return declaredOf(inputs, linkInputsOf(info));
}

async function snapshot(ctx: GraphContext, r: CertificateResource, id: string, inputs: Props, declared: DeclaredProfile): Promise<Props> {
  const info = r.info(inputs);
  const read = await readCertificateObject(ctx, id, info, 10);
  if (!read) throw new Error(`${r.label} ${id} was written but cannot be read back (Graph keeps answering 404)`);
  const observed = observeProfile(info.model, read.live, read.links);
  return outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed));
}

function matchesDeclared(info: CertificateTypeInfo, live: LiveObject, declared: DeclaredProfile): boolean {
  const observed = observeProfile(info.model, live, {});
  return planIsEmpty(planProfile(info.model, { ...declared, links: {} }, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings }));
}

const byAge = (a: LiveObject, b: LiveObject) => String(a.createdDateTime ?? "").localeCompare(String(b.createdDateTime ?? "")) || a.id.localeCompare(b.id);

/** What an interrupted run left: same type and name, every declared value, no assignments, not taken. */
async function findLeftBehind(ctx: GraphContext, info: CertificateTypeInfo, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const candidates = (await ctx.run.profilesBeforeRun(info.typeName))
    .filter((p) => p.displayName === declared.displayName && !ctx.run.adopted.has(p.id) && matchesDeclared(info, p, declared))
    .sort(byAge);
  for (const c of candidates) if ((await ctx.graph.list(`${configPath(c.id)}/assignments`)).length === 0) return c;
  return undefined;
}

/** What an unanswered create committed: new since this run's first create of the type, with the declared values. */
async function findUnansweredCreate(ctx: GraphContext, info: CertificateTypeInfo, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const before = new Set((await ctx.run.profilesBeforeRun(info.typeName)).map((p) => p.id));
  for (let attempt = 1; attempt <= 4; attempt++) {
    const found = (await ctx.run.profilesNamed(info.typeName, declared.displayName))
      .filter((p) => !before.has(p.id) && !ctx.run.adopted.has(p.id) && matchesDeclared(info, p, declared))
      .sort(byAge);
    if (found.length > 0) return found[0];
    if (attempt < 4) await sleep(250 * 2 ** attempt);
  }
  return undefined;
}

async function adopt(ctx: GraphContext, r: CertificateResource, id: string, inputs: Props): Promise<{ id: string; outs: Props }> {
  const info = r.info(inputs);
  const declared = declaredOfInputs(info, inputs);
  const read = await readCertificateObject(ctx, id, info, 1);
  if (!read) throw new Error(`\`adoptExistingId\` must name an existing device configuration, got "${id}" (Graph answered 404)`);
  if (read.live["@odata.type"] !== info.odataType) {
    throw new Error(`\`adoptExistingId\` "${id}" is a ${read.live["@odata.type"]}, but this ${r.label} manages ${info.odataType}; set \`platform\`${inputs.kind ? " and `kind`" : ""} to match the existing object`);
  }
  ctx.run.adopted.add(id);
  const observed = observeProfile(info.model, read.live, read.links);
  const plan = planProfile(info.model, declared, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  if (planIsEmpty(plan)) return { id, outs: outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed)) };
  await applyPlan(ctx, id, info, plan);
  return { id, outs: await snapshot(ctx, r, id, inputs, declared) };
}

export async function createCertificateObject(ctx: GraphContext, r: CertificateResource, inputs: Props): Promise<{ id: string; outs: Props }> {
  const info = r.info(inputs);
  const declared = declaredOfInputs(info, inputs);
  if (inputs.adoptExistingId) return adopt(ctx, r, String(inputs.adoptExistingId), inputs);
  const leftBehind = await findLeftBehind(ctx, info, declared);
  if (leftBehind) return adopt(ctx, r, leftBehind.id, inputs);

  const body: Props = { "@odata.type": info.odataType, displayName: declared.displayName, ...certificateSettingsToGraph(info, declared.settings) };
  if (declared.description !== undefined) body.description = declared.description;
  if (declared.scopeTagIds !== undefined) body.roleScopeTagIds = declared.scopeTagIds;
  const root = declared.links[ROOT_LINK.input];
  if (root) body[`${ROOT_LINK.navigation}@odata.bind`] = bindUrl(ctx, root);

  const id = await createExactlyOnce(
    `${r.label} "${declared.displayName}"`,
    async () => (await ctx.graph.post<LiveConfig>(profilesPath, body)).id,
    async () => {
      const committed = await findUnansweredCreate(ctx, info, declared);
      if (committed) ctx.run.adopted.add(committed.id);
      return committed?.id;
    },
  );
  try {
    const read = await readCertificateObject(ctx, id, info, 10);
    if (!read) throw new Error(`${r.label} ${id} was created but cannot be read back (Graph keeps answering 404)`);
    // A root the create did not take (an unanswered create hides whether it did) is set by $ref.
    if (root && read.links[ROOT_LINK.input] !== root) {
      await setRootLink(ctx, id, info, root);
      return { id, outs: await snapshot(ctx, r, id, inputs, declared) };
    }
    const observed = observeProfile(info.model, read.live, read.links);
    return { id, outs: outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed)) };
  } catch (e) {
    // Recorded as created with errors, without its link, so the next `up` completes it through update.
    const partial: Props = { ...inputs, odataType: info.odataType };
    delete partial[ROOT_LINK.input];
    throw new IntuneResourceInitError(`${r.label} ${id} was created, but finishing it failed: ${(e as Error).message}`, id, partial);
  }
}

export async function readCertificateResource(ctx: GraphContext, r: CertificateResource, id: string, props: Props): Promise<{ id: string; props?: Props; inputs?: Props }> {
  const info = r.info(props);
  const recent = typeof props.lastModifiedDateTime === "string" && Date.now() - Date.parse(props.lastModifiedDateTime) < 120_000;
  const read = await readCertificateObject(ctx, id, info, recent ? 3 : 1);
  if (!read) return { id: "" };
  const views = storedViews(props, linkInputsOf(info));
  const declared = views.declared ?? declaredOfInputs(info, props);
  const observed = observeProfile(info.model, read.live, read.links);
  const stored: Props = {};
  for (const k of [ProtocolKeys.declared, ProtocolKeys.baseline]) if (props[k] !== undefined) stored[k] = props[k];
  const inputs: Props = { ...managedInputsAsObserved(info.model, declared, observed, views.baseline), platform: props.platform, ...r.extraInputs(props, observed) };
  if (props.kind !== undefined) inputs.kind = props.kind;
  for (const k of r.carriedKeys) if (props[k] !== undefined && !(k in inputs)) inputs[k] = props[k];
  return { id, props: outputsOf(r, props, observed, read.live, stored), inputs };
}

function planFor(info: CertificateTypeInfo, olds: Props, news: Props): ProfilePlan {
  const views = storedViews(olds, linkInputsOf(info));
  return planProfile(info.model, declaredOfInputs(info, news), views.observed, views.baseline, views.declared);
}

export async function updateCertificateObject(ctx: GraphContext, r: CertificateResource, id: string, olds: Props, news: Props): Promise<Props> {
  const info = r.info(news);
  await applyPlan(ctx, id, info, planFor(info, olds, news));
  try {
    return await snapshot(ctx, r, id, news, declaredOfInputs(info, news));
  } catch (e) {
    throw new Error(`${r.label} ${id} disappeared during the update (${(e as Error).message}); run \`pulumi refresh\` and \`pulumi up\` to create it again`);
  }
}

export async function deleteCertificateObject(ctx: GraphContext, r: CertificateResource, id: string): Promise<void> {
  if (ctx.run.adopted.has(id)) return;
  try {
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await ctx.graph.delete(configPath(id));
  } catch (e) {
    // A tenant may refuse to delete what other profiles still link to (docs/graph-behaviour.md): the
    // resource then stays in the stack, nothing is orphaned, and the message says what to unlink.
    if ((e as { statusCode?: number }).statusCode === 400) {
      throw new Error(`${r.label} ${id} was not deleted, it stays in the stack: ${(e as Error).message}. Remove or re-link the profiles that link to it (or delete them first), then run the operation again`);
    }
    throw e;
  }
}

function diffFor(r: CertificateResource, replaceKeys: readonly string[]) {
  return async (_run: ProviderRun, _id: string, olds: Props, news: Props) => {
    const replaces = replaceKeys.filter((k) => olds[k] !== news[k]);
    if (replaces.length > 0) return { replaces: [...replaces] };
    const info = r.info(news);
    if (planIsEmpty(planFor(info, olds, news)) && !carriedChanged(r, olds, news)) return { changes: false };
    return {};
  };
}

/** Program-only inputs (e.g. the PEM text of the same certificate bytes) that changed: an update without a write. */
function carriedChanged(r: CertificateResource, olds: Props, news: Props): boolean {
  return r.carriedKeys.some((k) => k !== "adoptExistingId" && !sameSetting(olds[k], news[k]));
}

// ---- the two resource kinds ----

const trustedRoot: CertificateResource = {
  label: "trusted root",
  info: (inputs) => certificatePlatforms[inputs.platform as CertificatePlatform].trustedRoot,
  extraOutputs(observed) {
    const der = observed.settings.trustedRootCertificate;
    if (typeof der !== "string") return {};
    const facts = inspectRootCertificate(der).facts;
    return facts ? { subject: facts.subject, thumbprint: facts.thumbprint, expiresAt: facts.expiresAt } : {};
  },
  extraInputs(declaredInputs, observed) {
    // The program's text while the tenant holds the same bytes; the tenant's bytes when somebody changed them.
    const declaredDer = (declaredInputs.settings as Props | undefined)?.trustedRootCertificate;
    const liveDer = observed.settings.trustedRootCertificate;
    return { certificate: liveDer === undefined || liveDer === declaredDer ? declaredInputs.certificate : liveDer };
  },
  carriedKeys: ["certificate", "expiryWarningInDays", "adoptExistingId"],
};

const certificateProfile: CertificateResource = {
  label: "certificate profile",
  info: (inputs) => certificatePlatforms[inputs.platform as CertificatePlatform].profiles[inputs.kind as CertificateKind],
  extraOutputs: () => ({}),
  extraInputs: () => ({}),
  carriedKeys: ["adoptExistingId"],
};

export const trustedRootCertificateHandler: ResourceHandler<Props, Props> = {
  async check(run, _olds, news) {
    const r = checkTrustedRootInputs(news);
    if (r.failures.length > 0) return { inputs: r.inputs, failures: r.failures };
    const urn = text(news[ProtocolKeys.urn]);
    for (const w of r.warnings) await engineLog("warning", w, urn);
    if (urn !== undefined) registerCertificate(run, { urn, displayName: String(r.inputs.displayName) });
    return { inputs: r.inputs };
  },
  diff: diffFor(trustedRoot, ["platform"]),
  create: (run, inputs) => createCertificateObject(contextOf(run), trustedRoot, inputs),
  read: (run, id, props) => readCertificateResource(contextOf(run), trustedRoot, id, props),
  async update(run, id, olds, news) {
    return { outs: await updateCertificateObject(contextOf(run), trustedRoot, id, olds, news) };
  },
  delete: (run, id) => deleteCertificateObject(contextOf(run), trustedRoot, id),
};

export const certificateProfileHandler: ResourceHandler<Props, Props> = {
  async check(run, _olds, news) {
    const r = checkCertificateProfileInputs(news);
    if (r.failures.length > 0) return { inputs: r.inputs, failures: r.failures };
    const urn = text(news[ProtocolKeys.urn]);
    if (urn !== undefined) registerCertificate(run, { urn, displayName: String(r.inputs.displayName), trustedRootUrn: text(news[ProtocolKeys.trustedRootUrn]) });
    return { inputs: r.inputs };
  },
  diff: diffFor(certificateProfile, ["platform", "kind"]),
  create: (run, inputs) => createCertificateObject(contextOf(run), certificateProfile, inputs),
  read: (run, id, props) => readCertificateResource(contextOf(run), certificateProfile, id, props),
  async update(run, id, olds, news) {
    return { outs: await updateCertificateObject(contextOf(run), certificateProfile, id, olds, news) };
  },
  delete: (run, id) => deleteCertificateObject(contextOf(run), certificateProfile, id),
};
