// Starts the emulator's bin as its own process, as users run it (through ts-node, from the sources).
import { type ChildProcess, spawn } from "child_process";
import type { EmulatorInfo } from "./emulatorClient";
import { REPO_ROOT, sourceBinArgs, sourceBinEnv } from "./sourceBin";

export { REPO_ROOT };

/** Resolves with the child and the JSON line it prints when ready, or rejects with its exit code and stderr. */
export function startBin(args: string[]): Promise<{ child: ChildProcess; info: EmulatorInfo }> {
  const child = spawn(process.execPath, sourceBinArgs("emulator/bin.ts", args), { cwd: REPO_ROOT, env: sourceBinEnv(), stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}: ${err}`)));
  });
}
