// JSON `$batch`: up to 20 sub-requests, each run through the same pipeline stages as a top-level request
// (authenticate, validate, faults and throttles, handler, serializer), in order, honouring `dependsOn`.
import * as crypto from "crypto";
import { type EmulatorHttpError, GraphErrorFactory } from "../errors";
import { normalizeKeySegments } from "./paths";
import { requireBody } from "./query";
import { type EmulatorRequest, type EmulatorResponse, type LoggedRequest, type Outcome, type Route, json } from "./types";

/** What the batch handler needs from the server. */
export interface BatchHost {
  /** Adds a sub-request to the request log. */
  record(sub: EmulatorRequest, batchRequestId: string): LoggedRequest;
  /** Runs a sub-request through the pipeline with the batch's own authorization. */
  run(sub: EmulatorRequest, authorization: string | undefined): Promise<Outcome>;
  /** Renders an error through the one error factory. */
  errorResponse(err: EmulatorHttpError, req: EmulatorRequest): EmulatorResponse;
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  dependsOn?: string[];
}

function validateBatch(body: Record<string, unknown>): BatchItem[] {
  if (!Array.isArray(body.requests)) throw GraphErrorFactory.batchInvalid("the body must be {\"requests\": [...]}");
  const items = body.requests as Record<string, unknown>[];
  if (items.length === 0) throw GraphErrorFactory.batchInvalid("the batch contains no requests");
  if (items.length > 20) throw GraphErrorFactory.batchTooLarge(items.length);
  const ids = new Set<string>();
  for (const item of items) {
    if (!item || typeof item !== "object") throw GraphErrorFactory.batchInvalid("each request must be an object");
    if (typeof item.id !== "string" || !item.id) throw GraphErrorFactory.batchInvalid("each request needs a string 'id'");
    if (ids.has(item.id)) throw GraphErrorFactory.batchInvalid(`the request id '${item.id}' is used more than once`);
    if (typeof item.method !== "string" || typeof item.url !== "string") throw GraphErrorFactory.batchInvalid(`request '${item.id}' needs 'method' and 'url'`);
    const deps = item.dependsOn;
    if (deps !== undefined && (!Array.isArray(deps) || deps.some((d) => typeof d !== "string" || !ids.has(d)))) {
      throw GraphErrorFactory.batchInvalid(`request '${item.id}' depends on an unknown or later request`);
    }
    ids.add(item.id);
  }
  return items as unknown as BatchItem[];
}

function subRequest(item: BatchItem, version: string, parent: EmulatorRequest): EmulatorRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let url = item.url.startsWith("/") ? item.url : `/${item.url}`;
  if (!/^\/(beta|v1\.0)\//.test(url)) url = `/${version}${url}`;
  const parsed = new URL(url, "https://127.0.0.1");
  return {
    method: item.method.toUpperCase(),
    path: normalizeKeySegments(parsed.pathname),
    query: parsed.searchParams,
    pathAndQuery: url,
    headers,
    bodyText: item.body === undefined ? "" : typeof item.body === "string" ? item.body : JSON.stringify(item.body),
    body: item.body,
    requestId: crypto.randomUUID(),
    clientRequestId: headers["client-request-id"] ?? parent.clientRequestId,
  };
}

export function batchRoutes(host: BatchHost): Route[] {
  return [
    {
      name: "batch",
      family: "batch",
      method: "POST",
      pattern: /^\/\$batch$/,
      versions: ["beta", "v1.0"],
      // The batch needs a valid token like any Graph call; throttles count its sub-requests, not the batch.
      authenticate: true,
      write: false,
      validate: (ctx) => {
        ctx.validated = validateBatch(requireBody(ctx));
      },
      handle: async (ctx) => {
        // Graph runs the sub-requests of a batch in no fixed order, side by side, unless `dependsOn`
        // orders them (JSON batching docs); a sub-request starts when what it depends on has answered.
        const statusById = new Map<string, Promise<number>>();
        let resetAfter = false;
        const answers = (ctx.validated as BatchItem[]).map((item) => {
          const sub = subRequest(item, ctx.version, ctx.req);
          const entry = host.record(sub, item.id);
          const answer = (async () => {
            const statuses = await Promise.all((item.dependsOn ?? []).map(async (d) => [d, await statusById.get(d)!] as const));
            const failed = statuses.find(([, status]) => status >= 400)?.[0];
            const outcome: Outcome =
              failed !== undefined
                ? { response: host.errorResponse(GraphErrorFactory.failedDependency(failed), sub), faults: [] }
                : await host.run(sub, ctx.req.headers.authorization);
            if (outcome.reset) resetAfter = true;
            // A sub-request "reset before" never ran; inside a batch that surfaces as a 503 for it.
            const response = outcome.reset === "before" ? host.errorResponse(GraphErrorFactory.serviceUnavailable(), sub) : outcome.response;
            entry.status = response.status;
            if (outcome.faults.length) entry.fault = outcome.faults.join(",");
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(response.headers)) headers[k === "content-type" ? "Content-Type" : k === "retry-after" ? "Retry-After" : k] = v;
            const out: Record<string, unknown> = { id: item.id, status: response.status, headers };
            if (response.body !== undefined) out.body = response.body;
            else if (response.text !== undefined) out.body = response.text;
            return out;
          })();
          statusById.set(item.id, answer.then((o) => o.status as number));
          return answer;
        });
        const responses = await Promise.all(answers);
        const result = json(200, { responses });
        if (resetAfter) result.dropConnection = true;
        return result;
      },
    },
  ];
}
