// Offline diff on normalised inputs. When something changed we leave `changes` undefined, so the engine
// diffs old and new inputs itself and shows each changed property; `replaces` marks what forces a replace.
import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "./validation";

/** Deep equality of JSON-like values; `undefined` and absent keys are the same. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (v && typeof v === "object") return Object.values(v as object).some(containsUnknown);
  return false;
}

/** The input keys (of `keys`) whose values differ between prior state and new inputs. */
export function changedKeys<K extends string>(olds: Partial<Record<K, unknown>>, news: Partial<Record<K, unknown>>, keys: readonly K[]): K[] {
  return keys.filter((k) => containsUnknown(news[k]) || !deepEqual(olds[k], news[k]));
}

/**
 * Diff result: `{changes:false}` when nothing changed; otherwise `changes` stays undefined (see above)
 * and the keys in `replaceKeys` that changed are returned as `replaces`.
 */
export function diffInputs<K extends string>(
  olds: Partial<Record<K, unknown>>,
  news: Partial<Record<K, unknown>>,
  keys: readonly K[],
  replaceKeys: readonly K[] = [],
): pulumi.dynamic.DiffResult {
  const changed = changedKeys(olds, news, keys);
  if (changed.length === 0) return { changes: false };
  const replaces = changed.filter((k) => replaceKeys.includes(k));
  return replaces.length > 0 ? { replaces } : {};
}

/** Only the given keys of an object, dropping undefined values. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
