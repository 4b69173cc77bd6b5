// `check` for TrustedRootCertificate and CertificateProfile, all offline: the root's certificate parsed
// (x509.ts), every setting against the schema's type and enum values, subject formats against Intune's
// variables (subjectName.ts), SCEP URLs https, validity and renewal within what Intune accepts, and the
// platform of a linked root equal to the profile's. Results are normalised and hold only what the
// program declared (the drift model of email/managed.ts).
import { z } from "zod";
import type { Settings } from "../email/managed";
import { enumMembers } from "../email/settings";
import { normaliseScopeTagIds } from "../email/inputs";
import type { ValidationFailure } from "../errors";
import { failuresFromZod, isUnknown, show, UNKNOWN } from "../validation";
import {
  type CertificateKind,
  certificateKindNames,
  type CertificatePlatform,
  certificatePlatformNames,
  certificatePlatforms,
  type CertificateTypeInfo,
  normaliseCertificateSettings,
} from "./platforms";
import { type LinkKeys, ProtocolKeys, withoutProtocolKeys } from "../../protocol";
import { type CertificateSubjectKind, subjectFormatFailures } from "./subjectName";
import { inspectRootCertificate, type RootCertificateFacts } from "./x509";

/** What the engine hands `check`: the program's arguments, unvalidated, with the SDK's protocol keys. */
type RawInputs = Record<string, unknown>;

/** Hidden inputs the SDK computes from the program's objects (never from the tenant). */
export const LINKED_PLATFORM_KEY = ProtocolKeys.linkedPlatforms;

const idString = z.string().min(1).refine((v) => !/\s/.test(v), { message: "must be an id without spaces" });
const common = {
  displayName: z.string().min(1).max(1000),
  description: z.string().max(10000).optional(),
  scopeTagIds: z.array(z.string().refine((v) => isUnknown(v) || /^\d+$/.test(v), { message: "must be a scope tag id (digits, e.g. \"0\")" })).optional(),
  adoptExistingId: idString.optional(),
};

function stripHidden(news: RawInputs): RawInputs {
  const raw: RawInputs = {};
  for (const [k, v] of Object.entries(withoutProtocolKeys(news))) if (v !== undefined) raw[k] = v;
  return raw;
}

/** The fields every certificate resource declares, as `check` normalises them. */
export interface CommonCertificateInputs {
  displayName: string;
  description?: string;
  scopeTagIds?: string[];
  adoptExistingId?: string;
}

function commonOut(data: CommonCertificateInputs): CommonCertificateInputs {
  const out: CommonCertificateInputs = { displayName: data.displayName };
  if (data.description !== undefined) out.description = data.description;
  if (data.scopeTagIds !== undefined) out.scopeTagIds = normaliseScopeTagIds(data.scopeTagIds);
  if (data.adoptExistingId !== undefined) out.adoptExistingId = data.adoptExistingId;
  return out;
}

// ---- TrustedRootCertificate ----

/** TrustedRootCertificate inputs as the program gives them. */
export const trustedRootInputsSchema = z
  .object({
    ...common,
    platform: z.enum(certificatePlatformNames),
    certificate: z.string(),
    certFileName: z.string().min(1).max(255).refine((v) => isUnknown(v) || !/[\\/:*?"<>|]/.test(v), { message: "must be a file name without path separators" }).optional(),
    expiryWarningInDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();

/**
 * TrustedRootCertificate inputs after `check`: the schema's, with `certFileName` and the certificate's
 * bytes (base64 DER as Graph takes them, or UNKNOWN at preview) moved into `settings`, the drift model's
 * view; plus the SDK's links. `certificate` stays as the program wrote it (PEM or base64), so a new text
 * for the same bytes is no write.
 */
export type TrustedRootCertificateInputs = Omit<z.infer<typeof trustedRootInputsSchema>, "certFileName"> & { settings: Settings } & LinkKeys;

/** The result of {@link checkTrustedRootInputs}: the normalised inputs, or the raw ones and the failures. */
export type RootCheck =
  | {
      readonly valid: true;
      readonly inputs: TrustedRootCertificateInputs;
      readonly failures: ValidationFailure[];
      readonly warnings: string[];
      /** Known when the certificate is (not while it is computed by another resource at preview). */
      readonly facts?: RootCertificateFacts;
    }
  | { readonly valid: false; readonly inputs: RawInputs; readonly failures: ValidationFailure[]; readonly warnings: string[] };

/** Validates and normalises TrustedRootCertificate inputs; `now` for tests. */
export function checkTrustedRootInputs(news: RawInputs, now: Date = new Date()): RootCheck {
  const raw = stripHidden(news);
  const top = trustedRootInputsSchema.safeParse(raw);
  if (!top.success) return { valid: false, inputs: raw, failures: failuresFromZod(top.error, raw), warnings: [] };
  const d = top.data;
  const inputs = (trustedRootCertificate: string): TrustedRootCertificateInputs => ({
    ...commonOut(d),
    platform: d.platform,
    certificate: d.certificate,
    ...(d.expiryWarningInDays !== undefined ? { expiryWarningInDays: d.expiryWarningInDays } : {}),
    // certFileName first: the settings' order as earlier versions stored it.
    settings: { ...(d.certFileName !== undefined ? { certFileName: d.certFileName } : {}), trustedRootCertificate },
  });
  if (isUnknown(d.certificate)) return { valid: true, inputs: inputs(UNKNOWN), failures: [], warnings: [] };
  const inspection = inspectRootCertificate(d.certificate, { now, expiryWarningInDays: d.expiryWarningInDays });
  if (!inspection.facts || inspection.failures.length > 0) return { valid: false, inputs: raw, failures: inspection.failures, warnings: [] };
  return { valid: true, inputs: inputs(inspection.facts.base64Der), failures: [], warnings: inspection.warnings, facts: inspection.facts };
}

// ---- CertificateProfile ----

/** CertificateProfile inputs as the program gives them; `settings` is checked per platform and kind. */
export const certificateProfileInputsSchema = z
  .object({
    ...common,
    platform: z.enum(certificatePlatformNames),
    kind: z.enum(certificateKindNames),
    settings: z.record(z.unknown()),
    trustedRootId: idString.optional(),
  })
  .strict();

const unknownOk = <T extends z.ZodTypeAny>(s: T) => z.union([z.literal(UNKNOWN), s]);

/** CertificateProfile inputs after `check`: the schema's, with `settings` normalised for the type, plus the SDK's links. */
export type CertificateProfileInputs = Omit<z.infer<typeof certificateProfileInputsSchema>, "settings"> & { settings: Settings } & LinkKeys;

/** Settings without which the type cannot issue a certificate. */
const requiredSettings: Record<CertificateKind, string[]> = {
  scep: ["subjectNameFormat", "keyUsage", "keySize", "scepServerUrls", "certificateValidityPeriodScale", "certificateValidityPeriodValue"],
  pkcs: ["subjectNameFormat", "certificationAuthority", "certificationAuthorityName", "certificateTemplateName", "certificateValidityPeriodScale", "certificateValidityPeriodValue"],
};

function scalarSchema(type: string, path: string): z.ZodTypeAny {
  const members = enumMembers({ name: path, type, collection: false, nullable: true });
  if (members?.flags) {
    return z.array(z.enum(members.names as [string, ...string[]])).min(1).superRefine((list, ctx) => {
      if (new Set(list).size !== list.length) ctx.addIssue({ code: "custom", message: `\`${path}\` lists a value twice, got ${show(list)}` });
      if (list.includes("none") && list.length > 1) ctx.addIssue({ code: "custom", message: `\`${path}\` cannot combine "none" with other values, got ${show(list)}` });
    });
  }
  if (members) return z.enum(members.names as [string, ...string[]]);
  if (type === "Edm.Boolean") return z.boolean();
  if (type === "Edm.Int32") return z.number().int().min(-2147483648).max(2147483647);
  return z.string();
}

function settingSchema(info: CertificateTypeInfo, kind: CertificateKind): z.ZodTypeAny {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const p of info.properties) {
    const path = `settings.${p.name}`;
    let s: z.ZodTypeAny;
    if (p.name === "extendedKeyUsages") {
      s = z.array(z.object({ name: z.string().min(1), objectIdentifier: z.string().regex(/^\d+(\.\d+)+$/, { message: "must be a dotted object identifier such as 1.3.6.1.5.5.7.3.2" }) }).strict());
    } else if (p.name === "customSubjectAlternativeNames") {
      const sanTypes = enumMembers({ name: "sanType", type: "microsoft.graph.subjectAlternativeNameType", collection: false, nullable: false })!.names;
      s = z.array(z.object({ sanType: z.enum(sanTypes as [string, ...string[]]), name: z.string().min(1) }).strict());
    } else if (p.name === "scepServerUrls") {
      s = z.array(z.string()).min(1);
    } else if (p.name === "renewalThresholdPercentage") {
      // Graph's documentation: valid values 1 to 99.
      s = z.number().int().min(1).max(99);
    } else if (p.name === "certificateValidityPeriodValue") {
      s = z.number().int().min(1);
    } else if (p.collection) {
      s = z.array(scalarSchema(p.type, path));
    } else {
      s = scalarSchema(p.type, path);
    }
    s = unknownOk(s);
    if (p.nullable) s = s.nullable();
    shape[p.name] = requiredSettings[kind].includes(p.name) ? s : s.optional();
  }
  return z.object(shape).strict();
}

const settingSchemas = new Map<string, z.ZodTypeAny>();
function cachedSettingSchema(info: CertificateTypeInfo, kind: CertificateKind): z.ZodTypeAny {
  let s = settingSchemas.get(info.typeName);
  if (!s) settingSchemas.set(info.typeName, (s = settingSchema(info, kind)));
  return s;
}

/** Intune issues certificates valid for at most 24 months (SCEP profile page, "Certificate validity period"). */
const MAX_VALIDITY_IN_MONTHS = 24;

function validityFailures(settings: Settings): ValidationFailure[] {
  const scale = settings.certificateValidityPeriodScale;
  const value = settings.certificateValidityPeriodValue;
  if (typeof scale !== "string" || typeof value !== "number") return [];
  const months = scale === "years" ? value * 12 : scale === "months" ? value : value / 30.4375;
  if (months <= MAX_VALIDITY_IN_MONTHS) return [];
  return [{
    property: "settings.certificateValidityPeriodValue",
    reason: `\`settings.certificateValidityPeriodValue\` with \`certificateValidityPeriodScale\` "${scale}" must be at most ${MAX_VALIDITY_IN_MONTHS} months (Intune's limit), got ${value} ${scale}`,
  }];
}

function urlFailures(urls: unknown): ValidationFailure[] {
  if (!Array.isArray(urls)) return [];
  const out: ValidationFailure[] = [];
  urls.forEach((u, i) => {
    if (isUnknown(u)) return;
    const property = `settings.scepServerUrls[${i}]`;
    let url: URL | undefined;
    try {
      url = new URL(String(u));
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:" || !url.hostname) {
      out.push({ property, reason: `\`${property}\` must be an https URL of the NDES/SCEP server (devices send the enrolment challenge there; Android Enterprise requires https), got ${show(u)}` });
    }
  });
  return out;
}

function subjectKind(info: CertificateTypeInfo, settings: Settings): CertificateSubjectKind {
  return info.hasCertificateStore && settings.certificateStore === "machine" ? "device" : "user";
}

function formatFailures(info: CertificateTypeInfo, settings: Settings): ValidationFailure[] {
  const kind = subjectKind(info, settings);
  const out: ValidationFailure[] = [];
  for (const key of ["subjectNameFormatString", "subjectAlternativeNameFormatString"]) {
    const v = settings[key];
    if (typeof v === "string" && !isUnknown(v)) out.push(...subjectFormatFailures(`settings.${key}`, v, kind));
  }
  const sans = settings.customSubjectAlternativeNames;
  if (Array.isArray(sans)) {
    sans.forEach((s, i) => {
      const name = (s as { name?: unknown })?.name;
      if (typeof name === "string" && !isUnknown(name)) out.push(...subjectFormatFailures(`settings.customSubjectAlternativeNames[${i}].name`, name, kind));
    });
  }
  if (settings.subjectNameFormat === "custom" && (settings.subjectNameFormatString === undefined || settings.subjectNameFormatString === null || settings.subjectNameFormatString === "")) {
    out.push({ property: "settings.subjectNameFormatString", reason: "`settings.subjectNameFormat` \"custom\" needs `settings.subjectNameFormatString` (e.g. \"CN={{UserPrincipalName}}\"), got nothing" });
  }
  return out;
}

/** Platforms of linked objects, as the SDK knows them from the program (`{ trustedRootId: "iosIpados" }`). */
export type LinkedPlatforms = Partial<Record<string, CertificatePlatform>>;

/** The cross-resource rule: a linked root must be of the profile's platform. */
function rootLinkFailures(platform: CertificatePlatform, kind: CertificateKind, info: CertificateTypeInfo, inputs: RawInputs, linked: LinkedPlatforms): ValidationFailure[] {
  const out: ValidationFailure[] = [];
  if (!info.hasRootLink) {
    if (inputs.trustedRootId !== undefined) {
      out.push({ property: "trustedRootId", reason: `\`trustedRootId\` is not supported on a ${kind.toUpperCase()} profile of platform "${platform}" (Graph type ${info.typeName} has no rootCertificate link; assign the trusted root to the same groups instead), got ${show(inputs.trustedRootId)}` });
    }
    return out;
  }
  if (kind === "scep" && inputs.trustedRootId === undefined && inputs.adoptExistingId === undefined) {
    out.push({ property: "trustedRootId", reason: "a SCEP profile needs `trustedRootId` (the TrustedRootCertificate of the CA that issues it: devices validate the NDES server with it), got nothing" });
  }
  const rootPlatform = linked.trustedRootId;
  if (rootPlatform !== undefined && rootPlatform !== platform) {
    out.push({
      property: "trustedRootId",
      reason: `\`trustedRootId\` must be a trusted root of the profile's platform "${platform}", got a trusted root of platform "${rootPlatform}" (${certificatePlatforms[rootPlatform].trustedRoot.typeName} cannot be linked from ${info.typeName})`,
    });
  }
  return out;
}

const isCertificatePlatform = (p: unknown): p is CertificatePlatform => (certificatePlatformNames as readonly unknown[]).includes(p);

function linkedPlatformsOf(news: RawInputs): LinkedPlatforms {
  const v: unknown = news[LINKED_PLATFORM_KEY];
  if (!v || typeof v !== "object") return {};
  const out: LinkedPlatforms = {};
  for (const [k, p] of Object.entries(v)) if (isCertificatePlatform(p)) out[k] = p;
  return out;
}

/** Validates and normalises CertificateProfile inputs (no network). */
export function checkCertificateProfileInputs(
  news: RawInputs,
): { valid: true; inputs: CertificateProfileInputs; failures: ValidationFailure[] } | { valid: false; inputs: RawInputs; failures: ValidationFailure[] } {
  const raw = stripHidden(news);
  const top = certificateProfileInputsSchema.safeParse(raw);
  if (!top.success) return { valid: false, inputs: raw, failures: failuresFromZod(top.error, raw) };
  const { platform, kind } = top.data;
  const info = certificatePlatforms[platform].profiles[kind];
  const settingsIn: Settings = top.data.settings;
  const failures: ValidationFailure[] = [];
  const parsed = cachedSettingSchema(info, kind).safeParse(settingsIn);
  if (!parsed.success) {
    const known = info.model.settingKeys;
    for (const f of failuresFromZod(parsed.error, settingsIn, ["settings"])) {
      const key = f.property.replace(/^settings\./, "").split(/[.[]/)[0];
      // Name the type for a key it does not have: "scepServerUrls" on a PKCS profile is a common slip.
      failures.push(known.includes(key) ? f : { property: f.property, reason: `\`${f.property}\` is not a setting of a ${kind.toUpperCase()} profile of platform "${platform}" (${info.typeName}), got ${show(settingsIn[key])}` });
    }
  }
  failures.push(...urlFailures(settingsIn.scepServerUrls), ...validityFailures(settingsIn), ...formatFailures(info, settingsIn));
  failures.push(...rootLinkFailures(platform, kind, info, raw, linkedPlatformsOf(news)));
  if (failures.length > 0) return { valid: false, inputs: raw, failures };

  const inputs: CertificateProfileInputs = { ...commonOut(top.data), platform, kind, settings: normaliseCertificateSettings(info, settingsIn) };
  if (top.data.trustedRootId !== undefined) inputs.trustedRootId = top.data.trustedRootId;
  return { valid: true, inputs, failures: [] };
}

/**
 * The e-mail side of the platform rule: each certificate link of an e-mail profile must point at a
 * certificate profile of the e-mail profile's certificate platform.
 */
export function emailCertificateLinkFailures(emailPlatform: string, expected: CertificatePlatform | undefined, linked: LinkedPlatforms): ValidationFailure[] {
  const out: ValidationFailure[] = [];
  for (const [input, certPlatform] of Object.entries(linked)) {
    if (certPlatform === undefined || certPlatform === expected) continue;
    out.push({
      property: input,
      reason: `\`${input}\` of a "${emailPlatform}" e-mail profile must be a certificate profile of platform "${expected ?? "none"}", got a certificate profile of platform "${certPlatform}"`,
    });
  }
  return out;
}

export { linkedPlatformsOf };
