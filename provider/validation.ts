// zod issues -> Pulumi check failures worded "`prop` must …, got <value>".
import type { ZodError, ZodIssue } from "zod";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { ValidationFailure } from "./errors";

/** The placeholder Pulumi passes for values that are not known during preview (the runtime's own sentinel). */
export const UNKNOWN: string = unknownValue;

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** `settings.hostName`, `targets[1].groupId`. */
export function propertyPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** Short, unambiguous rendering of a bad value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function describe(issue: ZodIssue, value: unknown): string {
  const prop = `\`${propertyPath(issue.path)}\``;
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return `${prop} is required, got nothing`;
      // An enum given a value of another type: zod's expected is "'a' | 'b'".
      if (issue.expected.includes(" | ")) return `${prop} must be one of ${issue.expected.split(" | ").map((o) => `"${o.replace(/^'|'$/g, "")}"`).join(", ")}, got ${show(value)}`;
      return `${prop} must be ${article(issue.expected)}, got ${show(value)}`;
    case "invalid_enum_value":
      return `${prop} must be one of ${issue.options.map((o) => `"${String(o)}"`).join(", ")}, got ${show(value)}`;
    case "invalid_literal":
      return `${prop} must be ${show(issue.expected)}, got ${show(value)}`;
    case "unrecognized_keys":
      return `${prop ? `${prop} has` : "inputs have"} unknown ${issue.keys.length > 1 ? "properties" : "property"} ${issue.keys
        .map((k) => `\`${k}\``)
        .join(", ")}`;
    case "too_small":
      if (issue.type === "string") return issue.minimum === 1 ? `${prop} must not be empty, got ""` : `${prop} must have at least ${issue.minimum} characters, got ${show(value)}`;
      if (issue.type === "array") return `${prop} must have at least ${issue.minimum} item(s), got ${show(value)}`;
      return `${prop} must be at least ${issue.minimum}, got ${show(value)}`;
    case "too_big":
      if (issue.type === "string") return `${prop} must have at most ${issue.maximum} characters, got ${String(value).length}`;
      if (issue.type === "array") return `${prop} must have at most ${issue.maximum} item(s), got ${(value as unknown[]).length}`;
      return `${prop} must be at most ${issue.maximum}, got ${show(value)}`;
    default:
      // Custom refinements already carry the full sentence.
      return issue.message.includes("`") ? issue.message : `${prop} ${issue.message}, got ${show(value)}`;
  }
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** Flattens a ZodError into one failure per issue (union branches unpacked to their best match). */
export function failuresFromZod(error: ZodError, input: unknown, prefix: (string | number)[] = []): ValidationFailure[] {
  const out: ValidationFailure[] = [];
  for (const issue of error.issues) {
    if (issue.code === "invalid_union" && issue.unionErrors.length > 0) {
      // Report the branch that got furthest (fewest issues) instead of "invalid input"; the branch that
      // only accepts the preview placeholder says nothing useful, so it never wins.
      const placeholderOnly = (e: ZodError) => e.issues.every((i) => i.code === "invalid_literal" && i.expected === UNKNOWN);
      const branches = issue.unionErrors.filter((e) => !placeholderOnly(e));
      const best = [...(branches.length > 0 ? branches : issue.unionErrors)].sort((a, b) => a.issues.length - b.issues.length)[0];
      out.push(...failuresFromZod(best, input, prefix));
      continue;
    }
    // Values computed by other resources are unknown during preview; they are checked at `up`.
    if (isUnknown(valueAt(input, issue.path))) continue;
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      // One failure per key, on the key itself, so the engine points at it.
      for (const key of issue.keys) {
        const where = propertyPath([...path, key]);
        out.push({ property: where, reason: `\`${where}\` is not a known property here, got ${show(valueAt(input, [...issue.path, key]))}` });
      }
      continue;
    }
    const fixed = { ...issue, path } as ZodIssue;
    out.push({ property: propertyPath(path) || "(inputs)", reason: describe(fixed, valueAt(input, issue.path)) });
  }
  return dedupe(out);
}

function dedupe(fs: ValidationFailure[]): ValidationFailure[] {
  const seen = new Set<string>();
  return fs.filter((f) => (seen.has(f.reason) ? false : (seen.add(f.reason), true)));
}
