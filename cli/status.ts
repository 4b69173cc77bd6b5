// `pulumi-intune status`: how the e-mail profiles, certificate profiles and trusted roots of a stack have
// rolled out. Reads the stack's profiles (`pulumi stack export`) and its `intune:*` config, signs in like
// the provider, asks Graph beta for each profile's deviceStatusOverview, userStatusOverview and
// deviceStatuses ($batch, 20 per request), and reports counts per profile plus every device in error or
// conflict with the other profile involved.
// Exit 0 = healthy, 2 = errors or conflicts, 1 = broken (bad flags, unknown stack, tenant unreachable).
//
// Graph's deviceConfigurationDeviceStatus does not say which other profile caused an error or conflict
// (and deviceSettingStateSummaries only counts devices per setting). So the other profile is found by
// correlation: the statuses of the stack's other profiles, of the identity certificate profiles and of the
// certificate profiles' trusted roots are read too, and a profile reaching the same device that matches the
// platform's duplicate-account rule is named, or the certificate that is not delivered to the device: its
// certificate profile does not reach the device or is in error there, or its trusted root is missing or
// does not reach the device.
import { typeToken } from "../protocol";
import { runPulumiProcess } from "./pulumiProcess";
import { resolveSettings } from "../provider/config";
import { type CertificatePlatform, certificatePlatforms } from "../provider/certificates/platforms";
import { type EmailPlatform, emailPlatforms } from "../provider/email/platforms";
import { GraphApi } from "../provider/graph";

/** The stack's resources the report covers, by type token. */
const REPORTED_KINDS: Record<string, StackProfileKind> = {
  [typeToken("EmailProfile")]: "emailProfile",
  [typeToken("CertificateProfile")]: "certificateProfile",
  [typeToken("TrustedRootCertificate")]: "trustedRoot",
};

/** An e-mail profile, a SCEP/PKCS certificate profile or a trusted root. */
export type StackProfileKind = "emailProfile" | "certificateProfile" | "trustedRoot";

/** The stack or the tenant cannot be read: exit 1. */
export class StatusRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatusRunError";
  }
}

/** What `pulumi-intune status` was asked (flags parsed by cli/args.ts, see cli/commands.ts). */
export interface StatusOptions {
  stack: string;
  /** The Pulumi project directory, absolute. */
  cwd: string;
  format: "markdown" | "json";
}

// ---------------------------------------------------------------- reading the stack

/** An e-mail profile, certificate profile or trusted root of the stack, from its state. */
export interface StackProfile {
  /** @default "emailProfile" */
  kind?: StackProfileKind;
  /** Resource name (from the URN). */
  name: string;
  /** Graph id. */
  id: string;
  displayName: string;
  platform: string;
  settings: Record<string, unknown>;
  identityCertificateId?: string;
  /** A certificate profile's trusted root (`trustedRootId`). */
  trustedRootId?: string;
}

interface StackResource {
  urn?: string;
  type?: string;
  id?: string;
  outputs?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

/** The e-mail profiles, certificate profiles and trusted roots in `pulumi stack export` output. */
export function profilesFromExport(text: string): StackProfile[] {
  let data: { deployment?: { resources?: StackResource[] } };
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new StatusRunError(`pulumi stack export did not print JSON: ${(e as Error).message}`);
  }
  const resources = data.deployment?.resources ?? [];
  return resources
    .filter((r) => r.type !== undefined && REPORTED_KINDS[r.type] !== undefined && r.id)
    .map((r) => {
      const o = { ...(r.inputs ?? {}), ...(r.outputs ?? {}) };
      const kind = REPORTED_KINDS[r.type!];
      const cert = o.identityCertificateId;
      const root = o.trustedRootId;
      return {
        ...(kind !== "emailProfile" ? { kind } : {}),
        name: String(r.urn ?? "").split("::").pop() ?? String(r.id),
        id: String(r.id),
        displayName: typeof o.displayName === "string" ? o.displayName : String(r.id),
        platform: typeof o.platform === "string" ? o.platform : "unknown",
        settings: (o.settings && typeof o.settings === "object" ? o.settings : {}) as Record<string, unknown>,
        ...(kind === "emailProfile" && typeof cert === "string" && cert ? { identityCertificateId: cert } : {}),
        ...(kind === "certificateProfile" && typeof root === "string" && root ? { trustedRootId: root } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `pulumi config --json --show-secrets` output as a key -> value getter. */
export function configFromJson(text: string): (key: string) => string | undefined {
  let data: Record<string, { value?: unknown }>;
  try {
    data = JSON.parse(text || "{}");
  } catch (e) {
    throw new StatusRunError(`pulumi config did not print JSON: ${(e as Error).message}`);
  }
  return (key) => {
    const v = data[key]?.value;
    return v === undefined || v === null ? undefined : String(v);
  };
}

async function runPulumi(bin: string, args: string[], cwd: string): Promise<string> {
  let run;
  try {
    run = await runPulumiProcess(bin, [...args, "--non-interactive"], cwd);
  } catch (e) {
    throw new StatusRunError((e as Error).message);
  }
  if (run.code !== 0) throw new StatusRunError(`\`pulumi ${args.join(" ")}\` failed with exit code ${run.code} in ${cwd}: ${(run.stderr.trim() || run.stdout.trim()).replace(/\s+/g, " ")}`);
  return run.stdout;
}

// ---------------------------------------------------------------- reading the tenant

/** Graph's deviceConfigurationDeviceOverview / deviceConfigurationUserOverview (the counts we use). */
export interface GraphOverview {
  pendingCount?: number;
  notApplicableCount?: number;
  successCount?: number;
  errorCount?: number;
  failedCount?: number;
  conflictCount?: number;
  lastUpdateDateTime?: string;
  configurationVersion?: number;
}

/** Graph's deviceConfigurationDeviceStatus. */
export interface GraphDeviceStatus {
  id: string;
  deviceDisplayName?: string | null;
  userPrincipalName?: string | null;
  status: string;
  lastReportedDateTime?: string;
}

/** What was read from Graph for a report. */
export interface TenantStatus {
  deviceOverview: Record<string, GraphOverview>;
  userOverview: Record<string, GraphOverview>;
  /** Device statuses per profile id: the stack's profiles, their identity certificate profiles and trusted roots. */
  deviceStatuses: Record<string, GraphDeviceStatus[]>;
  /** displayName of certificate profiles and trusted roots that are not in the stack. */
  certificateNames: Record<string, string>;
  /** Linked certificate profiles and trusted roots that are gone from the tenant (the link dangles). @default - none */
  missing?: string[];
}

const DC = "/deviceManagement/deviceConfigurations";

const kindLabel: Record<StackProfileKind, string> = { emailProfile: "e-mail profile", certificateProfile: "certificate profile", trustedRoot: "trusted root" };

function graphMessage(body: unknown): string {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return e ? `${e.code ?? ""}: ${e.message ?? ""}` : JSON.stringify(body);
}

/** Reads overviews and device statuses for the profiles through `$batch` (20 per request), following nextLinks. */
export async function readTenantStatus(api: GraphApi, profiles: readonly StackProfile[]): Promise<TenantStatus> {
  const stackIds = new Set(profiles.map((p) => p.id.toLowerCase()));
  const linked = profiles.flatMap((p) => [p.identityCertificateId, p.trustedRootId]);
  const certificates = [...new Set(linked.filter((c): c is string => !!c && !stackIds.has(c.toLowerCase())))];
  const requests: { id: string; path: string }[] = [];
  profiles.forEach((p, i) => {
    requests.push({ id: `d${i}`, path: `${DC}/${p.id}/deviceStatusOverview` });
    requests.push({ id: `u${i}`, path: `${DC}/${p.id}/userStatusOverview` });
    requests.push({ id: `s${i}`, path: `${DC}/${p.id}/deviceStatuses?$top=999` });
  });
  certificates.forEach((c, i) => {
    requests.push({ id: `c${i}`, path: `${DC}/${c}?$select=id,displayName` });
    requests.push({ id: `cs${i}`, path: `${DC}/${c}/deviceStatuses?$top=999` });
  });
  const answers = requests.length ? await api.batchGet(requests) : new Map<string, { status: number; body: unknown }>();
  const ok = (id: string, what: string): Record<string, unknown> | undefined => {
    const a = answers.get(id);
    if (!a) throw new StatusRunError(`no answer from Graph for ${what}`);
    if (a.status === 404) return undefined;
    if (a.status >= 400) throw new StatusRunError(`Graph answered ${a.status} for ${what}: ${graphMessage(a.body)}`);
    return a.body as Record<string, unknown>;
  };
  const allStatuses = async (id: string, what: string): Promise<GraphDeviceStatus[] | undefined> => {
    const page = ok(id, what);
    if (!page) return undefined;
    const rows = [...((page.value as GraphDeviceStatus[]) ?? [])];
    const next = page["@odata.nextLink"];
    if (typeof next === "string") rows.push(...(await api.list<GraphDeviceStatus>(next)));
    return rows;
  };
  const out: TenantStatus = { deviceOverview: {}, userOverview: {}, deviceStatuses: {}, certificateNames: {}, missing: [] };
  for (const [i, p] of profiles.entries()) {
    const what = `${kindLabel[p.kind ?? "emailProfile"]} \`${p.name}\` (${p.id})`;
    const device = ok(`d${i}`, `the device status overview of ${what}`);
    const user = ok(`u${i}`, `the user status overview of ${what}`);
    const statuses = await allStatuses(`s${i}`, `the device statuses of ${what}`);
    if (!device || !user || !statuses) {
      throw new StatusRunError(`${what} is in the stack but not in the tenant (404); run \`pulumi-intune drift\` or \`pulumi refresh\``);
    }
    out.deviceOverview[p.id] = device as GraphOverview;
    out.userOverview[p.id] = user as GraphOverview;
    out.deviceStatuses[p.id] = statuses;
  }
  for (const [i, c] of certificates.entries()) {
    const entity = ok(`c${i}`, `certificate profile ${c}`);
    if (entity && typeof entity.displayName === "string") out.certificateNames[c] = entity.displayName;
    // A dangling link: the certificate profile or root is gone, so it reaches no device.
    if (!entity) out.missing!.push(c);
    out.deviceStatuses[c] = (await allStatuses(`cs${i}`, `the device statuses of certificate profile ${c}`)) ?? [];
  }
  return out;
}

// ---------------------------------------------------------------- the report

export interface StatusCounts {
  succeeded: number;
  pending: number;
  /** Graph's errorCount plus failedCount. */
  error: number;
  conflict: number;
  notApplicable: number;
}

export interface OtherProfile {
  /** Resource name in the stack, or null for a profile outside the stack. */
  name: string | null;
  id: string;
  displayName: string;
}

export interface StatusIssue {
  device: string;
  deviceId: string;
  user: string | null;
  status: "error" | "conflict";
  /** Which rule the other profile trips, in words. */
  reason: string;
  otherProfiles: OtherProfile[];
}

export interface ProfileStatusReport {
  /** @default "emailProfile" */
  kind?: StackProfileKind;
  name: string;
  id: string;
  displayName: string;
  platform: string;
  configurationVersion: number | null;
  lastUpdateDateTime: string | null;
  devices: StatusCounts;
  users: StatusCounts;
  issues: StatusIssue[];
}

export interface StatusReport {
  stack: string;
  healthy: boolean;
  profiles: ProfileStatusReport[];
}

function counts(o: GraphOverview | undefined): StatusCounts {
  const n = (v: number | undefined) => (typeof v === "number" ? v : 0);
  return { succeeded: n(o?.successCount), pending: n(o?.pendingCount), error: n(o?.errorCount) + n(o?.failedCount), conflict: n(o?.conflictCount), notApplicable: n(o?.notApplicableCount) };
}

/** The device part of a deviceStatus id (`{profileId}_{deviceId}`); the display name when the id has another shape. */
function deviceKey(profileId: string, row: GraphDeviceStatus): string {
  const prefix = `${profileId}_`.toLowerCase();
  return row.id.toLowerCase().startsWith(prefix) ? row.id.slice(prefix.length).toLowerCase() : `name:${row.deviceDisplayName ?? row.id}`;
}

const sameText = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

/** Builds the report: counts from the overviews, and the other profile of each error or conflict by correlation. */
export function buildStatusReport(stack: string, profiles: readonly StackProfile[], tenant: TenantStatus): StatusReport {
  const statusOf = new Map<string, Map<string, string>>();
  for (const [id, rows] of Object.entries(tenant.deviceStatuses)) statusOf.set(id.toLowerCase(), new Map(rows.map((r) => [deviceKey(id, r), r.status])));
  const reaches = (profileId: string, key: string) => statusOf.get(profileId.toLowerCase())?.has(key) ?? false;
  const failsOn = (profileId: string, key: string) => statusOf.get(profileId.toLowerCase())?.get(key) === "error";
  const missing = new Set((tenant.missing ?? []).map((id) => id.toLowerCase()));
  const inStack = (id: string) => profiles.find((q) => q.id.toLowerCase() === id.toLowerCase());
  const asOther = (p: StackProfile): OtherProfile => ({ name: p.name, id: p.id, displayName: p.displayName });
  const other = (id: string): OtherProfile => {
    const q = inStack(id);
    return q ? asOther(q) : { name: null, id, displayName: tenant.certificateNames[id] ?? id };
  };
  const quoted = (id: string) => `"${other(id).displayName}"`;

  /** Why the trusted root `rootId` keeps a certificate from the device, if it does. */
  const rootProblem = (rootId: string | undefined, key: string): string | undefined => {
    if (!rootId) return undefined;
    if (missing.has(rootId.toLowerCase())) return `its trusted root ${quoted(rootId)} is missing (deleted; the link dangles)`;
    if (!reaches(rootId, key)) return `its trusted root ${quoted(rootId)} is not assigned to this device`;
    return undefined;
  };

  const reports = profiles.map((p): ProfileStatusReport => {
    const issues: StatusIssue[] = [];
    const kind = p.kind ?? "emailProfile";
    for (const row of tenant.deviceStatuses[p.id] ?? []) {
      if (row.status !== "error" && row.status !== "conflict") continue;
      const key = deviceKey(p.id, row);
      const reasons: string[] = [];
      const involved: OtherProfile[] = [];
      if (kind === "emailProfile") {
        const others = profiles.filter((q) => q.id !== p.id && (q.kind ?? "emailProfile") === "emailProfile" && q.platform === p.platform && reaches(q.id, key));
        const duplicateKey = emailPlatforms[p.platform as EmailPlatform]?.duplicateKey ?? "none";
        const sameAccount = others.filter((q) =>
          duplicateKey === "hostAndAddress"
            ? sameText(q.settings.hostName, p.settings.hostName) && q.settings.emailAddressSource === p.settings.emailAddressSource
            : duplicateKey === "address" && q.settings.emailAddressSource === p.settings.emailAddressSource,
        );
        if (sameAccount.length > 0) {
          involved.push(...sameAccount.map(asOther));
          reasons.push(
            duplicateKey === "hostAndAddress"
              ? `another profile already set up an account for host "${String(p.settings.hostName)}" and the same address (${String(p.settings.emailAddressSource)}): this profile is blocked on the device`
              : `another profile sets up an account with the same address (${String(p.settings.emailAddressSource)}) on the device`,
          );
        }
        const cert = p.identityCertificateId;
        if (p.settings.authenticationMethod === "certificate") {
          if (!cert) reasons.push("certificate authentication without an identity certificate profile");
          else if (missing.has(cert.toLowerCase())) {
            involved.push(other(cert));
            reasons.push(`certificate authentication, but the identity certificate profile ${quoted(cert)} is missing (deleted; the link dangles): no certificate on this device`);
          } else if (!reaches(cert, key)) {
            involved.push(other(cert));
            reasons.push("certificate authentication, but the identity certificate profile is not assigned to this device");
          } else if (failsOn(cert, key)) {
            // The certificate profile reaches the device but no certificate was issued there: say why when the stack knows its root.
            const root = inStack(cert)?.trustedRootId;
            const why = rootProblem(root, key);
            involved.push(other(cert), ...(why && root ? [other(root)] : []));
            reasons.push(`certificate authentication, but the identity certificate was not delivered to this device: its certificate profile ${quoted(cert)} is in error there${why ? ` because ${why}` : ""}`);
          }
        }
      } else if (kind === "certificateProfile") {
        const root = p.trustedRootId;
        const why = rootProblem(root, key);
        if (why && root) {
          involved.push(other(root));
          reasons.push(`no certificate issued on this device: ${why}, so the device cannot validate the certificate chain`);
        }
      }
      issues.push({
        device: row.deviceDisplayName ?? key,
        deviceId: key,
        user: row.userPrincipalName ?? null,
        status: row.status,
        reason:
          reasons.join("; ") ||
          (kind === "emailProfile"
            ? "no other profile of this stack reaches this device with the same account; see the Intune portal"
            : "its trusted root reaches this device as far as this stack knows; see the Intune portal"),
        otherProfiles: involved,
      });
    }
    const device = tenant.deviceOverview[p.id];
    return {
      ...(kind !== "emailProfile" ? { kind } : {}),
      name: p.name,
      id: p.id,
      displayName: p.displayName,
      platform: p.platform,
      configurationVersion: typeof device?.configurationVersion === "number" ? device.configurationVersion : null,
      lastUpdateDateTime: device?.lastUpdateDateTime ?? null,
      devices: counts(device),
      users: counts(tenant.userOverview[p.id]),
      issues,
    };
  });
  const healthy = reports.every((r) => r.devices.error + r.devices.conflict + r.users.error + r.users.conflict === 0 && r.issues.length === 0);
  return { stack, healthy, profiles: reports };
}

/** 0 healthy, 2 errors or conflicts. */
export function statusExitCode(report: StatusReport): number {
  return report.healthy ? 0 : 2;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const countsCell = (c: StatusCounts) => `${c.succeeded} / ${c.pending} / ${c.error} / ${c.conflict} / ${c.notApplicable}`;
const platformLabel = (p: ProfileStatusReport) =>
  (p.kind ?? "emailProfile") === "emailProfile" ? (emailPlatforms[p.platform as EmailPlatform]?.label ?? p.platform) : (certificatePlatforms[p.platform as CertificatePlatform]?.label ?? p.platform);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
/** "2 e-mail profiles, 1 certificate profile, 1 trusted root": the kinds the stack has. */
function whatText(profiles: readonly ProfileStatusReport[]): string {
  const n = (k: StackProfileKind) => profiles.filter((p) => (p.kind ?? "emailProfile") === k).length;
  const parts = [
    [n("emailProfile"), "e-mail profile"],
    [n("certificateProfile"), "certificate profile"],
    [n("trustedRoot"), "trusted root"],
  ] as const;
  return parts.filter(([count]) => count > 0).map(([count, label]) => plural(count, label)).join(", ");
}
const otherCell = (o: OtherProfile[]) => (o.length ? o.map((x) => (x.name ? `\`${x.name}\` "${cell(x.displayName)}"` : `"${cell(x.displayName)}" (${x.id}, not in this stack)`)).join(", ") : "–");

export function renderStatusMarkdown(r: StatusReport): string {
  const out = [`## Rollout status of stack \`${r.stack}\``, ""];
  if (r.profiles.length === 0) return [...out, "The stack has no e-mail profiles, certificate profiles or trusted roots.", ""].join("\n");
  const troubled = r.profiles.filter((p) => p.devices.error + p.devices.conflict + p.users.error + p.users.conflict > 0 || p.issues.length > 0);
  const errors = r.profiles.reduce((n, p) => n + p.devices.error, 0);
  const conflicts = r.profiles.reduce((n, p) => n + p.devices.conflict, 0);
  out.push(
    r.healthy
      ? `**${whatText(r.profiles)}, all healthy**`
      : `**${whatText(r.profiles)}, ${troubled.length} with errors or conflicts** (${errors} device${errors === 1 ? "" : "s"} in error, ${conflicts} in conflict)`,
    "",
    "| profile | platform | devices: succeeded / pending / error / conflict / not applicable | users: succeeded / pending / error / conflict / not applicable |",
    "| --- | --- | --- | --- |",
  );
  for (const p of r.profiles) out.push(`| \`${p.name}\` "${cell(p.displayName)}" | ${platformLabel(p)} | ${countsCell(p.devices)} | ${countsCell(p.users)} |`);
  out.push("");
  for (const p of troubled) {
    out.push(`### \`${p.name}\` "${cell(p.displayName)}": ${p.devices.error} device${p.devices.error === 1 ? "" : "s"} in error, ${p.devices.conflict} in conflict`, "");
    if (p.issues.length === 0) {
      out.push("Graph lists no device in error or conflict yet (the overview counts are ahead of the device list).", "");
      continue;
    }
    out.push("| device | user | status | other profile | why |", "| --- | --- | --- | --- | --- |");
    for (const i of p.issues) out.push(`| ${cell(i.device)} | ${i.user ? cell(i.user) : "–"} | ${i.status} | ${otherCell(i.otherProfiles)} | ${cell(i.reason)} |`);
    out.push("");
  }
  return out.join("\n");
}

// ---------------------------------------------------------------- the command

export interface StatusIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Runs `pulumi-intune status`; returns the exit code. */
export async function runStatusCommand(options: StatusOptions, io: StatusIo): Promise<number> {
  try {
    const bin = io.env.PULUMI_BIN ?? "pulumi";
    const stackArgs = ["--stack", options.stack];
    const exported = await runPulumi(bin, ["stack", "export", ...stackArgs], options.cwd);
    const profiles = profilesFromExport(exported);
    const config = configFromJson(await runPulumi(bin, ["config", "--json", "--show-secrets", ...stackArgs], options.cwd));
    let tenant: TenantStatus = { deviceOverview: {}, userOverview: {}, deviceStatuses: {}, certificateNames: {} };
    if (profiles.length > 0) {
      const api = new GraphApi(resolveSettings(config, io.env));
      try {
        tenant = await readTenantStatus(api, profiles);
      } catch (e) {
        if (e instanceof StatusRunError) throw e;
        throw new StatusRunError(`cannot read the rollout status from ${api.settings.graphEndpoint}: ${(e as Error).message}`);
      }
    }
    const report = buildStatusReport(options.stack, profiles, tenant);
    io.stdout(options.format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderStatusMarkdown(report));
    return statusExitCode(report);
  } catch (e) {
    io.stderr(`pulumi-intune status: ${(e as Error).message}\n`);
    return 1;
  }
}
