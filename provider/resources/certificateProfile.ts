// TrustedRootCertificate and CertificateProfile (SCEP, PKCS): device configurations of the certificate
// platforms, managed like EmailProfile — inputs hold only what the program declares, the tenant's
// answer after each write is the baseline (email/managed.ts), the root link is a navigation property
// (`rootCertificate@odata.bind` on create, `…/rootCertificate/$ref` afterwards, read from the typed
// route), and creates happen exactly once (createOnce.ts). Both kinds share the Graph work below; a
// descriptor per kind ({@link CertificateResource}) says what differs: the Graph type, and the inputs
// and outputs of its own.
import { type EmailProfileStateKeys, type LinkKeys, ProtocolKeys } from "../../protocol";
import {
  certificatePlatforms,
  type CertificatePlatform,
  type CertificateProfileInputs,
  certificateSettingsToGraph,
  type CertificateTypeInfo,
  checkCertificateProfileInputs,
  checkTrustedRootInputs,
  type CommonCertificateInputs,
  inspectRootCertificate,
  ROOT_LINK,
  type TrustedRootCertificateInputs,
} from "../certificates";
import {
  type DeclaredFields,
  type DeclaredProfile,
  declaredOf,
  managedInputsAsObserved,
  type ObservedProfile,
  observeProfile,
  type ProfilePlan,
  planIsEmpty,
  planProfile,
  type Settings,
  storedAfterWrite,
  storedViews,
} from "../email/managed";
import { sameSetting } from "../email/wire";
import { engineLog } from "../engineLog";
import { registerCertificate } from "../impact/analyze";
import { IntuneResourceInitError, IntuneTenantStateError, IntuneValidationError, isGraphRequestError } from "../errors";
import type { ProviderRun } from "../run";
import { createExactlyOnce } from "./createOnce";
import { bindUrl, configurationPath, findLeftBehind, findUnansweredCreate, type IntuneAddedOutputs, intuneAddedOutputs, type LiveConfiguration, readWithLinks, typedRoute } from "./deviceConfiguration";
import { profilesPath } from "../paths";
import type { ResourceHandler } from "./types";

export type { CertificateProfileInputs, TrustedRootCertificateInputs };

/** What the inputs of both kinds have. */
type CommonInputs = CommonCertificateInputs & { platform: CertificatePlatform; settings: Settings } & LinkKeys;

/**
 * What the outputs of both kinds have: the declared fields as the tenant reports them, what Intune
 * adds, the drift model's state (email/managed.ts) and the create-time instruction `adoptExistingId`.
 */
export type CommonCertificateOutputs = DeclaredFields &
  Pick<CommonInputs, "platform" | "adoptExistingId"> &
  EmailProfileStateKeys &
  LinkKeys &
  IntuneAddedOutputs;

/** TrustedRootCertificate outputs: the common ones, the program's certificate text, and the certificate's facts. */
export type TrustedRootCertificateOutputs = CommonCertificateOutputs &
  Pick<TrustedRootCertificateInputs, "certificate" | "expiryWarningInDays"> & {
    /** Distinguished name of the certificate the tenant holds. */
    subject?: string;
    /** SHA-1 of its DER bytes, upper-case hex. */
    thumbprint?: string;
    /** ISO 8601. */
    expiresAt?: string;
  };

/** CertificateProfile outputs: the common ones, the kind, and the root the tenant links. */
export type CertificateProfileOutputs = CommonCertificateOutputs & Pick<CertificateProfileInputs, "kind" | "trustedRootId">;

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const rootRoute = (id: string, info: CertificateTypeInfo) => typedRoute(id, info.typeName, ROOT_LINK.navigation);

/**
 * The object and its root link (deviceConfiguration.ts); `notFoundAttempts` > 1 waits out Intune's lag
 * after a write; `listed`: the object from a refresh's listing (readAhead.ts).
 */
function readCertificateObject(run: ProviderRun, id: string, info: CertificateTypeInfo, notFoundAttempts: number, listed?: LiveConfiguration) {
  return readWithLinks(run, id, info.typeName, info.hasRootLink ? [ROOT_LINK] : [], notFoundAttempts, { listed });
}

async function setRootLink(run: ProviderRun, id: string, info: CertificateTypeInfo, target: string | undefined): Promise<void> {
  const route = `${rootRoute(id, info)}/$ref`;
  if (target) await run.graph.put(route, { "@odata.id": bindUrl(run, profilesPath, target) });
  else await run.graph.delete(route);
}

/** The writes of a plan: a new root first, then PATCH, then a removed root. */
async function applyPlan(run: ProviderRun, id: string, info: CertificateTypeInfo, plan: ProfilePlan): Promise<void> {
  const root = plan.links[ROOT_LINK.input];
  const linkChanges = ROOT_LINK.input in plan.links;
  if (linkChanges && root) await setRootLink(run, id, info, root);
  const patch = { ...plan.top, ...certificateSettingsToGraph(info, plan.settings) };
  if (Object.keys(patch).length > 0) await run.graph.patch(configurationPath(id), { "@odata.type": info.odataType, ...patch });
  if (linkChanges && !root) await setRootLink(run, id, info, undefined);
}

/** What differs between the two kinds; the Graph work below is the same for both. */
interface CertificateResource<I extends CommonInputs, O extends CommonCertificateOutputs> {
  readonly label: string;
  /** The Graph type that inputs (or stored outputs) name. */
  info(of: I | O): CertificateTypeInfo;
  /** The outputs: the common ones, plus the kind's own from the inputs (or stored outputs) and the tenant's object. */
  outputs(common: CommonCertificateOutputs, from: I | O, observed: ObservedProfile): O;
  /** The inputs refresh reports: the drift model's view (common), plus the kind's own. */
  inputs(common: CommonInputs, props: O, observed: ObservedProfile): I;
  /** Inputs whose change is another Graph type: the object is replaced. */
  readonly replaceKeys: readonly (keyof I & keyof O & string)[];
  /** Program-only inputs (e.g. the PEM text of the same certificate bytes): a change is an update without a write. */
  readonly programOnlyKeys: readonly (keyof I & keyof O)[];
}

function outputsOf<I extends CommonInputs, O extends CommonCertificateOutputs>(r: CertificateResource<I, O>, from: I | O, observed: ObservedProfile, live: LiveConfiguration, stored: EmailProfileStateKeys): O {
  const common: CommonCertificateOutputs = {
    displayName: observed.displayName,
    platform: from.platform,
    settings: observed.settings,
    ...intuneAddedOutputs(live),
    ...stored,
  };
  if (observed.description !== null) common.description = observed.description;
  if (observed.scopeTagIds !== undefined) common.scopeTagIds = observed.scopeTagIds;
  // A create-time instruction, not tenant state: carried so it never shows as drift.
  if (from.adoptExistingId !== undefined) common.adoptExistingId = from.adoptExistingId;
  return r.outputs(common, from, observed);
}

function declaredOfInputs(info: CertificateTypeInfo, inputs: DeclaredFields): DeclaredProfile {
  return declaredOf(inputs, info.model.linkInputs);
}

/** Reads the object after our write and records that answer as the baseline. */
async function snapshot<I extends CommonInputs, O extends CommonCertificateOutputs>(run: ProviderRun, r: CertificateResource<I, O>, id: string, inputs: I, declared: DeclaredProfile): Promise<O> {
  const info = r.info(inputs);
  const read = await readCertificateObject(run, id, info, 10);
  if (!read) throw new IntuneTenantStateError(`${r.label} ${id} was written but cannot be read back (Graph keeps answering 404)`);
  const observed = observeProfile(info.model, read.live, read.links);
  return outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed));
}

/** A rule on one input that only the tenant can check (at `up`, not at preview). */
function invalid(property: string, reason: string): IntuneValidationError {
  return new IntuneValidationError([{ property, reason }]);
}

async function adopt<I extends CommonInputs, O extends CommonCertificateOutputs>(run: ProviderRun, r: CertificateResource<I, O>, id: string, inputs: I): Promise<{ id: string; outs: O }> {
  const info = r.info(inputs);
  const declared = declaredOfInputs(info, inputs);
  const read = await readCertificateObject(run, id, info, 1);
  if (!read) throw invalid("adoptExistingId", `\`adoptExistingId\` must name an existing device configuration, got "${id}" (Graph answered 404)`);
  if (read.live["@odata.type"] !== info.odataType) {
    // The inputs that choose the Graph type are the ones that replace: `platform` (and `kind`).
    const choosing = r.replaceKeys.map((k) => `\`${k}\``).join(" and ");
    throw invalid("platform", `\`adoptExistingId\` "${id}" is a ${read.live["@odata.type"]}, but this ${r.label} manages ${info.odataType}; set ${choosing} to match the existing object`);
  }
  run.adopted.add(id);
  const observed = observeProfile(info.model, read.live, read.links);
  // What the program leaves out stays as the tenant has it: the baseline is the tenant's answer now.
  const plan = planProfile(info.model, declared, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  if (planIsEmpty(plan)) return { id, outs: outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed)) };
  await applyPlan(run, id, info, plan);
  return { id, outs: await snapshot(run, r, id, inputs, declared) };
}

/** The inputs recorded for an object created with errors: without the root link, so the next `up` sets it through update. */
function withoutRootLink({ trustedRootId: _link, ...rest }: CommonInputs & { trustedRootId?: string }, odataType: string) {
  return { ...rest, odataType };
}

async function create<I extends CommonInputs, O extends CommonCertificateOutputs>(run: ProviderRun, r: CertificateResource<I, O>, inputs: I): Promise<{ id: string; outs: O }> {
  const info = r.info(inputs);
  const declared = declaredOfInputs(info, inputs);
  if (inputs.adoptExistingId) return adopt(run, r, inputs.adoptExistingId, inputs);
  const leftBehind = await findLeftBehind(run, info.typeName, info.model, declared);
  if (leftBehind) return adopt(run, r, leftBehind.id, inputs);

  const root = declared.links[ROOT_LINK.input];
  const body = {
    "@odata.type": info.odataType,
    displayName: declared.displayName,
    ...certificateSettingsToGraph(info, declared.settings),
    ...(declared.description !== undefined ? { description: declared.description } : {}),
    ...(declared.scopeTagIds !== undefined ? { roleScopeTagIds: declared.scopeTagIds } : {}),
    ...(root ? { [`${ROOT_LINK.navigation}@odata.bind`]: bindUrl(run, profilesPath, root) } : {}),
  };

  const id = await createExactlyOnce(
    `${r.label} "${declared.displayName}"`,
    async () => (await run.graph.post<LiveConfiguration>(profilesPath, body)).id,
    async () => {
      const committed = await findUnansweredCreate(run, info.typeName, info.model, declared);
      if (committed) run.adopted.add(committed.id);
      return committed?.id;
    },
  );
  try {
    const read = await readCertificateObject(run, id, info, 10);
    if (!read) throw new IntuneTenantStateError(`${r.label} ${id} was created but cannot be read back (Graph keeps answering 404)`);
    // A root the create did not take (an unanswered create hides whether it did) is set by $ref.
    if (root && read.links[ROOT_LINK.input] !== root) {
      await setRootLink(run, id, info, root);
      return { id, outs: await snapshot(run, r, id, inputs, declared) };
    }
    const observed = observeProfile(info.model, read.live, read.links);
    return { id, outs: outputsOf(r, inputs, observed, read.live, storedAfterWrite(declared, observed)) };
  } catch (e) {
    // Recorded as created with errors, without its link, so the next `up` completes it through update.
    throw new IntuneResourceInitError(`${r.label} ${id} was created, but finishing it failed: ${(e as Error).message}`, id, withoutRootLink(inputs, info.odataType));
  }
}

async function read<I extends CommonInputs, O extends CommonCertificateOutputs>(run: ProviderRun, r: CertificateResource<I, O>, id: string, props: O): Promise<{ id: string; props?: O; inputs?: I }> {
  const info = r.info(props);
  // Written in the last two minutes: a 404 may be Intune's lag, so a few more tries.
  const recent = typeof props.lastModifiedDateTime === "string" && Date.now() - Date.parse(props.lastModifiedDateTime) < 120_000;
  const listed = await run.readAhead.take(info.typeName, id);
  const found = await readCertificateObject(run, id, info, recent ? 3 : 1, listed);
  if (!found) return { id: "" };
  const views = storedViews(props, info.model.linkInputs);
  const declared = views.declared ?? declaredOfInputs(info, props);
  const observed = observeProfile(info.model, found.live, found.links);
  const stored: EmailProfileStateKeys = {
    ...(props[ProtocolKeys.declared] !== undefined ? { [ProtocolKeys.declared]: props[ProtocolKeys.declared] } : {}),
    ...(props[ProtocolKeys.baseline] !== undefined ? { [ProtocolKeys.baseline]: props[ProtocolKeys.baseline] } : {}),
  };
  const common: CommonInputs = { ...managedInputsAsObserved(info.model, declared, observed, views.baseline), platform: props.platform };
  if (props.adoptExistingId !== undefined) common.adoptExistingId = props.adoptExistingId;
  return { id, props: outputsOf(r, props, observed, found.live, stored), inputs: r.inputs(common, props, observed) };
}

function planFor<I extends CommonInputs, O extends CommonCertificateOutputs>(r: CertificateResource<I, O>, olds: O, news: I): ProfilePlan {
  const info = r.info(news);
  const views = storedViews(olds, info.model.linkInputs);
  return planProfile(info.model, declaredOfInputs(info, news), views.observed, views.baseline, views.declared);
}

async function update<I extends CommonInputs, O extends CommonCertificateOutputs>(run: ProviderRun, r: CertificateResource<I, O>, id: string, olds: O, news: I): Promise<{ outs: O }> {
  const info = r.info(news);
  await applyPlan(run, id, info, planFor(r, olds, news));
  try {
    return { outs: await snapshot(run, r, id, news, declaredOfInputs(info, news)) };
  } catch (e) {
    throw new IntuneTenantStateError(`${r.label} ${id} disappeared during the update (${(e as Error).message}); run \`pulumi refresh\` and \`pulumi up\` to create it again`);
  }
}

async function remove(run: ProviderRun, label: string, id: string): Promise<void> {
  // Another resource of this run took this object over (an identical replacement): it is theirs now.
  if (run.adopted.has(id)) return;
  try {
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await run.graph.delete(configurationPath(id));
  } catch (e) {
    // A tenant may refuse to delete what other profiles still link to (docs/graph-behaviour.md): the
    // resource then stays in the stack, nothing is orphaned, and the message says what to unlink.
    if (isGraphRequestError(e) && e.statusCode === 400) {
      throw new IntuneTenantStateError(`${label} ${id} was not deleted, it stays in the stack: ${e.message}. Remove or re-link the profiles that link to it (or delete them first), then run the operation again`);
    }
    throw e;
  }
}

async function diff<I extends CommonInputs, O extends CommonCertificateOutputs>(r: CertificateResource<I, O>, olds: O, news: I) {
  const replaces = r.replaceKeys.filter((k) => !Object.is(olds[k], news[k]));
  if (replaces.length > 0) return { replaces: [...replaces] };
  const programOnlyChanged = r.programOnlyKeys.some((k) => !sameSetting(olds[k], news[k]));
  if (planIsEmpty(planFor(r, olds, news)) && !programOnlyChanged) return { changes: false };
  // `changes` left undefined: the engine diffs old and new inputs and shows each changed property.
  return {};
}

/** The handler of one kind: the shared Graph work with the kind's descriptor. */
function handlerOf<I extends CommonInputs, O extends CommonCertificateOutputs>(r: CertificateResource<I, O>, check: ResourceHandler<I, O>["check"]): ResourceHandler<I, O> {
  return {
    check,
    diff: async (_run, _id, olds, news) => diff(r, olds, news),
    create: (run, inputs) => create(run, r, inputs),
    read: (run, id, props) => read(run, r, id, props),
    update: (run, id, olds, news) => update(run, r, id, olds, news),
    delete: (run, id) => remove(run, r.label, id),
  };
}

// ---- the two resource kinds ----

const trustedRoot: CertificateResource<TrustedRootCertificateInputs, TrustedRootCertificateOutputs> = {
  label: "trusted root",
  info: (of) => certificatePlatforms[of.platform].trustedRoot,
  outputs(common, from, observed) {
    const der = observed.settings.trustedRootCertificate;
    const facts = typeof der === "string" ? inspectRootCertificate(der).facts : undefined;
    return {
      ...common,
      ...(facts ? { subject: facts.subject, thumbprint: facts.thumbprint, expiresAt: facts.expiresAt } : {}),
      // The program's text and warning threshold: carried so they never show as drift.
      certificate: from.certificate,
      ...(from.expiryWarningInDays !== undefined ? { expiryWarningInDays: from.expiryWarningInDays } : {}),
    };
  },
  inputs(common, props, observed) {
    // The program's text while the tenant holds the same bytes; the tenant's bytes when somebody changed them.
    const declaredDer = props.settings?.trustedRootCertificate;
    const liveDer = observed.settings.trustedRootCertificate;
    return {
      ...common,
      certificate: typeof liveDer === "string" && liveDer !== declaredDer ? liveDer : props.certificate,
      ...(props.expiryWarningInDays !== undefined ? { expiryWarningInDays: props.expiryWarningInDays } : {}),
    };
  },
  replaceKeys: ["platform"],
  programOnlyKeys: ["certificate", "expiryWarningInDays"],
};

const certificateProfile: CertificateResource<CertificateProfileInputs, CertificateProfileOutputs> = {
  label: "certificate profile",
  info: (of) => certificatePlatforms[of.platform].profiles[of.kind],
  outputs: (common, from, observed) => ({ ...common, kind: from.kind, ...linkOf(observed) }),
  inputs: (common, props, observed) => ({ ...common, kind: props.kind, ...linkOf(observed) }),
  replaceKeys: ["platform", "kind"],
  programOnlyKeys: [],
};

/** The root the tenant links, as an input or output (absent: no link). */
function linkOf(observed: ObservedProfile): Pick<CertificateProfileInputs, "trustedRootId"> {
  const target = observed.links[ROOT_LINK.input];
  return target !== undefined ? { trustedRootId: target } : {};
}

export const trustedRootCertificateHandler: ResourceHandler<TrustedRootCertificateInputs, TrustedRootCertificateOutputs> = handlerOf(trustedRoot, async (run, _olds, news) => {
  const r = checkTrustedRootInputs(news);
  if (!r.valid) return { inputs: r.inputs, failures: r.failures };
  const urn = text(news[ProtocolKeys.urn]);
  for (const w of r.warnings) await engineLog("warning", w, urn);
  if (urn !== undefined) registerCertificate(run, { urn, displayName: r.inputs.displayName });
  return { inputs: r.inputs };
});

export const certificateProfileHandler: ResourceHandler<CertificateProfileInputs, CertificateProfileOutputs> = handlerOf(certificateProfile, async (run, _olds, news) => {
  const r = checkCertificateProfileInputs(news);
  if (!r.valid) return { inputs: r.inputs, failures: r.failures };
  const urn = text(news[ProtocolKeys.urn]);
  if (urn !== undefined) registerCertificate(run, { urn, displayName: r.inputs.displayName, trustedRootUrn: text(news[ProtocolKeys.trustedRootUrn]) });
  return { inputs: r.inputs };
});
