// Runs one of the package's binaries from the sources (ts-node, transpile-only), never from dist/:
// unit and integration tests must test the code in the working tree, not a stale build.
import * as path from "path";
import { type ProcessResult, runNodeProcess } from "./processes";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The node arguments that run `relativeTs` (e.g. "cli/bin.ts") from the sources, followed by `args`. */
export function sourceBinArgs(relativeTs: string, args: string[] = []): string[] {
  return ["-r", require.resolve("ts-node/register/transpile-only"), path.join(REPO_ROOT, relativeTs), ...args];
}

/**
 * The environment for such a process: ts-node looks for tsconfig.json from the working directory, and
 * tests run binaries in temporary directories.
 */
export function sourceBinEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") };
}

/** Runs `pulumi-intune` (cli/bin.ts from the sources) to its end. */
export function runSourceCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<ProcessResult> {
  return runNodeProcess(sourceBinArgs("cli/bin.ts", args), { env: sourceBinEnv(opts.env), input: opts.input, cwd: opts.cwd });
}
