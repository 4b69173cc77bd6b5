// Settings between our representation (flags as lists) and Graph's wire (flags comma-joined), dense.
import { deepEqual } from "../diff";
import { type EmailPlatform } from "./platforms";
import { defaultSetting, enumMembers, settingProperties } from "./settings";

type Settings = Record<string, unknown>;

/** Flags in declaration order, so the same set always looks the same. */
function canonicalFlags(names: string[], value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const list = Array.isArray(value) ? value.map(String) : String(value).split(",").map((s) => s.trim()).filter(Boolean);
  return names.filter((n) => list.includes(n)).concat(list.filter((v) => !names.includes(v)));
}

/** Every settable key: the given value or the service's default; flags canonical. */
export function normaliseSettings(platform: EmailPlatform, settings: Settings): Settings {
  const out: Settings = {};
  for (const p of settingProperties(platform)) {
    const members = enumMembers(p);
    const raw = settings[p.name] !== undefined ? settings[p.name] : defaultSetting(p);
    out[p.name] = members?.flags ? canonicalFlags(members.names, raw) : raw;
  }
  return out;
}

/** Body fragment for Graph: flags joined with ",". */
export function settingsToGraph(platform: EmailPlatform, settings: Settings): Settings {
  const out: Settings = {};
  for (const p of settingProperties(platform)) {
    if (!(p.name in settings)) continue;
    const v = settings[p.name];
    out[p.name] = enumMembers(p)?.flags && Array.isArray(v) ? v.join(",") : v;
  }
  return out;
}

/** Dense, normalised settings from a Graph GET body. */
export function settingsFromGraph(platform: EmailPlatform, live: Settings): Settings {
  const picked: Settings = {};
  for (const p of settingProperties(platform)) if (p.name in live) picked[p.name] = live[p.name];
  return normaliseSettings(platform, picked);
}

/** Keys whose values differ (for a PATCH of only what changed). */
export function changedSettings(platform: EmailPlatform, olds: Settings, news: Settings): string[] {
  return settingProperties(platform)
    .map((p) => p.name)
    .filter((k) => !deepEqual(olds[k], news[k]));
}
