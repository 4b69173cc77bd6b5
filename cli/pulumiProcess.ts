// Running the Pulumi CLI from our commands (drift, status, export): one way to start it and collect
// what it printed, so every command reports a failed or missing `pulumi` the same way.
import { spawn } from "child_process";

export interface PulumiRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin args…` in `cwd` with our environment; rejects only when it cannot be started at all. */
export function runPulumiProcess(bin: string, args: readonly string[], cwd: string): Promise<PulumiRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { cwd, env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => reject(new Error(`cannot run \`${bin} ${args.join(" ")}\` in ${cwd}: ${e.message}`)));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
