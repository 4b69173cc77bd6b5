// The `settings` of each platform, derived from Microsoft's schema extract: which keys exist, their
// types and enum members, and the zod schema that checks them at preview. What the service fills in for
// a setting left out is deliberately not modelled here (see managed.ts).
import { z } from "zod";
import { loadGraphSchema, type SchemaProperty, shortTypeName } from "../../schema";
import { isUnknown, show, UNKNOWN } from "../validation";
import { type EmailPlatform, emailPlatformNames, emailPlatforms } from "./platforms";

/** Properties managed outside `settings` (top-level inputs) or by the service (certificate types too). */
export const notSettings: ReadonlySet<string> = new Set([
  "id",
  "createdDateTime",
  "lastModifiedDateTime",
  "version",
  "supportsScopeTags",
  "displayName",
  "description",
  "roleScopeTagIds",
  // Applicability rules are not e-mail settings; not supported by this provider yet.
  "deviceManagementApplicabilityRuleDeviceMode",
  "deviceManagementApplicabilityRuleOsEdition",
  "deviceManagementApplicabilityRuleOsVersion",
  // Read-only: the service sets it.
  "applyOnlyToWindowsPhone81",
]);

/** Settings without which a profile cannot work and for which no default makes sense. */
const requiredWhenNotNullable = new Set(["hostName", "accountName", "emailAddressSource", "usernameSource"]);

/** The settable properties of a platform's type, in schema order. */
export function settingProperties(platform: EmailPlatform): SchemaProperty[] {
  const flat = loadGraphSchema().flattenedDeviceConfigurationTypes[emailPlatforms[platform].typeName];
  return flat.properties.filter((p) => !notSettings.has(p.name));
}

export function settingKeys(platform: EmailPlatform): string[] {
  return settingProperties(platform).map((p) => p.name);
}

/** Enum members (in declaration order) of a property, or undefined when it is not an enum. */
export function enumMembers(prop: SchemaProperty): { names: string[]; flags: boolean } | undefined {
  const e = loadGraphSchema().enumTypes[shortTypeName(prop.type)];
  return e ? { names: e.members.map((m) => m.name), flags: e.isFlags } : undefined;
}

export function isRequiredSetting(prop: SchemaProperty): boolean {
  return requiredWhenNotNullable.has(prop.name) && !prop.nullable;
}

const dnsLabel = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const hostPattern = new RegExp(`^(?=.{1,253}$)${dnsLabel}(?:\\.${dnsLabel})*$`, "i");
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isDnsHostName(v: string): boolean {
  return ipv4.test(v) || hostPattern.test(v);
}

/** Where else a key exists, for "it exists on …" hints. */
function platformsHaving(key: string): EmailPlatform[] {
  return emailPlatformNames.filter((p) => settingKeys(p).includes(key));
}

function valueSchema(prop: SchemaProperty, path: string): z.ZodTypeAny {
  const unknownOk = <T extends z.ZodTypeAny>(s: T) => z.union([z.literal(UNKNOWN), s]);
  const members = enumMembers(prop);
  let s: z.ZodTypeAny;
  if (members?.flags) {
    s = z
      .array(z.enum(members.names as [string, ...string[]]))
      .min(1)
      .superRefine((list, ctx) => {
        if (new Set(list).size !== list.length) ctx.addIssue({ code: "custom", message: `\`${path}\` lists a value twice, got ${show(list)}` });
        if (list.includes("none") && list.length > 1) ctx.addIssue({ code: "custom", message: `\`${path}\` cannot combine "none" with other values, got ${show(list)}` });
      });
  } else if (members) {
    s = z.enum(members.names as [string, ...string[]]);
  } else if (prop.type === "Edm.Boolean") {
    s = z.boolean();
  } else if (prop.type === "Edm.Int32") {
    s = z.number().int().min(-2147483648).max(2147483647);
  } else {
    s = z.string();
    if (prop.name === "hostName") {
      s = z.string().min(1).refine((v) => isUnknown(v) || isDnsHostName(v), (v) => ({
        message: `\`${path}\` must be a DNS host name (no scheme, path or spaces), got ${show(v)}`,
      }));
    } else if (prop.name === "customDomainName") {
      s = z.string().refine((v) => isUnknown(v) || isDnsHostName(v), (v) => ({ message: `\`${path}\` must be a DNS domain name, got ${show(v)}` }));
    } else if (prop.name === "accountName") {
      s = z.string().min(1).max(255);
    }
  }
  s = unknownOk(s);
  if (prop.nullable) s = s.nullable();
  return isRequiredSetting(prop) ? s : s.optional();
}

const cache = new Map<EmailPlatform, z.ZodTypeAny>();

/** The zod schema of `settings` for a platform (strict: unknown keys fail). */
export function settingsSchema(platform: EmailPlatform): z.ZodTypeAny {
  let s = cache.get(platform);
  if (!s) {
    const shape: Record<string, z.ZodTypeAny> = {};
    for (const p of settingProperties(platform)) shape[p.name] = valueSchema(p, `settings.${p.name}`);
    s = z.object(shape).strict();
    cache.set(platform, s);
  }
  return s;
}

/** Messages for keys that are not settings of this platform (with a hint where they do exist). */
export function unknownSettingReasons(platform: EmailPlatform, keys: string[]): { property: string; reason: string }[] {
  return keys.map((k) => {
    const elsewhere = platformsHaving(k);
    const hint = elsewhere.length > 0 ? ` (it exists on ${elsewhere.join(", ")})` : "";
    return { property: `settings.${k}`, reason: `\`settings.${k}\` is not a setting of platform "${platform}"${hint}` };
  });
}
