// Talks to the emulator's control API (/_emulator/*) and, with a token, to its Graph routes.
// Tests use it to seed state, inject faults, make out-of-band changes and read the request log.
import * as fs from "fs";
import * as https from "https";

export interface EmulatorInfo {
  graphEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** Set for `$batch` sub-requests: the id inside the batch. */
  batchRequestId?: string;
  /** Injected faults, comma-joined (`chaos:<kind>` for seeded chaos). */
  fault?: string;
}

export class EmulatorClient {
  private readonly ca: Buffer;
  constructor(readonly info: EmulatorInfo) {
    this.ca = fs.readFileSync(info.caCertPath);
  }

  /** Raw HTTPS call; JSON in and out. */
  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
    const url = new URL(path, this.info.graphEndpoint);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: { ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // plain text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
        },
      );
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async token(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.info.clientId,
      client_secret: this.info.clientSecret,
      scope: `${this.info.graphEndpoint}/.default`,
    }).toString();
    const r = await this.request("POST", `/${this.info.tenantId}/oauth2/v2.0/token`, form, { "content-type": "application/x-www-form-urlencoded" });
    if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token;
  }

  /** A Graph call with a valid token, as an admin in the portal would make it. */
  async graph(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.request(method, `/beta${path}`, body, { authorization: `Bearer ${await this.token()}` });
  }

  async state(): Promise<any> {
    return (await this.request("GET", "/_emulator/state")).body;
  }

  async requests(): Promise<LoggedRequest[]> {
    return (await this.request("GET", "/_emulator/requests")).body;
  }

  async clearRequests(): Promise<void> {
    await this.request("DELETE", "/_emulator/requests");
  }

  async injectFault(fault: Record<string, unknown>): Promise<void> {
    const r = await this.request("POST", "/_emulator/faults", fault);
    if (r.status >= 300) throw new Error(`fault injection failed: ${r.status} ${JSON.stringify(r.body)}`);
  }

  async clearFaults(): Promise<void> {
    await this.request("DELETE", "/_emulator/faults");
  }

  async reset(): Promise<void> {
    await this.request("POST", "/_emulator/reset");
  }

  /** `PUT /_emulator/config`: run-time settings (dialect, chaos, throttling, token lifetime, …). */
  async config(patch: Record<string, unknown>): Promise<{ status: number; body: any }> {
    return this.request("PUT", "/_emulator/config", patch);
  }
}
