// The one way tests start an emulator. In process (unit and integration tests: `startTestEmulator`) it
// gives the server (store, configure, reset), a raw client, Graph calls with a cached token and the
// `intune:*` config that points a provider at it; as its own process (tests of the bin itself:
// `startEmulatorProcess`) it runs emulator/bin.ts from the sources, as users run it.
import { type ChildProcess, spawn } from "child_process";
import { createServer, type EmulatorOptions, type EmulatorServer } from "../../emulator";
import { EmulatorClient, type EmulatorInfo } from "./emulatorClient";
import { REPO_ROOT, sourceBinArgs, sourceBinEnv } from "./sourceBin";

export interface TestEmulator {
  info: EmulatorInfo;
  server: EmulatorServer;
  /** Control API and raw HTTPS calls. */
  client: EmulatorClient;
  /** `intune:*` keys pointing at this emulator (for resolveSettings, see providerSession.ts). */
  config: Record<string, string>;
  /** A token of the emulator's app, fetched on first use and kept. */
  token(): Promise<string>;
  /** Graph call with the kept token; `path` is relative to /beta. */
  graph(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The `intune:*` stack config that points the provider at an emulator. */
export function intuneConfigOf(info: EmulatorInfo): Record<string, string> {
  return {
    "intune:tenantId": info.tenantId,
    "intune:clientId": info.clientId,
    "intune:clientSecret": info.clientSecret,
    "intune:graphEndpoint": info.graphEndpoint,
    "intune:authorityHost": info.authorityHost,
  };
}

/**
 * An in-process emulator on 127.0.0.1, port 0, with the test CA of scripts/test.sh when it is set (the
 * CA that NODE_EXTRA_CA_CERTS makes Node trust, so the real credential and Graph client can connect).
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const caDir = process.env.PULUMI_INTUNE_TEST_CA_DIR;
  const server = createServer({ ...(caDir ? { caDir } : {}), ...options });
  const info = (await server.start()) as EmulatorInfo;
  const client = new EmulatorClient(info);
  let token: Promise<string> | undefined;
  const getToken = () => (token ??= client.token());
  return {
    info,
    server,
    client,
    config: intuneConfigOf(info),
    token: getToken,
    graph: async (method, path, body, headers = {}) => client.request(method, `/beta${path}`, body, { authorization: `Bearer ${await getToken()}`, ...headers }),
    close: () => server.close(),
  };
}

export interface EmulatorProcess {
  child: ChildProcess;
  info: EmulatorInfo;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
}

/**
 * Starts emulator/bin.ts as its own process. Resolves with the child and the connection info of the
 * first stdout line, or rejects with the exit code and stderr (or when that line is not JSON).
 */
export function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, sourceBinArgs("emulator/bin.ts", args), { cwd: REPO_ROOT, env: sourceBinEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    let settled = false;
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (settled || nl < 0) return;
      settled = true;
      try {
        resolve({ child, info: JSON.parse(out.slice(0, nl)), stdout: () => out });
      } catch (e) {
        child.kill("SIGTERM");
        reject(new Error(`the emulator's first line is not JSON connection info: ${JSON.stringify(out.slice(0, nl))} (${(e as Error).message})`));
      }
    });
    child.on("exit", (code) => {
      if (!settled) reject(new Error(`emulator exited with ${code}: ${err}`));
      settled = true;
    });
  });
}

/** Runs emulator/bin.ts to its end (for command lines it must refuse). */
export function runEmulatorProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, sourceBinArgs("emulator/bin.ts", args), { cwd: REPO_ROOT, env: sourceBinEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

/** SIGTERM, resolving with the exit code. */
export function stopEmulatorProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}
