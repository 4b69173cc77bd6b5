// `pulumi-intune export`: reads a tenant's e-mail profiles, trusted-root and SCEP/PKCS certificate
// profiles, custom scope tags and assignments and writes a runnable TypeScript Pulumi project in which
// every resource adopts the existing object, so the first `pulumi up` takes the tenant over without a
// single write. Links are code (`trustedRootId: root.id`, `identityCertificateId: scep.id`); each root's
// certificate goes to a PEM file under `certificates/` that the program reads. Output is deterministic:
// a second export of the same tenant is byte-identical.
import * as fs from "fs";
import * as path from "path";
import { runPulumiProcess } from "./pulumiProcess";
import { type ConfigGetter, resolveSettings } from "../provider/config";
import {
  type CertificateKind,
  type CertificatePlatform,
  certificatePlatforms,
  certificatePlatformOfEmail,
  certificateTypeOf,
  checkCertificateProfileInputs,
  inspectRootCertificate,
  ROOT_LINK,
} from "../provider/certificates";
import { type CertificateInput, type EmailPlatform, emailPlatforms, platformForOdataType, settingProperties, settingsFromGraph } from "../provider/email";
import { normaliseScopeTagIds } from "../provider/email/inputs";
import { deepEqual } from "../provider/diff";
import { GraphApi, type GraphApiOptions } from "../provider/graph";
import { profilesPath } from "../provider/paths";
import { type AssignmentTarget, type LiveAssignment, fromWire, targetKey } from "../provider/resources/profileAssignment";
import { DEFAULT_SCOPE_TAG_ID } from "../provider/resources/scopeTag";

export const exportKinds = ["emailProfiles", "scopeTags", "assignments", "certificates"] as const;
export type ExportKind = (typeof exportKinds)[number];

/** What `pulumi-intune export` was asked (flags parsed by cli/args.ts, see cli/commands.ts). */
export interface ExportCommandOptions {
  out: string;
  select: ReadonlySet<ExportKind>;
  groupsByName: boolean;
  stack?: string;
  cwd?: string;
}

// ---------------------------------------------------------------------------------------------------
// Credentials: exactly like the provider.

/** `pulumi config --json --show-secrets` of a stack, as key → value. */
export async function readStackConfig(stack: string | undefined, cwd: string, pulumiBin = "pulumi"): Promise<Record<string, string>> {
  const args = ["config", "--json", "--show-secrets", ...(stack ? ["--stack", stack] : [])];
  const { code, stdout, stderr } = await runPulumiProcess(pulumiBin, args, cwd);

  if (code !== 0) throw new Error(`\`pulumi ${args.join(" ")}\` in ${cwd} exited ${code}: ${stderr.trim() || stdout.trim()}`);
  const parsed = JSON.parse(stdout) as Record<string, { value?: unknown }>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v?.value === "string") out[k] = v.value;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Reading the tenant.

interface LiveProfile extends Record<string, unknown> {
  id: string;
  "@odata.type": string;
  displayName: string;
  description?: string | null;
  roleScopeTagIds?: string[];
}

/** The object a certificate link points at (a certificate profile or derived credential, by id). */
export interface LinkedObject {
  id: string;
  displayName?: string;
  odataType?: string;
}

export interface SnapshotProfile {
  id: string;
  platform: EmailPlatform;
  live: LiveProfile;
  links: Partial<Record<CertificateInput, LinkedObject>>;
  /** Undefined when assignments were not read (`--select` without assignments). */
  assignments?: LiveAssignment[];
}

/** A trusted-root or SCEP/PKCS certificate profile of a certificate platform (certificates/platforms.ts). */
export interface SnapshotCertificate {
  id: string;
  platform: CertificatePlatform;
  role: "trustedRoot" | CertificateKind;
  live: LiveProfile;
  /** SCEP/PKCS: the id its `rootCertificate` link points at; undefined without a link (or when not read). */
  rootId?: string;
  /** Undefined when assignments were not read (`--select` without assignments). */
  assignments?: LiveAssignment[];
}

export interface SnapshotGroup {
  /** Undefined when the group no longer exists. */
  displayName?: string;
  /** With --groups-by-name: how many groups carry that display name. */
  sameName?: number;
}

export interface TenantSnapshot {
  scopeTags: { id: string; displayName: string; description?: string | null }[];
  profiles: SnapshotProfile[];
  /** Trusted roots and SCEP/PKCS profiles of the certificate platforms, by id. @default - none */
  certificates?: SnapshotCertificate[];
  groups: Map<string, SnapshotGroup>;
}

export interface ReadOptions {
  select: ReadonlySet<ExportKind>;
  groupsByName: boolean;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

function graphFailure(what: string, status: number, body: unknown): Error {
  const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? JSON.stringify(body);
  return new Error(`reading ${what} failed: Graph answered ${status}: ${message}`);
}

const byIdOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads what the export needs, paging every collection and batching per-profile reads (20 per `$batch`). */
export async function readTenant(api: GraphApi, opts: ReadOptions): Promise<TenantSnapshot> {
  const log = opts.log ?? (() => undefined);
  const snapshot: TenantSnapshot = { scopeTags: [], profiles: [], groups: new Map() };

  if (opts.select.has("scopeTags")) {
    const tags = await api.list<{ id: string; displayName: string; description?: string | null; isBuiltIn?: boolean }>("/deviceManagement/roleScopeTags");
    snapshot.scopeTags = tags.filter((t) => t.id !== DEFAULT_SCOPE_TAG_ID && !t.isBuiltIn).map((t) => ({ id: t.id, displayName: t.displayName, description: t.description }));
    log(`scope tags: ${snapshot.scopeTags.length} custom (the built-in Default tag "0" is referenced, not exported)`);
  }

  const wantsCertificates = opts.select.has("certificates");
  if (!opts.select.has("emailProfiles") && !opts.select.has("assignments") && !wantsCertificates) return snapshot;

  const all = await api.list<LiveProfile>(profilesPath);
  const certificates: SnapshotCertificate[] = [];
  for (const live of all) {
    const platform = platformForOdataType(String(live["@odata.type"]));
    if (platform) snapshot.profiles.push({ id: live.id, platform, live, links: {} });
    const certificate = certificateTypeOf(String(live["@odata.type"]));
    if (certificate) certificates.push({ id: live.id, platform: certificate.platform, role: certificate.role, live });
  }
  snapshot.profiles.sort((a, b) => byIdOrder(a.id, b.id));
  certificates.sort((a, b) => byIdOrder(a.id, b.id));
  if (!opts.select.has("emailProfiles") && !opts.select.has("assignments")) snapshot.profiles = [];
  // Certificate objects are read for themselves, and for their assignments.
  if (wantsCertificates || opts.select.has("assignments")) snapshot.certificates = certificates;
  const readCertificates = snapshot.certificates ?? [];
  log(
    `device configurations: ${all.length}, of which ${snapshot.profiles.length} e-mail profiles` +
      (snapshot.certificates ? `, ${readCertificates.filter((c) => c.role === "trustedRoot").length} trusted roots and ${readCertificates.filter((c) => c.role !== "trustedRoot").length} SCEP/PKCS profiles` : ""),
  );

  // Per profile: its assignments and each certificate link, through $batch.
  const requests: { id: string; path: string; apply: (status: number, body: unknown) => Promise<void> }[] = [];
  const readAssignments = (owner: { id: string; assignments?: LiveAssignment[] }, requestId: string) => {
    const assignmentsPath = `${profilesPath}/${encodeURIComponent(owner.id)}/assignments`;
    requests.push({
      id: requestId,
      path: assignmentsPath,
      apply: async (status, body) => {
        if (status !== 200) throw graphFailure(`the assignments of profile ${owner.id}`, status, body);
        const page = body as { value: LiveAssignment[]; "@odata.nextLink"?: string };
        // More than one page: read the whole collection the paging way.
        owner.assignments = page["@odata.nextLink"] ? await api.list<LiveAssignment>(assignmentsPath) : page.value;
      },
    });
  };
  snapshot.profiles.forEach((p, i) => {
    const base = `${profilesPath}/${encodeURIComponent(p.id)}`;
    if (opts.select.has("assignments")) readAssignments(p, `a${i}`);
    if (opts.select.has("emailProfiles")) {
      const info = emailPlatforms[p.platform];
      for (const ref of info.certificateRefs) {
        requests.push({
          id: `l${i}-${ref.navigation}`,
          path: `${base}/microsoft.graph.${info.typeName}/${ref.navigation}`,
          apply: async (status, body) => {
            if (status === 404) return; // no link
            if (status !== 200) throw graphFailure(`${ref.navigation} of profile ${p.id}`, status, body);
            const target = body as { id: string; displayName?: string; "@odata.type"?: string };
            p.links[ref.input] = { id: target.id, displayName: target.displayName, odataType: target["@odata.type"] };
          },
        });
      }
    }
  });
  readCertificates.forEach((c, i) => {
    if (opts.select.has("assignments")) readAssignments(c, `ca${i}`);
    if (!wantsCertificates || c.role === "trustedRoot") return;
    const info = certificatePlatforms[c.platform].profiles[c.role];
    if (!info.hasRootLink) return;
    const rootPath = `${profilesPath}/${encodeURIComponent(c.id)}/microsoft.graph.${info.typeName}/${ROOT_LINK.navigation}`;
    requests.push({
      id: `cr${i}`,
      path: rootPath,
      apply: async (status, body) => {
        if (status === 404) return; // no root linked, or the root is gone
        if (status !== 200) throw graphFailure(`${ROOT_LINK.navigation} of certificate profile ${c.id}`, status, body);
        c.rootId = (body as { id?: string }).id;
      },
    });
  });
  if (requests.length > 0) {
    log(`reading assignments and certificate links: ${requests.length} requests in ${Math.ceil(requests.length / 20)} $batch calls`);
    const answers = await api.batchGet(requests.map((r) => ({ id: r.id, path: r.path })));
    for (const r of requests) {
      const answer = answers.get(r.id);
      if (!answer) throw new Error(`reading ${r.path} failed: the $batch answer has no response for it`);
      await r.apply(answer.status, answer.body);
    }
  }

  // Group names for the comments (and, with --groups-by-name, whether the name is unique).
  const groupIds = new Set<string>();
  for (const p of [...snapshot.profiles, ...(snapshot.certificates ?? [])]) {
    for (const a of p.assignments ?? []) if (typeof a.target.groupId === "string") groupIds.add(a.target.groupId.toLowerCase());
  }
  if (groupIds.size > 0) {
    const ids = [...groupIds].sort(byIdOrder);
    log(`groups: ${ids.length} targeted, reading their names`);
    const answers = await api.batchGet(ids.map((id, i) => ({ id: `g${i}`, path: `/groups/${encodeURIComponent(id)}?$select=id,displayName` })));
    ids.forEach((id, i) => {
      const a = answers.get(`g${i}`);
      if (a?.status === 200) snapshot.groups.set(id, { displayName: (a.body as { displayName?: string }).displayName });
      else if (a?.status === 404) snapshot.groups.set(id, {});
      else throw graphFailure(`group ${id}`, a?.status ?? 0, a?.body);
    });
    if (opts.groupsByName) {
      const names = [...new Set([...snapshot.groups.values()].map((g) => g.displayName).filter((n): n is string => !!n))].sort();
      const counts = await api.batchGet(
        names.map((n, i) => ({ id: `n${i}`, path: `/groups?$filter=${encodeURIComponent(`displayName eq '${n.replace(/'/g, "''")}'`)}&$select=id` })),
      );
      const sameName = new Map<string, number>();
      names.forEach((n, i) => {
        const a = counts.get(`n${i}`);
        if (a?.status !== 200) throw graphFailure(`groups named "${n}"`, a?.status ?? 0, a?.body);
        const body = a.body as { value: unknown[]; "@odata.nextLink"?: string };
        sameName.set(n, body["@odata.nextLink"] ? Math.max(body.value.length, 2) : body.value.length);
      });
      for (const g of snapshot.groups.values()) if (g.displayName) g.sameName = sameName.get(g.displayName);
    }
  }
  return snapshot;
}

// ---------------------------------------------------------------------------------------------------
// Rendering the project.

const reservedWords = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private " +
    "protected public static yield any boolean constructor declare get module require number set string symbol type from of async await " +
    "EmailProfile ProfileAssignment ScopeTag TrustedRootCertificate CertificateProfile lookupGroupByName undefined NaN Infinity arguments eval pulumi " +
    "fs path __dirname").split(" "),
);

/** "iOS: Exchange for all iPhones" → "ios-exchange-for-all-iphones" (empty → `fallback`). */
export function kebabName(displayName: string, fallback: string): string {
  const k = displayName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return k || fallback;
}

function camelName(kebab: string): string {
  const c = kebab.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  return /^[0-9]/.test(c) ? `_${c}` : c;
}

/** TS string literal. */
const str = (s: string) => JSON.stringify(s);
/** Text safe inside a block or line comment. */
const commentText = (s: string) => s.replace(/\*\//g, "* /").replace(/[\r\n]+/g, " ");

interface Named {
  kind: "ScopeTag" | "TrustedRootCertificate" | "CertificateProfile" | "EmailProfile" | "ProfileAssignment";
  id: string;
  displayName: string;
  name?: string;
  variable?: string;
}

const kindOrder: Record<Named["kind"], number> = { ScopeTag: 0, TrustedRootCertificate: 1, CertificateProfile: 2, EmailProfile: 3, ProfileAssignment: 4 };

/** Orders by kind, display name, then id: the order of the generated file. */
function byKindNameId(a: Named, b: Named): number {
  return kindOrder[a.kind] - kindOrder[b.kind] || byIdOrder(a.displayName, b.displayName) || byIdOrder(a.id, b.id);
}

/** Resource names from display names; a name taken twice gets -2, -3, … in id order. */
function allocateNames(items: Named[], taken: Set<string>, variables: Set<string>, fallback: (n: Named) => string, base: (n: Named) => string): void {
  const buckets = new Map<string, Named[]>();
  for (const n of items) {
    const b = base(n) || fallback(n);
    buckets.set(b, [...(buckets.get(b) ?? []), n]);
  }
  for (const b of [...buckets.keys()].sort(byIdOrder)) {
    const members = buckets.get(b)!.sort((x, y) => kindOrder[x.kind] - kindOrder[y.kind] || byIdOrder(x.id, y.id));
    for (const n of members) {
      let name = b;
      for (let i = 2; taken.has(name); i++) name = `${b}-${i}`;
      taken.add(name);
      n.name = name;
      let variable = camelName(name);
      if (reservedWords.has(variable)) variable = `${variable}_`;
      for (let i = 2; variables.has(variable); i++) variable = `${camelName(name)}_${i}`;
      variables.add(variable);
      n.variable = variable;
    }
  }
}

/** A settings value as TypeScript source. */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${literal(x)}`).join(", ")} }`;
  }
  return typeof v === "string" ? str(v) : JSON.stringify(v);
}

const unsetLooking = (v: unknown) => v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0);

/**
 * The settings to declare: every live value, except unset-looking ones (null, false, [], ""). A `false`
 * is kept where leaving it out would mean something else (a nullable switch: omitted = null = "not
 * set"), so that declared and live values stay equal and adoption writes nothing.
 */
export function declaredSettings(platform: EmailPlatform, live: Record<string, unknown>): Record<string, unknown> {
  // A setting left out of the program is not managed (its value stays as the tenant has it), so what
  // looks unset is left out: adopting the export writes nothing either way.
  const normal = settingsFromGraph(platform, live);
  const out: Record<string, unknown> = {};
  for (const p of settingProperties(platform)) {
    const v = normal[p.name];
    if (v !== undefined && !unsetLooking(v)) out[p.name] = v;
  }
  return out;
}

/**
 * The settings of a SCEP/PKCS profile to declare: every live value except unset-looking ones, like
 * {@link declaredSettings}. What `check` would refuse (e.g. a renewal threshold of 0 that the service
 * answers for "not set") is left out by {@link certificateProfileInputs}.
 */
export function declaredCertificateSettings(platform: CertificatePlatform, kind: CertificateKind, live: Record<string, unknown>): Record<string, unknown> {
  const info = certificatePlatforms[platform].profiles[kind];
  const normal = info.model.settingsFromGraph(live);
  const out: Record<string, unknown> = {};
  for (const key of info.model.settingKeys) {
    const v = normal[key];
    if (v !== undefined && !unsetLooking(v)) out[key] = v;
  }
  return out;
}

/** The CertificateProfile inputs that adopt `c` as it is, or why it cannot be exported as a resource. */
export function certificateProfileInputs(c: SnapshotCertificate, warn: (line: string) => void): { inputs: Record<string, unknown> } | { reason: string } {
  if (c.role === "trustedRoot") return { reason: "it is a trusted root" };
  const inputs: Record<string, unknown> = {
    adoptExistingId: c.id,
    displayName: String(c.live.displayName ?? ""),
    ...(c.live.description ? { description: c.live.description } : {}),
    platform: c.platform,
    kind: c.role,
    settings: declaredCertificateSettings(c.platform, c.role, c.live),
    ...(c.rootId ? { trustedRootId: c.rootId } : {}),
  };
  const settings = inputs.settings as Record<string, unknown>;
  // A setting `check` refuses is one the tenant reports as not set in its own way: leave it out (not
  // managed), so the program passes preview and adoption writes nothing. Anything else is a reason.
  for (;;) {
    const failures = checkCertificateProfileInputs(inputs).failures;
    if (failures.length === 0) return { inputs };
    const droppable = failures.map((f) => /^settings\.(\w+)/.exec(f.property)?.[1]).filter((k): k is string => k !== undefined && k in settings);
    if (droppable.length === 0) return { reason: failures.map((f) => f.reason).join("; ") };
    for (const k of new Set(droppable)) {
      warn(`certificate profile "${inputs.displayName}" (${c.id}): \`settings.${k}\` ${JSON.stringify(settings[k])} left out (not managed): ${failures.find((f) => f.property.startsWith(`settings.${k}`))!.reason}`);
      delete settings[k];
    }
  }
}

/** PEM text of base64 DER: 64 characters a line. */
export function pemOf(base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? [];
  return ["-----BEGIN CERTIFICATE-----", ...lines, "-----END CERTIFICATE-----", ""].join("\n");
}

/** The common name of a subject as Node prints it ("CN=Contoso Root CA, O=Contoso"). */
const commonNameOf = (subject: string) => /(?:^|, )CN=([^,]+)/.exec(subject)?.[1] ?? "";

export interface RenderOptions {
  select: ReadonlySet<ExportKind>;
  groupsByName: boolean;
  /** `name`/`version` of this package and the versions its devDependencies pin. */
  packageVersion: string;
  devVersions: Record<string, string>;
  /** Warnings (stderr in the CLI). */
  warn?: (line: string) => void;
}

export interface RenderedProject {
  /** By path relative to the project (certificates in `certificates/`). */
  files: Record<string, string>;
  counts: { scopeTags: number; emailProfiles: number; assignments: number; targets: number; trustedRoots: number; certificateProfiles: number };
}

/** The project files for a snapshot; a pure function of it (same tenant, same bytes). */
export function renderProject(t: TenantSnapshot, opts: RenderOptions): RenderedProject {
  const warn = opts.warn ?? (() => undefined);
  const tags: (Named & { tag: TenantSnapshot["scopeTags"][number] })[] = opts.select.has("scopeTags")
    ? t.scopeTags.map((tag) => ({ kind: "ScopeTag" as const, id: tag.id, displayName: tag.displayName, tag }))
    : [];
  const profiles: (Named & { profile: SnapshotProfile })[] = opts.select.has("emailProfiles")
    ? t.profiles.map((p) => ({ kind: "EmailProfile" as const, id: p.id, displayName: String(p.live.displayName ?? ""), profile: p }))
    : [];

  // Trusted roots whose certificate can be read, and SCEP/PKCS profiles that pass `check` as they are;
  // anything else stays an id (with a warning), like the certificate types we do not model.
  const allCertificates = t.certificates ?? [];
  const roots: (Named & { cert: SnapshotCertificate; der: string; subject: string; thumbprint: string; expiresAt: string })[] = [];
  const certProfiles: (Named & { cert: SnapshotCertificate; inputs: Record<string, unknown> })[] = [];
  if (opts.select.has("certificates")) {
    for (const c of allCertificates) {
      const displayName = String(c.live.displayName ?? "");
      const about = `${c.role === "trustedRoot" ? "trusted root" : "certificate profile"} "${displayName}" (${c.id})`;
      if (c.role === "trustedRoot") {
        const der = c.live.trustedRootCertificate;
        const inspection = typeof der === "string" && der !== "" ? inspectRootCertificate(der, { expiryWarningInDays: 0 }) : undefined;
        if (!inspection?.facts) {
          warn(`${about}: kept as an id, not exported, because its certificate cannot be read (${inspection ? inspection.failures.map((f) => f.reason).join("; ") : "the tenant answered none"})`);
          continue;
        }
        for (const f of inspection.failures) warn(`${about}: exported, but \`pulumi preview\` will refuse it until its certificate is replaced: ${f.reason}`);
        const f = inspection.facts;
        roots.push({ kind: "TrustedRootCertificate", id: c.id, displayName, cert: c, der: f.base64Der, subject: f.subject, thumbprint: f.thumbprint, expiresAt: f.expiresAt });
      } else {
        const r = certificateProfileInputs(c, warn);
        if ("reason" in r) warn(`${about}: kept as an id, not exported, because \`check\` would refuse it: ${r.reason}`);
        else certProfiles.push({ kind: "CertificateProfile", id: c.id, displayName, cert: c, inputs: r.inputs });
      }
    }
  }

  const taken = new Set<string>();
  const variables = new Set<string>();
  const fallbackName: Record<Named["kind"], string> = {
    ScopeTag: "scope-tag",
    TrustedRootCertificate: "trusted-root",
    CertificateProfile: "certificate-profile",
    EmailProfile: "email-profile",
    ProfileAssignment: "profile-assignment",
  };
  allocateNames([...tags, ...roots, ...certProfiles, ...profiles], taken, variables, (n) => fallbackName[n.kind], (n) => kebabName(n.displayName, ""));

  const tagVar = new Map(tags.map((n) => [n.id, n.variable!]));
  /** Every exported device configuration, by id: what links and assignments point at as code. */
  const exported = new Map<string, Named>([...roots, ...certProfiles, ...profiles].map((n) => [n.id, n]));
  const certificateName = new Map(allCertificates.map((c) => [c.id, String(c.live.displayName ?? "")]));

  // One ProfileAssignment per profile (e-mail, root, certificate) that has targets we model.
  interface AssignmentItem extends Named {
    targets: AssignmentTarget[];
  }
  const assignments: AssignmentItem[] = [];
  if (opts.select.has("assignments")) {
    const owners = [...t.profiles, ...allCertificates];
    for (const p of owners) {
      const targets: AssignmentTarget[] = [];
      for (const a of p.assignments ?? []) {
        const target = fromWire(a);
        if (target) targets.push(target);
        else warn(`profile "${p.live.displayName}" (${p.id}): assignment ${a.id} targets ${a.target["@odata.type"]}, which ProfileAssignment does not model; left out`);
      }
      if (targets.length === 0) continue;
      targets.sort((x, y) => byIdOrder(targetKey(x), targetKey(y)));
      assignments.push({ kind: "ProfileAssignment", id: p.id, displayName: String(p.live.displayName ?? ""), targets });
    }
    allocateNames(
      assignments,
      taken,
      variables,
      () => "profile-assignment",
      (n) => `${exported.get(n.id)?.name ?? kebabName(n.displayName, "profile")}-assignments`,
    );
  }

  tags.sort(byKindNameId);
  roots.sort(byKindNameId);
  certProfiles.sort(byKindNameId);
  profiles.sort(byKindNameId);
  assignments.sort(byKindNameId);

  const usesLookup = { group: false };
  const warned = new Set<string>();
  const groupComment = (id: string) => {
    const g = t.groups.get(id);
    return g?.displayName !== undefined ? commentText(g.displayName) : "group not found in the directory";
  };
  const groupIdSource = (id: string): string => {
    const g = t.groups.get(id);
    if (opts.groupsByName) {
      if (g?.displayName && g.sameName === 1) {
        usesLookup.group = true;
        return `lookupGroupByName(${str(g.displayName)})`;
      }
      const why = !g?.displayName ? "it is not found in the directory" : `${g.sameName ?? "several"} groups are named "${g.displayName}"`;
      if (!warned.has(id)) warn(`group ${id}: kept as an id, not looked up by name, because ${why}`);
      warned.add(id);
    }
    return `${str(id)} /* ${groupComment(id)} */`;
  };
  const scopeTagLine = (roleScopeTagIds: string[] | undefined): string | undefined => {
    const scopeTags = normaliseScopeTagIds(roleScopeTagIds);
    if (deepEqual(scopeTags, [DEFAULT_SCOPE_TAG_ID])) return undefined;
    const refs = scopeTags.map((id) => (tagVar.has(id) ? `${tagVar.get(id)}.id` : id === DEFAULT_SCOPE_TAG_ID ? `"0" /* Default */` : str(id)));
    return `  scopeTagIds: [${refs.join(", ")}],`;
  };
  /** A link to a device configuration: the exported resource's id as code, else the id with its name. */
  const linkSource = (id: string, about?: string): string => {
    const target = exported.get(id);
    if (target) return `${target.variable}.id`;
    const name = about ?? (certificateName.has(id) ? str(certificateName.get(id)!) : undefined);
    return `${str(id)}${name ? ` /* ${commentText(name)}, not exported */` : ""}`;
  };

  const body: string[] = [];
  const section = (title: string) => body.push("", `// ---- ${title} ----`, "");

  if (tags.length > 0) {
    section(`scope tags (${tags.length})`);
    for (const n of tags) {
      body.push(`const ${n.variable} = new ScopeTag(${str(n.name!)}, {`);
      body.push(`  adoptExistingId: ${str(n.id)},`);
      body.push(`  displayName: ${str(n.tag.displayName)},`);
      if (n.tag.description) body.push(`  description: ${str(n.tag.description)},`);
      body.push("});");
    }
  }

  // One PEM file per distinct certificate (roots of several platforms often share one CA), named after
  // its common name; a name taken by another certificate gets -2, -3, … in thumbprint order.
  const certificateFiles = new Map<string, { file: string; der: string }>();
  {
    const byThumbprint = new Map<string, (typeof roots)[number]>();
    for (const r of roots) if (!byThumbprint.has(r.thumbprint)) byThumbprint.set(r.thumbprint, r);
    const usedFiles = new Set<string>();
    for (const thumbprint of [...byThumbprint.keys()].sort(byIdOrder)) {
      const r = byThumbprint.get(thumbprint)!;
      const base = kebabName(commonNameOf(r.subject), "root-certificate");
      let file = base;
      for (let i = 2; usedFiles.has(file); i++) file = `${base}-${i}`;
      usedFiles.add(file);
      certificateFiles.set(thumbprint, { file: `certificates/${file}.pem`, der: r.der });
    }
  }

  if (roots.length > 0) {
    section(`trusted roots (${roots.length}); their certificates are in certificates/`);
    for (const n of roots) {
      const live = n.cert.live;
      const file = certificateFiles.get(n.thumbprint)!.file;
      body.push(`// ${commentText(certificatePlatforms[n.cert.platform].label)}: ${commentText(n.subject)}, thumbprint ${n.thumbprint}, expires ${n.expiresAt}`);
      body.push(`const ${n.variable} = new TrustedRootCertificate(${str(n.name!)}, {`);
      body.push(`  adoptExistingId: ${str(n.id)},`);
      body.push(`  displayName: ${str(n.displayName)},`);
      if (live.description) body.push(`  description: ${str(live.description)},`);
      body.push(`  platform: ${str(n.cert.platform)},`);
      const tagLine = scopeTagLine(live.roleScopeTagIds);
      if (tagLine) body.push(tagLine);
      body.push(`  certificate: fs.readFileSync(path.join(__dirname, ${file.split("/").map(str).join(", ")}), "utf8"),`);
      if (typeof live.certFileName === "string" && live.certFileName !== "") body.push(`  certFileName: ${str(live.certFileName)},`);
      body.push("});");
    }
  }

  if (certProfiles.length > 0) {
    section(`certificate profiles (${certProfiles.length})`);
    for (const n of certProfiles) {
      const info = certificatePlatforms[n.cert.platform].profiles[n.cert.role as CertificateKind];
      body.push(`// ${commentText(certificatePlatforms[n.cert.platform].label)}: ${info.typeName}`);
      body.push(`const ${n.variable} = new CertificateProfile(${str(n.name!)}, {`);
      body.push(`  adoptExistingId: ${str(n.id)},`);
      body.push(`  displayName: ${str(n.displayName)},`);
      if (n.inputs.description) body.push(`  description: ${str(String(n.inputs.description))},`);
      body.push(`  platform: ${str(n.cert.platform)},`);
      body.push(`  kind: ${str(n.cert.role)},`);
      const tagLine = scopeTagLine(n.cert.live.roleScopeTagIds);
      if (tagLine) body.push(tagLine);
      if (n.cert.rootId) body.push(`  trustedRootId: ${linkSource(n.cert.rootId)},`);
      body.push("  settings: {");
      for (const [k, v] of Object.entries(n.inputs.settings as Record<string, unknown>)) body.push(`    ${k}: ${literal(v)},`);
      body.push("  },");
      body.push("});");
    }
  }

  if (profiles.length > 0) {
    section(`e-mail profiles (${profiles.length})`);
    for (const n of profiles) {
      const p = n.profile;
      const info = emailPlatforms[p.platform];
      body.push(`// ${commentText(info.label)}: ${info.typeName}${info.legacy ? " (legacy: can only be adopted)" : ""}`);
      body.push(`const ${n.variable} = new EmailProfile(${str(n.name!)}, {`);
      body.push(`  adoptExistingId: ${str(p.id)},`);
      body.push(`  displayName: ${str(String(p.live.displayName))},`);
      if (p.live.description) body.push(`  description: ${str(p.live.description)},`);
      body.push(`  platform: ${str(p.platform)},`);
      const tagLine = scopeTagLine(p.live.roleScopeTagIds);
      if (tagLine) body.push(tagLine);
      body.push("  settings: {");
      for (const [k, v] of Object.entries(declaredSettings(p.platform, p.live))) body.push(`    ${k}: ${literal(v)},`);
      body.push("  },");
      for (const ref of info.certificateRefs) {
        const link = p.links[ref.input];
        if (!link) continue;
        const target = exported.get(link.id);
        // As code only when the platform rule holds (a link the tenant has but `check` refuses stays an id).
        if (target && target.kind === "CertificateProfile" && certificatePlatformOfEmail[p.platform] === certificateTypeOf(String(link.odataType))?.platform) {
          body.push(`  ${ref.input}: ${target.variable}.id,`);
          continue;
        }
        const about = [link.displayName && str(link.displayName), link.odataType && `(${link.odataType.replace(/^#microsoft\.graph\./, "")})`].filter(Boolean).join(" ");
        body.push(`  ${ref.input}: ${str(link.id)},${about ? ` // ${commentText(about)}` : ""}`);
      }
      body.push("});");
    }
  }

  let targetCount = 0;
  if (assignments.length > 0) {
    section(`assignments (${assignments.length})`);
    for (const n of assignments) {
      const owner = exported.get(n.id);
      body.push(`new ProfileAssignment(${str(n.name!)}, {`);
      body.push("  adoptExisting: true,");
      body.push(`  profileId: ${owner ? `${owner.variable}.id` : `${str(n.id)} /* ${commentText(n.displayName)} */`},`);
      body.push("  targets: [");
      for (const target of n.targets) {
        targetCount++;
        const parts = [`kind: ${str(target.kind)}`];
        if (target.groupId) parts.push(`groupId: ${groupIdSource(target.groupId)}`);
        if (target.filterId) parts.push(`filterId: ${str(target.filterId)}`, `filterType: ${str(target.filterType)}`);
        body.push(`    { ${parts.join(", ")} },`);
      }
      body.push("  ],");
      body.push("});");
    }
  }

  const imports = [
    ...(certProfiles.length > 0 ? ["CertificateProfile"] : []),
    ...(profiles.length > 0 ? ["EmailProfile"] : []),
    ...(usesLookup.group ? ["lookupGroupByName"] : []),
    ...(assignments.length > 0 ? ["ProfileAssignment"] : []),
    ...(tags.length > 0 ? ["ScopeTag"] : []),
    ...(roots.length > 0 ? ["TrustedRootCertificate"] : []),
  ];
  const counts = {
    scopeTags: tags.length,
    emailProfiles: profiles.length,
    assignments: assignments.length,
    targets: targetCount,
    trustedRoots: roots.length,
    certificateProfiles: certProfiles.length,
  };
  const header = [
    "// Exported from an Intune tenant by `pulumi-intune export`:",
    `// ${counts.scopeTags} scope tags, ${counts.trustedRoots} trusted roots, ${counts.certificateProfiles} certificate profiles, ${counts.emailProfiles} e-mail profiles, ${counts.assignments} profile assignments (${counts.targets} targets).`,
    "// Every resource adopts the existing object (adoptExistingId / adoptExisting), so the first `pulumi up`",
    "// takes the tenant over without changing it. Settings that read as unset (null, false, [], \"\") are left",
    "// out; they take the service's defaults, which are the same values.",
  ];
  const nodeImports = roots.length > 0 ? ['import * as fs from "fs";', 'import * as path from "path";'] : [];
  const index = [...header, ...nodeImports, ...(imports.length > 0 ? [`import { ${imports.join(", ")} } from "pulumi-intune";`] : []), ...body, ""].join("\n");

  const packageJson = {
    name: "intune-tenant",
    private: true,
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": "~3.248.0",
      "pulumi-intune": `^${opts.packageVersion}`,
    },
    devDependencies: {
      "@types/node": opts.devVersions["@types/node"],
      "ts-node": opts.devVersions["ts-node"],
      typescript: opts.devVersions.typescript,
    },
  };
  const tsconfig = {
    compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", skipLibCheck: true, types: ["node"] },
    files: ["index.ts"],
  };
  const files: Record<string, string> = {
    "Pulumi.yaml": ["name: intune-tenant", "runtime:", "  name: nodejs", "  options:", "    typescript: true", "description: Intune e-mail profiles, scope tags and assignments, exported by pulumi-intune export.", ""].join("\n"),
    "package.json": JSON.stringify(packageJson, null, 2) + "\n",
    "tsconfig.json": JSON.stringify(tsconfig, null, 2) + "\n",
    "index.ts": index,
  };
  for (const { file, der } of [...certificateFiles.values()].sort((a, b) => byIdOrder(a.file, b.file))) files[file] = pemOf(der);
  return { files, counts };
}

// ---------------------------------------------------------------------------------------------------
// The command.

export interface ExportRun {
  options: ExportCommandOptions;
  /** Where relative paths (--out, --cwd) are resolved. @default process.cwd() */
  baseDir?: string;
  env?: NodeJS.ProcessEnv;
  pulumiBin?: string;
  graphOptions?: GraphApiOptions;
  log?: (line: string) => void;
}

/** This package's package.json (from dist/cli or, in tests, from cli/). */
function ownManifest(): { version: string; devDependencies: Record<string, string> } {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
      if (manifest.name === "pulumi-intune") return manifest;
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the package.json of pulumi-intune above ${__dirname}`);
  }
}

/** Runs the export: credentials, tenant read, files written. Returns what it wrote. */
export async function runExport(run: ExportRun): Promise<RenderedProject & { outDir: string }> {
  const log = run.log ?? ((line: string) => process.stderr.write(`pulumi-intune export: ${line}\n`));
  const base = run.baseDir ?? process.cwd();
  const { options } = run;
  let get: ConfigGetter = () => undefined;
  if (options.stack !== undefined || options.cwd !== undefined) {
    const cwd = path.resolve(base, options.cwd ?? ".");
    log(`reading the intune:* config of ${options.stack ? `stack "${options.stack}"` : "the selected stack"} in ${cwd}`);
    const config = await readStackConfig(options.stack, cwd, run.pulumiBin ?? run.env?.PULUMI_BIN ?? process.env.PULUMI_BIN ?? "pulumi");
    get = (key) => config[key];
  }
  const settings = resolveSettings(get, run.env ?? process.env);
  log(`reading ${settings.graphEndpoint} (tenant ${settings.tenantId ?? "from DefaultAzureCredential"})`);
  const api = new GraphApi(settings, run.graphOptions);
  const snapshot = await readTenant(api, { select: options.select, groupsByName: options.groupsByName, log });
  const manifest = ownManifest();
  const rendered = renderProject(snapshot, {
    select: options.select,
    groupsByName: options.groupsByName,
    packageVersion: manifest.version,
    devVersions: manifest.devDependencies,
    warn: (line) => log(`warning: ${line}`),
  });
  const outDir = path.resolve(base, options.out);
  fs.mkdirSync(outDir, { recursive: true });
  // certificates/ holds only what an export wrote: a root the tenant no longer has leaves no stale PEM
  // behind (a program reading it would recreate a root that is gone).
  const pemDir = path.join(outDir, "certificates");
  const stale = fs.existsSync(pemDir) ? fs.readdirSync(pemDir).filter((f) => f.endsWith(".pem") && !(`certificates/${f}` in rendered.files)) : [];
  for (const f of stale.sort()) {
    fs.rmSync(path.join(pemDir, f));
    log(`removed certificates/${f}: no trusted root of the tenant has that certificate any more`);
  }
  for (const [name, text] of Object.entries(rendered.files)) {
    fs.mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
    fs.writeFileSync(path.join(outDir, name), text);
  }
  const c = rendered.counts;
  log(
    `wrote ${outDir}: ${c.scopeTags} scope tags, ${c.emailProfiles} e-mail profiles, ${c.assignments} profile assignments (${c.targets} targets), ` +
      `${c.trustedRoots} trusted roots, ${c.certificateProfiles} certificate profiles`,
  );
  return { ...rendered, outDir };
}
