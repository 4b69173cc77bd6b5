// Settings between our representation (flags as lists) and Graph's wire (flags comma-joined). Nothing
// here knows what the service fills in for a setting left out: declared settings stay exactly the keys
// the program set, and live settings are exactly the keys the tenant answered with.
import type { SchemaProperty } from "../../schema";
import { deepEqual } from "../diff";
import { type EmailPlatform } from "./platforms";
import { enumMembers, settingProperties } from "./settings";

type Settings = Record<string, unknown>;

/**
 * Flags in bit-value order (the schema declares members in that order). Live captures show Intune
 * answering `"keyEncipherment,digitalSignature"` to a write of `"digitalSignature,keyEncipherment"`:
 * the service itself orders them, so the same set always compares equal.
 */
function canonicalFlags(names: string[], value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const list = Array.isArray(value) ? value.map(String) : String(value).split(",").map((s) => s.trim()).filter(Boolean);
  return names.filter((n) => list.includes(n)).concat(list.filter((v) => !names.includes(v)));
}

/** Only the declared keys, in schema order, flags canonical; nothing is filled in. */
export function normaliseSettings(platform: EmailPlatform, settings: Settings): Settings {
  return normaliseProperties(settingProperties(platform), settings);
}

/** {@link normaliseSettings} for any list of schema properties (certificate profile types too). */
export function normaliseProperties(properties: readonly SchemaProperty[], settings: Settings): Settings {
  const out: Settings = {};
  for (const p of properties) {
    if (settings[p.name] === undefined) continue;
    const members = enumMembers(p);
    out[p.name] = members?.flags ? canonicalFlags(members.names, settings[p.name]) : settings[p.name];
  }
  return out;
}

/** Body fragment for Graph: flags joined with ",". */
export function settingsToGraph(platform: EmailPlatform, settings: Settings): Settings {
  return propertiesToGraph(settingProperties(platform), settings);
}

/** {@link settingsToGraph} for any list of schema properties. */
export function propertiesToGraph(properties: readonly SchemaProperty[], settings: Settings): Settings {
  const out: Settings = {};
  for (const p of properties) {
    if (!(p.name in settings)) continue;
    const v = settings[p.name];
    out[p.name] = enumMembers(p)?.flags && Array.isArray(v) ? v.join(",") : v;
  }
  return out;
}

/**
 * The settings a Graph GET body reports, flags canonical. Keys the tenant did not answer stay absent
 * (some dialects omit unset properties); annotations such as `@odata.context` or
 * `@microsoft.graph.tips` and non-setting members are ignored.
 */
export function settingsFromGraph(platform: EmailPlatform, live: Settings): Settings {
  return propertiesFromGraph(settingProperties(platform), live);
}

/** {@link settingsFromGraph} for any list of schema properties. */
export function propertiesFromGraph(properties: readonly SchemaProperty[], live: Settings): Settings {
  const picked: Settings = {};
  for (const p of properties) if (p.name in live) picked[p.name] = live[p.name];
  return normaliseProperties(properties, picked);
}

/** Whether two values of one setting mean the same: an absent value and `null` both mean "not set". */
export function sameSetting(a: unknown, b: unknown): boolean {
  return deepEqual(a ?? null, b ?? null);
}
