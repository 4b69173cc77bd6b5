// What EmailProfile, TrustedRootCertificate and CertificateProfile share as device configurations
// (/deviceManagement/deviceConfigurations): the object read with its navigation links in one `$batch`
// that waits out Intune's lag after a write, and the two lookups behind exactly-once creates (what an
// interrupted run left behind, what an unanswered create committed). Each handler keeps its own POST
// and decides what to do with what these find.
import { type DeclaredProfile, type ManagedKind, observeProfile, planIsEmpty, planProfile } from "../email/managed";
import { GraphRequestError } from "../errors";
import { profilesPath } from "../paths";
import type { BatchGetAnswer } from "../graph";
import type { LiveObject, ProviderRun } from "../run";

/** A device configuration's body as Graph returns it. */
export type LiveConfiguration = LiveObject & {
  "@odata.type": string;
  version?: number;
  lastModifiedDateTime?: string;
  supportsScopeTags?: boolean;
};

/** What Intune adds to every device configuration, as the outputs of its resource. */
export type IntuneAddedOutputs = {
  /** Graph type, e.g. `#microsoft.graph.iosEasEmailProfileConfiguration`. */
  odataType: string;
  version?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  supportsScopeTags?: boolean;
};

export function intuneAddedOutputs(live: LiveConfiguration): IntuneAddedOutputs {
  return { odataType: live["@odata.type"], version: live.version, createdDateTime: live.createdDateTime, lastModifiedDateTime: live.lastModifiedDateTime, supportsScopeTags: live.supportsScopeTags };
}

/** A single-valued navigation link, read on the type's route and set by id (`…@odata.bind`, `…/$ref`). */
export interface LinkRoute<Input extends string> {
  readonly input: Input;
  readonly navigation: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function configurationPath(id: string): string {
  return `${profilesPath}/${encodeURIComponent(id)}`;
}

/** A navigation on the object's own type (Graph routes them through the type cast). */
export function typedRoute(id: string, typeName: string, navigation: string): string {
  return `${configurationPath(id)}/microsoft.graph.${typeName}/${navigation}`;
}

/** The `@odata.id` of an object of `collection`, as a bind or `$ref` takes it. */
export function bindUrl(run: ProviderRun, collection: string, id: string): string {
  return `${run.settings.graphEndpoint}/beta${collection}/${encodeURIComponent(id)}`;
}

/** A `$batch` sub-answer that is not a success becomes the same error a direct call would give. */
export function failUnlessOk(method: string, path: string, answer: { status: number; body: unknown }): void {
  if (answer.status < 400) return;
  const error = (answer.body as { error?: { code?: string; message?: string; innerError?: { "request-id"?: string } } } | undefined)?.error;
  throw new GraphRequestError({ statusCode: answer.status, code: error?.code, method, path, serviceMessage: error?.message, requestId: error?.innerError?.["request-id"] });
}

/**
/** Options of {@link readWithLinks}. */
export interface ReadWithLinksOptions<Input extends string> {
  /** Links to read in a second round trip once the body says they may be in use (see email/links.ts). @default none */
  readonly more?: (live: LiveConfiguration) => readonly LinkRoute<Input>[];
  /** The object as a refresh's listing answered it (readAhead.ts): only the links are read. @default - read it */
  readonly listed?: LiveConfiguration;
}

/**
 * The object and the links `routes` in one `$batch` round trip. Right after a write Intune can answer 404
 * for a few seconds (eventual consistency), so `notFoundAttempts` > 1 waits and asks again. An unbound
 * link (or one whose target was deleted) answers 404: no link.
 */
export async function readWithLinks<Input extends string>(
  run: ProviderRun,
  id: string,
  typeName: string,
  routes: readonly LinkRoute<Input>[],
  notFoundAttempts: number,
  { more = () => [], listed }: ReadWithLinksOptions<Input> = {},
): Promise<{ live: LiveConfiguration; links: Partial<Record<Input, string>> } | undefined> {
  const routeOf = (r: LinkRoute<Input>) => typedRoute(id, typeName, r.navigation);
  for (let attempt = 1; ; attempt++) {
    const requests = [...(listed ? [] : [{ id: "object", path: configurationPath(id) }]), ...routes.map((r) => ({ id: r.input, path: routeOf(r) }))];
    const answers = requests.length > 0 ? await run.graph.readCoalesced(requests) : new Map<string, BatchGetAnswer>();
    const object = listed ? { status: 200, body: listed } : answers.get("object");
    if (!object || object.status === 404) {
      if (attempt >= notFoundAttempts) return undefined;
      await sleep(Math.min(500 * 2 ** (attempt - 1), 3000));
      continue;
    }
    failUnlessOk("GET", configurationPath(id), object);
    const live = object.body as LiveConfiguration;
    const extra = more(live);
    if (extra.length > 0) for (const [k, v] of await run.graph.readCoalesced(extra.map((r) => ({ id: r.input, path: routeOf(r) })))) answers.set(k, v);
    const links: Partial<Record<Input, string>> = {};
    for (const r of [...routes, ...extra]) {
      const answer = answers.get(r.input);
      if (!answer || answer.status === 404) continue;
      failUnlessOk("GET", routeOf(r), answer);
      const target = (answer.body as { id?: string } | undefined)?.id;
      if (target) links[r.input] = target;
    }
    return { live, links };
  }
}

/** Whether a listed object carries exactly what the program declares (links are checked later). */
function matchesDeclared(kind: ManagedKind, live: LiveObject, declared: DeclaredProfile): boolean {
  const observed = observeProfile(kind, live, {});
  const plan = planProfile(kind, { ...declared, links: {} }, observed, { description: observed.description, scopeTagIds: observed.scopeTagIds, settings: observed.settings });
  return planIsEmpty(plan);
}

/** Oldest first, so repeated lookups choose the same object. */
function byAge(a: LiveObject, b: LiveObject): number {
  return String(a.createdDateTime ?? "").localeCompare(String(b.createdDateTime ?? "")) || a.id.localeCompare(b.id);
}

/**
 * What an earlier, interrupted run may have left: an object of the Graph type `typeName` and the
 * declared display name, with every declared value, no assignments, and not taken over by another
 * resource of this run.
 */
export async function findLeftBehind(run: ProviderRun, typeName: string, kind: ManagedKind, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const candidates = (await run.profilesBeforeRun(typeName))
    .filter((p) => p.displayName === declared.displayName && !run.adopted.has(p.id) && matchesDeclared(kind, p, declared))
    .sort(byAge);
  for (const c of candidates) {
    // Objects with assignments are in use by someone: never ours to take.
    if ((await run.graph.list(`${configurationPath(c.id)}/assignments`)).length === 0) return c;
  }
  return undefined;
}

/**
 * The object an unanswered create made: of this type and name, absent before this run's first create,
 * carrying the declared values. Asks a few times (the collection can lag behind the commit).
 */
export async function findUnansweredCreate(run: ProviderRun, typeName: string, kind: ManagedKind, declared: DeclaredProfile): Promise<LiveObject | undefined> {
  const before = new Set((await run.profilesBeforeRun(typeName)).map((p) => p.id));
  for (let attempt = 1; attempt <= 4; attempt++) {
    const found = (await run.profilesNamed(typeName, declared.displayName))
      .filter((p) => !before.has(p.id) && !run.adopted.has(p.id) && matchesDeclared(kind, p, declared))
      .sort(byAge);
    if (found.length > 0) return found[0];
    if (attempt < 4) await sleep(250 * 2 ** attempt);
  }
  return undefined;
}
