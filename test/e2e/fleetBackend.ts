// The shared state backend of the fleet tests: Azurite (Microsoft's Azure Storage emulator) on a free
// loopback port, a container for Pulumi's DIY `azblob://` backend, and the environment the Pulumi CLI
// needs to use it (the gocloud azureblob driver reads the account, key and endpoint from AZURE_STORAGE_*).
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

const repo = path.resolve(__dirname, "../..");

/** The storage account Azurite serves (AZURITE_ACCOUNTS), with a key made for this run. */
export const AZURITE_ACCOUNT = "fleetstate";
const AZURITE_KEY = crypto.randomBytes(64).toString("base64");
const API_VERSION = "2021-12-02";

export interface StateBackend {
  /** `azblob://<container>` */
  url: string;
  /** AZURE_STORAGE_* for the Pulumi CLI. */
  env: Record<string, string>;
  endpoint: string;
  stop(): Promise<void>;
}

/** SharedKey authorization of one Blob service request (enough for creating and listing containers). */
export function sharedKey(method: string, pathname: string, query: Record<string, string>, headers: Record<string, string>, account = AZURITE_ACCOUNT, key = AZURITE_KEY): string {
  const canonicalHeaders = Object.keys(headers)
    .filter((h) => h.startsWith("x-ms-"))
    .sort()
    .map((h) => `${h}:${headers[h]}\n`)
    .join("");
  const resource = `/${account}${pathname}${Object.keys(query)
    .sort()
    .map((k) => `\n${k}:${query[k]}`)
    .join("")}`;
  const length = headers["content-length"] && headers["content-length"] !== "0" ? headers["content-length"] : "";
  const toSign = [method, "", "", length, "", headers["content-type"] ?? "", "", "", "", "", "", ""].join("\n") + "\n" + canonicalHeaders + resource;
  return `SharedKey ${account}:${crypto.createHmac("sha256", Buffer.from(key, "base64")).update(toSign, "utf8").digest("base64")}`;
}

function request(endpoint: string, method: string, pathname: string, query: Record<string, string>): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { "x-ms-date": new Date().toUTCString(), "x-ms-version": API_VERSION, "content-length": "0" };
  // Path-style endpoint (http://127.0.0.1:port/<account>): the account is in the path, signed once more.
  const full = `/${AZURITE_ACCOUNT}${pathname}`;
  headers.authorization = sharedKey(method, full, query, headers);
  const url = new URL(endpoint + pathname);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The cached Azurite (scripts/azurite.sh installs it once). */
export function azuriteBin(): string {
  const out = execFileSync("bash", [path.join(repo, "scripts/azurite.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n");
  return out[out.length - 1];
}

/** Starts Azurite's blob service on a free loopback port with a fresh workspace and creates `container`. */
export async function startAzurite(container = "pulumi-state"): Promise<StateBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-azurite-"));
  const child: ChildProcess = spawn(azuriteBin(), ["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dir, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent", ...(process.env.AZURITE_DEBUG ? ["--debug", process.env.AZURITE_DEBUG] : [])], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AZURITE_ACCOUNTS: `${AZURITE_ACCOUNT}:${AZURITE_KEY}` },
  });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 60 s:\n${log}`)), 60_000);
    const onData = (d: Buffer) => {
      log += d;
      const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`Azurite exited with ${code}:\n${log}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const created = await request(endpoint, "PUT", `/${container}`, { restype: "container" });
  if (created.status !== 201) throw new Error(`Azurite refused to create container ${container}: ${created.status} ${created.body}`);
  return {
    url: `azblob://${container}`,
    endpoint,
    env: {
      AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT,
      AZURE_STORAGE_KEY: AZURITE_KEY,
      AZURE_STORAGE_DOMAIN: `127.0.0.1:${port}`,
      AZURE_STORAGE_PROTOCOL: "http",
      AZURE_STORAGE_IS_LOCAL_EMULATOR: "true",
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Names of the blobs under `prefix` in the container (to look at locks and state). */
export async function listBlobs(backend: StateBackend, container: string, prefix: string): Promise<string[]> {
  const r = await request(backend.endpoint, "GET", `/${container}`, { restype: "container", comp: "list", prefix });
  if (r.status !== 200) throw new Error(`listing ${container}/${prefix}: ${r.status} ${r.body}`);
  return [...r.body.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
}
