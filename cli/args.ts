// Command lines that fail closed: every command declares its flags in one small spec, Node's own
// `util.parseArgs` parses them in strict mode, and anything it does not know (a misspelt flag, a missing
// value, a stray positional, a value outside a flag's choices) is a UsageError naming the flag, the rule
// and the bad value. A misspelt `--fail_on` must not silently open a policy gate.
import { parseArgs } from "util";

export interface OptionSpec {
  type: "string" | "boolean";
  /** Placeholder in the usage text (`FILE`, `NAME`). */
  value?: string;
  help: string;
  /** A string option must be one of these. */
  choices?: readonly string[];
  /** Comma-separated list of `choices`; the flag may also be given more than once. */
  list?: boolean;
  required?: boolean;
  default?: string;
}

export interface CommandSpec {
  /** One line for the usage text. */
  summary: string;
  /** Positional arguments in order; all optional ones last. */
  positionals: readonly { name: string; help: string; optional?: boolean; variadic?: boolean }[];
  options: Readonly<Record<string, OptionSpec>>;
}

export type OptionValue = string | string[] | boolean | undefined;

export interface ParsedCommand {
  command: string;
  /** `--help`/`-h` was given: print the usage and exit 0. */
  help: boolean;
  values: Record<string, OptionValue>;
  positionals: string[];
}

/** A command line we refuse; `message` is one line naming the flag, the rule and the bad value. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const quote = (s: string) => JSON.stringify(s);
const flagList = (spec: CommandSpec) => [...Object.keys(spec.options), "help"].map((o) => `--${o}`).join(", ");

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/_/g, "-");
  const best = candidates.map((c) => [c, distance(norm(word), norm(c))] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(1, Math.floor(word.length / 3)) ? best[0] : undefined;
}

function optionTable(spec: CommandSpec) {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.type === "string" ? { type: "string", multiple: true } : { type: "boolean" };
  return options;
}

/** Why strict parsing refused `args`, in our words: the lenient token stream says which token it was. */
function explain(command: string, spec: CommandSpec, args: string[], e: NodeJS.ErrnoException): UsageError {
  const { tokens } = parseArgs({ args, options: optionTable(spec), strict: false, allowPositionals: true, tokens: true });
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const t = tokens.find((k) => k.kind === "option" && !(k.name in spec.options) && k.name !== "help" && k.name !== "h");
    const raw = t && t.kind === "option" ? t.rawName : "?";
    const near = t && t.kind === "option" ? closest(t.name, Object.keys(spec.options)) : undefined;
    return new UsageError(`\`${command}\` takes ${flagList(spec)}; got unknown option ${quote(raw)}${near ? ` (did you mean \`--${near}\`?)` : ""}`, command);
  }
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    for (const t of tokens) {
      if (t.kind !== "option") continue;
      const o = spec.options[t.name];
      if (o?.type === "string" && (t.value === undefined || (!t.inlineValue && t.value.startsWith("-") && t.value !== "-")))
        return new UsageError(`\`--${t.name}\` needs a value (${o.choices ? o.choices.join(", ") : (o.value ?? "VALUE")}); got ${t.value === undefined ? "nothing" : `the flag ${quote(t.value)}`}`, command);
      if ((o?.type === "boolean" || t.name === "help" || t.name === "h") && t.value !== undefined)
        return new UsageError(`\`${t.rawName}\` takes no value; got ${quote(t.value)}`, command);
    }
  }
  if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const t = tokens.find((k) => k.kind === "positional");
    return new UsageError(`\`${command}\` takes no positional arguments; got ${quote(t && t.kind === "positional" ? t.value : "?")}`, command);
  }
  return new UsageError(`\`${command}\`: ${e.message.split("\n")[0]}`, command);
}

/** Parses `pulumi-intune <command> …` against `table`; throws UsageError for anything it does not know. */
export function parseCommandLine(table: Readonly<Record<string, CommandSpec>>, argv: readonly string[]): ParsedCommand {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError("no command given");
  if (command === "--help" || command === "-h" || command === "help") return { command: "", help: true, values: {}, positionals: [] };
  const spec = Object.prototype.hasOwnProperty.call(table, command) ? table[command] : undefined;
  if (!spec) {
    const near = closest(command, Object.keys(table));
    throw new UsageError(`the command is one of ${Object.keys(table).join(", ")}; got ${quote(command)}${near ? ` (did you mean \`${near}\`?)` : ""}`);
  }
  return { command, ...parseOptions(command, spec, args) };
}

/**
 * Parses the flags and positionals of one command (or of a binary with no subcommands, such as
 * `pulumi-intune-emulator`) against its spec; throws UsageError for anything it does not know.
 */
export function parseOptions(command: string, spec: CommandSpec, args: readonly string[]): Omit<ParsedCommand, "command"> {
  let parsed: { values: Record<string, OptionValue>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: optionTable(spec), strict: true, allowPositionals: spec.positionals.length > 0 }) as typeof parsed;
  } catch (e) {
    throw explain(command, spec, [...args], e as NodeJS.ErrnoException);
  }
  if (parsed.values.help) return { help: true, values: {}, positionals: [] };
  // A last positional marked variadic takes the rest (`fleet report a.json b.json …`).
  const max = spec.positionals[spec.positionals.length - 1]?.variadic ? Number.POSITIVE_INFINITY : spec.positionals.length;
  if (parsed.positionals.length > max)
    throw new UsageError(
      `\`${command}\` takes at most ${max} positional argument${max === 1 ? "" : "s"} (${spec.positionals.map((p) => p.name).join(" ")}); got ${parsed.positionals.map(quote).join(" ")}`,
      command,
    );
  const required = spec.positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) throw new UsageError(`\`${command}\` needs ${spec.positionals.slice(0, required).map((p) => p.name).join(" ")}; got nothing`, command);
  const values: Record<string, OptionValue> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const given = parsed.values[name];
    if (o.type === "boolean") {
      values[name] = given === true;
      continue;
    }
    const all = (given as string[] | undefined) ?? [];
    if (o.list) {
      const items = all.flatMap((v) => v.split(",")).map((v) => v.trim());
      const bad = items.find((v) => !o.choices?.includes(v));
      if (all.length > 0 && items.every((v) => v === "")) throw new UsageError(`\`--${name}\` takes ${o.choices!.join(", ")}; got ${quote(all.join(","))}`, command);
      if (bad !== undefined && o.choices) {
        const near = closest(bad, o.choices);
        throw new UsageError(`\`--${name}\` takes ${o.choices.join(", ")}; got ${quote(bad)}${near ? ` (did you mean ${near}?)` : ""}`, command);
      }
      values[name] = [...new Set(items)];
      continue;
    }
    if (all.length > 1) throw new UsageError(`\`--${name}\` may be given once; got ${all.map(quote).join(" and ")}`, command);
    const v = all[0] ?? o.default;
    if (v !== undefined && v.trim() === "") throw new UsageError(`\`--${name}\` needs a value${o.value ? ` (${o.value})` : ""}; got ${quote(v)}`, command);
    if (v !== undefined && o.choices && !o.choices.includes(v)) {
      const near = closest(v, o.choices);
      throw new UsageError(`\`--${name}\` takes ${o.choices.join(", ")}; got ${quote(v)}${near ? ` (did you mean ${near}?)` : ""}`, command);
    }
    if (v === undefined && o.required) throw new UsageError(`\`${command}\` needs \`--${name} ${o.value ?? "VALUE"}\`; got nothing`, command);
    values[name] = v;
  }
  return { help: false, values, positionals: parsed.positionals };
}

function optionUsage(name: string, o: OptionSpec): string {
  const value = o.choices ? (o.list ? o.choices.join(",") : o.choices.join("|")) : (o.value ?? "VALUE");
  const flag = o.type === "boolean" ? `--${name}` : `--${name} ${value}`;
  return o.required ? flag : `[${flag}]`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (out.length > 0 && out[out.length - 1].length + word.length + 1 <= width) out[out.length - 1] += ` ${word}`;
    else out.push(word);
  }
  return out;
}

/** The usage lines of one invocation (`pulumi-intune review`, `pulumi-intune-emulator`). */
function invocationUsage(invocation: string, spec: CommandSpec): string[] {
  const pos = spec.positionals.map((p) => (p.optional ? `[${p.name}${p.variadic ? " …" : ""}]` : p.name));
  const lines = [`  ${[invocation, ...pos, ...Object.entries(spec.options).map(([n, o]) => optionUsage(n, o))].join(" ")}`];
  for (const l of wrap(spec.summary, 96)) lines.push(`      ${l}`);
  for (const p of spec.positionals) lines.push(`      ${p.name.padEnd(22)} ${p.help}`);
  for (const [n, o] of Object.entries(spec.options)) lines.push(`      ${`--${n}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`.padEnd(22)} ${o.help}${o.default ? ` (default ${o.default})` : ""}`);
  return lines;
}

/** The usage text, from the table (all commands, or one). */
export function usageText(table: Readonly<Record<string, CommandSpec>>, only?: string): string {
  const lines = ["usage:"];
  for (const [name, spec] of Object.entries(table)) if (!only || name === only) lines.push(...invocationUsage(`pulumi-intune ${name}`, spec));
  lines.push("  pulumi-intune --help | <command> --help");
  return lines.join("\n");
}

/** The usage text of a binary without subcommands. */
export function binaryUsageText(program: string, spec: CommandSpec): string {
  return ["usage:", ...invocationUsage(program, spec), `  ${program} --help`].join("\n");
}
