// Shared set-up for the emulator's integration tests: an in-process server on port 0 and a raw client.
import { createServer, type EmulatorOptions, type EmulatorServer } from "../../../emulator";
import { EmulatorClient } from "../../support/emulatorClient";

export interface Harness {
  server: EmulatorServer;
  client: EmulatorClient;
  token: string;
  /** Graph call with a cached token; `path` is relative to /beta. */
  graph(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const server = createServer(options);
  const info = await server.start();
  const client = new EmulatorClient(info);
  const h: Harness = {
    server,
    client,
    token: await client.token(),
    graph: (method, path, body, headers = {}) => client.request(method, `/beta${path}`, body, { authorization: `Bearer ${h.token}`, ...headers }),
  };
  return h;
}

export const IOS = "#microsoft.graph.iosEasEmailProfileConfiguration";

export function iosProfile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": IOS,
    displayName: "iOS mail",
    hostName: "outlook.office365.com",
    accountName: "Corporate mail",
    durationOfEmailToSync: "oneMonth",
    emailAddressSource: "primarySmtpAddress",
    requireSsl: true,
    easServices: "email,calendars,contacts",
    ...extra,
  };
}

export function assertGraphError(r: { status: number; body: any; headers?: Record<string, unknown> }, status: number, code: string, message?: RegExp): void {
  if (r.status !== status || r.body?.error?.code !== code || (message && !message.test(r.body.error.message))) {
    throw new Error(`expected ${status} ${code} ${message ?? ""}, got ${r.status} ${JSON.stringify(r.body)}`);
  }
  const inner = r.body.error.innerError;
  if (!inner?.["request-id"] || !inner?.date || !inner?.["client-request-id"]) throw new Error(`innerError incomplete: ${JSON.stringify(r.body)}`);
}
