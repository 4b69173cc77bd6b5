// `pulumi-intune <command> …` without the process: parse strictly, run, return the exit code.
import * as fs from "fs";
import { parseCommandLine, UsageError, usageText } from "./args";
import { commands, type Io } from "./commands";

export const usage = () => usageText(commands);

/** Reads FILE, or stdin for `-` or no FILE. */
export async function readInput(file: string | undefined): Promise<{ text: string; source: string }> {
  if (file && file !== "-") return { text: fs.readFileSync(file, "utf8"), source: file };
  if (process.stdin.isTTY) throw new Error("no input: pass the file written by `pulumi preview --json > preview.json`, or pipe it in");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
}

/**
 * Exit codes: 0 ok (and --help), 1 a command line we refuse (one-line error, then the usage on stderr) or
 * input we cannot use, otherwise what the command returns (review: 3 = a gate tripped; drift: 2 = drift).
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(commands, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`pulumi-intune: ${e.message}\n\n${usageText(commands, e.command)}\n`);
    return 1;
  }
  if (parsed.help) {
    io.stdout(`${usageText(commands, parsed.command || undefined)}\n`);
    return 0;
  }
  try {
    return await commands[parsed.command].run(parsed, io);
  } catch (e) {
    // A command may refuse flag values only it can judge (fleet): the same one line and usage.
    io.stderr(`pulumi-intune: ${(e as Error).message}\n${e instanceof UsageError ? `\n${usageText(commands, e.command)}\n` : ""}`);
    return 1;
  }
}
