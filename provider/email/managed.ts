// What a program manages of an e-mail profile, against what the tenant reports — without guessing what
// Intune fills in for a setting left out. Three views meet here:
//   declared  the checked inputs: only what the program set;
//   observed  the tenant's answer now (a GET, plus certificate links from the typed routes);
//   baseline  the tenant's answer right after our last write.
// A declared property differs when the observed value is not the declared one; a property the program
// never declared differs only when the tenant moved it away from the baseline (somebody changed it in
// the portal). The next write restores the declared value or the baseline. All pure functions.
// The same model serves every device configuration type whose settings are plain Graph properties
// (e-mail profiles by platform; certificate and trusted-root profiles through a {@link ManagedModel}).
import { type EmailProfileStateKeys, ProtocolKeys } from "../../protocol";
import { deepEqual } from "../diff";
import { isUnknown } from "../validation";
import { certificateInputs, type EmailProfileInputs, normaliseScopeTagIds } from "./inputs";
import { type EmailPlatform, emailPlatforms } from "./platforms";
import { settingKeys } from "./settings";
import { sameSetting, settingsFromGraph } from "./wire";

/** An object (or its top-level properties) as Graph answers it. */
type GraphObject = Record<string, unknown>;
/** Settings in our representation (flags as lists), by Graph property name. */
export type Settings = Record<string, unknown>;

/** Link inputs (navigation properties set by id): certificate inputs, `trustedRootId`, … */
type Links = Partial<Record<string, string>>;

/** What the drift model needs to know of a Graph type that is not an e-mail platform. */
export interface ManagedModel {
  /** The settable properties of the type, in schema order. */
  readonly settingKeys: readonly string[];
  /** The settings a Graph GET body reports (only keys answered; flags canonical). */
  settingsFromGraph(live: GraphObject): Settings;
  /** Link inputs of the type, in write order. */
  readonly linkInputs: readonly string[];
}

/** An e-mail platform, or the model of another managed type. */
export type ManagedKind = EmailPlatform | ManagedModel;

function modelOf(kind: ManagedKind): ManagedModel {
  if (typeof kind !== "string") return kind;
  return {
    settingKeys: settingKeys(kind),
    settingsFromGraph: (live) => settingsFromGraph(kind, live),
    linkInputs: emailPlatforms[kind].certificateRefs.map((r) => r.input),
  };
}

/** The tenant's answer for the properties this resource can manage. */
export interface ObservedProfile {
  readonly displayName: string;
  /** `null` when unset (live tenants answer `description: null`). */
  readonly description: string | null;
  /** Undefined when the tenant did not say. */
  readonly scopeTagIds?: string[];
  readonly settings: Settings;
  /** Certificate and credential links by input name; absent = no link. */
  readonly links: Links;
}

/** The part of an observation kept as the baseline of our last write. */
export interface ProfileBaseline {
  readonly description: string | null;
  readonly scopeTagIds?: string[];
  readonly settings: Settings;
}

/** What the program declared, as `check` normalised it. */
export interface DeclaredProfile {
  readonly displayName: string;
  readonly description?: string;
  readonly scopeTagIds?: string[];
  readonly settings: Settings;
  readonly links: Links;
}

/** The writes that bring the tenant to the program (and the baseline) again. */
export interface ProfilePlan {
  /** Property paths whose tenant value will change, e.g. `settings.hostName`, `identityCertificateId`. */
  readonly changed: string[];
  /** Declared before, not now: no longer managed; nothing is written for them. */
  readonly unmanaged: string[];
  /** Top-level PATCH members (`displayName`, `description`, `roleScopeTagIds`). */
  readonly top: GraphObject;
  /** Settings to PATCH, in our representation (flags as lists). */
  readonly settings: Settings;
  /** Links to set (an id) or remove (undefined). */
  readonly links: Partial<Record<string, string | undefined>>;
}

/** Empty descriptions: the service answers `null`; a program may write "" — both mean "none". */
function sameText(a: unknown, b: unknown): boolean {
  return (a ?? "") === (b ?? "");
}

/** Scope tags are a set in Intune; an empty set means the built-in Default tag "0". */
function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return deepEqual(normaliseScopeTagIds(a), normaliseScopeTagIds(b));
}

/** The observation from a GET body of the profile and the links read from its typed routes. */
export function observeProfile(platform: ManagedKind, live: GraphObject, links: Links): ObservedProfile {
  return {
    displayName: String(live.displayName ?? ""),
    description: typeof live.description === "string" ? live.description : null,
    scopeTagIds: Array.isArray(live.roleScopeTagIds) ? live.roleScopeTagIds.map(String) : undefined,
    settings: modelOf(platform).settingsFromGraph(live),
    links,
  };
}

export function baselineOf(o: ObservedProfile): ProfileBaseline {
  return { description: o.description, scopeTagIds: o.scopeTagIds, settings: o.settings };
}

/**
 * The fields of checked inputs (or of outputs, which repeat them) that the program declares; links
 * (certificate inputs, `trustedRootId`, …) are read by name, see {@link linksOf}.
 */
export interface DeclaredFields {
  displayName?: unknown;
  description?: string;
  scopeTagIds?: string[];
  settings?: Settings;
}

/** The link inputs of checked inputs or stored outputs that hold an id. */
function linksOf(source: object, linkInputs: readonly string[]): Links {
  const values = new Map<string, unknown>(Object.entries(source));
  const links: Links = {};
  for (const k of linkInputs) {
    const target = values.get(k);
    if (typeof target === "string") links[k] = target;
  }
  return links;
}

/** The declared view of checked inputs. */
export function declaredOf(inputs: DeclaredFields, linkInputs: readonly string[] = certificateInputs): DeclaredProfile {
  const links = linksOf(inputs, linkInputs);
  return {
    displayName: String(inputs.displayName),
    ...(inputs.description !== undefined ? { description: inputs.description } : {}),
    ...(inputs.scopeTagIds !== undefined ? { scopeTagIds: inputs.scopeTagIds } : {}),
    settings: inputs.settings ?? {},
    links,
  };
}

/** Compares what the program declares with what the tenant reports and our last write left there. */
export function planProfile(
  platform: ManagedKind,
  declared: DeclaredProfile,
  observed: ObservedProfile,
  baseline: ProfileBaseline,
  previouslyDeclared?: DeclaredProfile,
): ProfilePlan {
  const changed: string[] = [];
  const top: GraphObject = {};
  const settings: Settings = {};
  const links: Partial<Record<string, string | undefined>> = {};
  const model = modelOf(platform);

  if (isUnknown(declared.displayName) || declared.displayName !== observed.displayName) {
    top.displayName = declared.displayName;
    changed.push("displayName");
  }
  if (declared.description !== undefined) {
    if (isUnknown(declared.description) || !sameText(declared.description, observed.description)) top.description = declared.description;
  } else if (!sameText(observed.description, baseline.description)) top.description = baseline.description;
  if ("description" in top) changed.push("description");

  if (declared.scopeTagIds !== undefined) {
    if (declared.scopeTagIds.some(isUnknown) || !sameTags(declared.scopeTagIds, observed.scopeTagIds)) top.roleScopeTagIds = normaliseScopeTagIds(declared.scopeTagIds);
  } else if (baseline.scopeTagIds !== undefined && !sameTags(observed.scopeTagIds, baseline.scopeTagIds)) top.roleScopeTagIds = baseline.scopeTagIds;
  if ("roleScopeTagIds" in top) changed.push("scopeTagIds");

  for (const k of model.settingKeys) {
    if (k in declared.settings) {
      const want = declared.settings[k];
      if (containsUnknown(want) || !sameSetting(want, observed.settings[k])) settings[k] = want;
    } else if (k in baseline.settings && !sameSetting(observed.settings[k], baseline.settings[k])) {
      settings[k] = baseline.settings[k] ?? null;
    }
  }
  changed.push(...Object.keys(settings).map((k) => `settings.${k}`));

  for (const input of model.linkInputs) {
    const want = declared.links[input];
    if (want !== observed.links[input] || (want !== undefined && isUnknown(want))) {
      links[input] = want;
      changed.push(input);
    }
  }

  const unmanaged: string[] = [];
  if (previouslyDeclared) {
    for (const k of Object.keys(previouslyDeclared.settings)) if (!(k in declared.settings)) unmanaged.push(`settings.${k}`);
    if (previouslyDeclared.description !== undefined && declared.description === undefined) unmanaged.push("description");
    if (previouslyDeclared.scopeTagIds !== undefined && declared.scopeTagIds === undefined) unmanaged.push("scopeTagIds");
  }
  return { changed, unmanaged, top, settings, links };
}

/** Whether a plan writes anything or changes what is managed. */
export function planIsEmpty(p: ProfilePlan): boolean {
  return p.changed.length === 0 && p.unmanaged.length === 0;
}

function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  return Array.isArray(v) ? v.some(isUnknown) : false;
}

/**
 * The inputs refresh reports: the declared inputs where the tenant agrees (so an untouched profile
 * shows no change), the tenant's value where it does not, and undeclared properties the tenant moved
 * away from the baseline (so drift names them).
 */
export function inputsAsObserved(platform: EmailPlatform, declared: DeclaredProfile, observed: ObservedProfile, baseline: ProfileBaseline): EmailProfileInputs {
  const inputs: EmailProfileInputs = { displayName: observed.displayName, platform, ...observedFields(platform, declared, observed, baseline) };
  for (const k of certificateInputs) if (observed.links[k] !== undefined) inputs[k] = observed.links[k];
  return inputs;
}

/** The declared fields as refresh reports them (see {@link inputsAsObserved}). */
export interface ObservedInputs {
  displayName: string;
  description?: string;
  scopeTagIds?: string[];
  settings: Settings;
}

/**
 * {@link inputsAsObserved} for a type that is not an e-mail platform (certificate and trusted-root
 * profiles): the declared fields only; the caller adds the links it has (`observed.links`).
 */
export function managedInputsAsObserved(model: ManagedModel, declared: DeclaredProfile, observed: ObservedProfile, baseline: ProfileBaseline): ObservedInputs {
  return { displayName: observed.displayName, ...observedFields(model, declared, observed, baseline) };
}

function observedFields(kind: ManagedKind, declared: DeclaredProfile, observed: ObservedProfile, baseline: ProfileBaseline): Omit<ObservedInputs, "displayName"> {
  const inputs: Omit<ObservedInputs, "displayName"> = { settings: {} };
  if (declared.description !== undefined) inputs.description = sameText(declared.description, observed.description) ? declared.description : (observed.description ?? "");
  else if (!sameText(observed.description, baseline.description)) inputs.description = observed.description ?? "";

  if (declared.scopeTagIds !== undefined) inputs.scopeTagIds = sameTags(declared.scopeTagIds, observed.scopeTagIds) ? declared.scopeTagIds : normaliseScopeTagIds(observed.scopeTagIds);
  else if (baseline.scopeTagIds !== undefined && !sameTags(observed.scopeTagIds, baseline.scopeTagIds)) inputs.scopeTagIds = normaliseScopeTagIds(observed.scopeTagIds);

  const settings: Settings = {};
  for (const k of modelOf(kind).settingKeys) {
    if (k in declared.settings) settings[k] = sameSetting(declared.settings[k], observed.settings[k]) ? declared.settings[k] : (observed.settings[k] ?? null);
    else if (k in baseline.settings && !sameSetting(observed.settings[k], baseline.settings[k])) settings[k] = observed.settings[k] ?? null;
  }
  inputs.settings = settings;
  return inputs;
}

/** Internal outputs that carry the model between calls (protocol keys: hidden from displays). */
const DECLARED_KEY = ProtocolKeys.declared;
const BASELINE_KEY = ProtocolKeys.baseline;

/** What stored outputs hold for the drift model (older state may lack any of it). */
export type StoredProfile = Partial<DeclaredFields> & EmailProfileStateKeys;

/** Reads the declared view and baseline back from stored outputs (older state: outputs are both). */
export function storedViews(outputs: StoredProfile, linkInputs: readonly string[] = certificateInputs): { declared?: DeclaredProfile; baseline: ProfileBaseline; observed: ObservedProfile } {
  const links = linksOf(outputs, linkInputs);
  const observed: ObservedProfile = {
    displayName: String(outputs.displayName ?? ""),
    description: typeof outputs.description === "string" ? outputs.description : null,
    scopeTagIds: Array.isArray(outputs.scopeTagIds) ? outputs.scopeTagIds : undefined,
    settings: outputs.settings ?? {},
    links,
  };
  const parse = <T>(v: unknown): T | undefined => (typeof v === "string" ? (JSON.parse(v) as T) : undefined);
  return { declared: parse<DeclaredProfile>(outputs[DECLARED_KEY]), baseline: parse<ProfileBaseline>(outputs[BASELINE_KEY]) ?? baselineOf(observed), observed };
}

/** The internal outputs for a write whose result the tenant reported as `observed`. */
export function storedAfterWrite(declared: DeclaredProfile, observed: ObservedProfile): Required<EmailProfileStateKeys> {
  // JSON text: state keeps it byte for byte (nulls included), and it never shows as a property diff.
  return { [DECLARED_KEY]: JSON.stringify(declared), [BASELINE_KEY]: JSON.stringify(baselineOf(observed)) };
}
