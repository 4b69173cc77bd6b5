// `check` for EmailProfile: exactly the settings the platform's type allows, enum and flags values, host
// names, required values and the certificate rules, all offline; the result is normalised and dense.
import type { Settings } from "./managed";
import { isProtocolKey, type LinkKeys } from "../../protocol";
import { z } from "zod";
import type { ValidationFailure } from "../errors";
import { failuresFromZod, isUnknown, show } from "../validation";
import { type CertificateInput, type EmailPlatform, emailPlatformNames, emailPlatforms } from "./platforms";
import { settingKeys, settingsSchema, unknownSettingReasons } from "./settings";
import { normaliseSettings } from "./wire";

/** Inputs (or settings) as the engine hands them to `check`: not validated yet. */
type RawInputs = Record<string, unknown>;

export const certificateInputs: readonly CertificateInput[] = [
  "identityCertificateId",
  "smimeSigningCertificateId",
  "smimeEncryptionCertificateId",
  "derivedCredentialSettingsId",
];

/** Top-level input keys compared by `diff`. */
export const emailProfileInputKeys = ["displayName", "description", "platform", "scopeTagIds", "settings", ...certificateInputs] as const;
/** A different platform is a different Graph type: the profile is replaced. */
export const emailProfileReplaceKeys = ["platform"] as const;

const idString = z.string().min(1).refine((v) => !/\s/.test(v), { message: "must be an id without spaces" });

/**
 * Intune keeps scope tags as a set and puts the built-in Default tag ("0") on an object given none
 * (Intune's scope-tag documentation: untagged objects get the Default tag): the same normal form on
 * both sides keeps order and an empty list from showing as changes.
 */
export function normaliseScopeTagIds(ids: readonly string[] | undefined): string[] {
  const set = [...new Set(ids ?? [])].sort();
  return set.length > 0 ? set : ["0"];
}

/** The top level of EmailProfile inputs; `settings` is checked per platform (settings.ts). */
export const emailProfileInputsSchema = z
  .object({
    displayName: z.string().min(1).max(1000),
    description: z.string().max(10000).optional(),
    platform: z.enum(emailPlatformNames),
    scopeTagIds: z
      .array(z.string().refine((v) => isUnknown(v) || /^\d+$/.test(v), { message: "must be a scope tag id (digits, e.g. \"0\")" }))
      .optional(),
    settings: z.record(z.unknown()),
    identityCertificateId: idString.optional(),
    smimeSigningCertificateId: idString.optional(),
    smimeEncryptionCertificateId: idString.optional(),
    derivedCredentialSettingsId: idString.optional(),
    adoptExistingId: idString.optional(),
  })
  .strict();

const known = (v: unknown) => v !== undefined && v !== null && !isUnknown(v);

/** The certificate and credential rules, which need several inputs at once. */
function crossFieldFailures(platform: EmailPlatform, inputs: RawInputs, settings: RawInputs): ValidationFailure[] {
  const info = emailPlatforms[platform];
  const has = new Set(info.certificateRefs.map((r) => r.input));
  const out: ValidationFailure[] = [];
  const fail = (property: string, reason: string) => out.push({ property, reason });

  for (const input of certificateInputs) {
    if (inputs[input] === undefined || has.has(input)) continue;
    if (platform === "windows10" || platform === "windowsPhone81") {
      fail(input, `\`${input}\` is not supported on platform "${platform}": Intune's Windows e-mail profiles have no certificate support at all, got ${show(inputs[input])}`);
    } else {
      fail(input, `\`${input}\` is not supported on platform "${platform}" (its profile type has no such link), got ${show(inputs[input])}`);
    }
  }
  if (info.legacy && !known(inputs.adoptExistingId) && !isUnknown(inputs.adoptExistingId)) {
    fail("platform", `platform "${platform}" is a legacy Android for Work profile type that Intune no longer creates; set \`adoptExistingId\` to take over an existing one, or use "${platform === "androidForWorkGmail" ? "androidEnterpriseWorkProfileGmail" : "androidEnterpriseWorkProfileNineWork"}"`);
  }

  const auth = settings.authenticationMethod;
  if (!isUnknown(auth)) {
    if (auth === "certificate" && has.has("identityCertificateId") && inputs.identityCertificateId === undefined)
      fail("identityCertificateId", `\`settings.authenticationMethod\` "certificate" needs \`identityCertificateId\` (the certificate profile that authenticates the account), got nothing`);
    if (auth === "usernameAndPassword" && inputs.identityCertificateId !== undefined)
      fail("identityCertificateId", `\`identityCertificateId\` must not be set when \`settings.authenticationMethod\` is "usernameAndPassword", got ${show(inputs.identityCertificateId)}`);
    if (auth === "derivedCredential") {
      if (!has.has("derivedCredentialSettingsId"))
        fail("settings.authenticationMethod", `\`settings.authenticationMethod\` "derivedCredential" is only available on iosIpados (a derived credential link), got it on platform "${platform}"`);
      else if (inputs.derivedCredentialSettingsId === undefined)
        fail("derivedCredentialSettingsId", `\`settings.authenticationMethod\` "derivedCredential" needs \`derivedCredentialSettingsId\`, got nothing`);
    }
  }
  // S/MIME needs its certificates where the type links them.
  const signingWanted = settings.requireSmime === true || settings.smimeSigningEnabled === true || settings.signingCertificateType === "certificate";
  if (signingWanted && has.has("smimeSigningCertificateId") && inputs.smimeSigningCertificateId === undefined) {
    const why = settings.signingCertificateType === "certificate" ? '`settings.signingCertificateType` "certificate"' : settings.smimeSigningEnabled === true ? "`settings.smimeSigningEnabled` true" : "`settings.requireSmime` true";
    fail("smimeSigningCertificateId", `${why} needs \`smimeSigningCertificateId\` (the certificate profile that signs mail), got nothing`);
  }
  const encryptionWanted = settings.encryptionCertificateType === "certificate" || settings.smimeEncryptByDefaultEnabled === true;
  if (encryptionWanted && has.has("smimeEncryptionCertificateId") && inputs.smimeEncryptionCertificateId === undefined) {
    const why = settings.encryptionCertificateType === "certificate" ? '`settings.encryptionCertificateType` "certificate"' : "`settings.smimeEncryptByDefaultEnabled` true";
    fail("smimeEncryptionCertificateId", `${why} needs \`smimeEncryptionCertificateId\` (the certificate profile that encrypts mail), got nothing`);
  }
  return out;
}

/**
 * EmailProfile inputs after `check`: the schema's, with `settings` normalised for the platform (only
 * what the program declared), plus the links the SDK adds.
 */
export type EmailProfileInputs = Omit<z.infer<typeof emailProfileInputsSchema>, "settings"> & { settings: Settings } & LinkKeys;

/** Validates and normalises EmailProfile inputs (no network). */
export function checkEmailProfileInputs(news: RawInputs): { valid: true; inputs: EmailProfileInputs; failures: [] } | { valid: false; inputs: RawInputs; failures: ValidationFailure[] } {
  const raw: RawInputs = {};
  for (const [k, v] of Object.entries(news)) if (!isProtocolKey(k) && v !== undefined) raw[k] = v;
  const top = emailProfileInputsSchema.safeParse(raw);
  if (!top.success) return { valid: false, inputs: raw, failures: failuresFromZod(top.error, raw) };
  const platform = top.data.platform;
  const settingsIn: Settings = top.data.settings;

  const failures: ValidationFailure[] = [];
  const allowed = settingKeys(platform);
  const extra = Object.keys(settingsIn).filter((k) => !allowed.includes(k));
  failures.push(...unknownSettingReasons(platform, extra));
  const known = Object.fromEntries(Object.entries(settingsIn).filter(([k]) => allowed.includes(k)));
  const parsed = settingsSchema(platform).safeParse(known);
  if (!parsed.success) failures.push(...failuresFromZod(parsed.error, known, ["settings"]));
  failures.push(...crossFieldFailures(platform, raw, settingsIn));
  if (failures.length > 0) return { valid: false, inputs: raw, failures };

  const inputs: EmailProfileInputs = {
    displayName: top.data.displayName,
    platform,
    // Only what the program declared: a property left out is not managed (see managed.ts).
    settings: normaliseSettings(platform, known),
  };
  if (top.data.scopeTagIds !== undefined) inputs.scopeTagIds = normaliseScopeTagIds(top.data.scopeTagIds);
  if (top.data.description !== undefined) inputs.description = top.data.description;
  for (const k of certificateInputs) if (top.data[k] !== undefined) inputs[k] = top.data[k];
  if (top.data.adoptExistingId !== undefined) inputs.adoptExistingId = top.data.adoptExistingId;
  return { valid: true, inputs, failures: [] };
}
