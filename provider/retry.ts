// The one retry policy of the Graph client, as one middleware placed first in the chain (every retry
// goes through the limiter, the token and the transport again). It replaces the Graph client's
// RetryHandler (429/503/504 only, seconds-based, no connection errors, nothing inside `$batch`).
import { type Context, GraphClientError, type Middleware } from "@microsoft/microsoft-graph-client";
import { GraphRequestError, isGraphRequestError } from "./errors";
import { type Clock, systemClock } from "./limiter";

/** Bounds and pacing of {@link RetryPolicyHandler}. */
export interface RetryPolicyOptions {
  /** Attempts per request, the first one included (1 = never retry). @default 8 */
  readonly maxAttempts?: number;
  /** No retry is started when it would end later than this after the first attempt began. @default 180000 */
  readonly maxRetryElapsedInMs?: number;
  /** First backoff step when the answer has no `Retry-After` (Intune sometimes omits it); doubles per attempt. @default 1000 */
  readonly baseDelayInMs?: number;
  /** Ceiling of one backoff step. A `Retry-After` is honoured even above it. @default 30000 */
  readonly maxDelayInMs?: number;
}

/** What the policy needs from its surroundings. */
export interface RetryPolicyHooks {
  readonly clock?: Clock;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** A 429 said to wait this long (`inBatch`: sub-requests of a `$batch` of reads were throttled). */
  readonly onThrottled?: (delayInMs: number, inBatch: boolean) => void;
  /** Graph rejected this `Authorization` value as expired: the next token must be a fresh one. */
  readonly onTokenExpired?: (authorization: string | undefined) => void;
}

export const defaultRetryPolicy: Required<RetryPolicyOptions> = {
  maxAttempts: 8,
  maxRetryElapsedInMs: 180_000,
  baseDelayInMs: 1000,
  maxDelayInMs: 30_000,
};

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
/** Transient statuses, for idempotent requests. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/**
 * Statuses that prove the service refused a request before doing any work, so even a create may be
 * sent again: Graph answers 429 at its throttling gate, before the request reaches Intune, and a 503
 * that comes back as a response (not a dropped connection) is the front door turning it away. A 500,
 * 502 or 504 may come after the commit, and a dropped connection says nothing at all.
 */
const POST_RETRY_STATUSES = new Set([429, 503]);

/** fetch failed without an HTTP response (reset, refused, closed). */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const cause = (e as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (e as { code?: string }).code;
  return (
    (e.name === "TypeError" && /fetch failed/i.test(e.message)) ||
    ["ECONNRESET", "ECONNREFUSED", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(code ?? "")
  );
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `nowInMs`; undefined when absent or unreadable. */
export function parseRetryAfterInMs(value: string | null | undefined, nowInMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowInMs);
}

/** One sub-request of a `$batch` body, as BatchRequestContent writes it. */
export interface BatchSubRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly dependsOn?: readonly string[];
  readonly [key: string]: unknown;
}

/** The request URL of a middleware context. */
export function contextUrl(context: Context): string {
  return typeof context.request === "string" ? context.request : context.request.url;
}

export function contextMethod(context: Context): string {
  return (context.options?.method ?? (typeof context.request === "string" ? "GET" : context.request.method) ?? "GET").toUpperCase();
}

/** The sub-requests when the context is a `POST …/$batch` with a readable JSON body. */
export function batchSubRequests(context: Context): BatchSubRequest[] | undefined {
  if (contextMethod(context) !== "POST" || !/\/\$batch(\?|$)/.test(new URL(contextUrl(context)).pathname + "?")) return undefined;
  const body = context.options?.body;
  if (typeof body !== "string") return undefined;
  try {
    const parsed = JSON.parse(body) as { requests?: unknown };
    return Array.isArray(parsed.requests) ? (parsed.requests as BatchSubRequest[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A body that fetch can send twice (a stream is consumed by the first send). */
function isResendable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === "string" || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof URLSearchParams;
}

function requestHeader(context: Context, name: string): string | undefined {
  const headers = context.options?.headers;
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (Array.isArray(headers)) return headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const record = headers as Record<string, string>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

type RequestHeaders = NonNullable<Context["options"]>["headers"];

function withoutHeader(headers: RequestHeaders, name: string): RequestHeaders {
  if (!headers) return headers;
  const lower = name.toLowerCase();
  if (headers instanceof Headers) {
    const copy = new Headers(headers);
    copy.delete(name);
    return copy;
  }
  if (Array.isArray(headers)) return headers.filter(([k]) => k.toLowerCase() !== lower);
  return Object.fromEntries(Object.entries(headers as Record<string, string>).filter(([k]) => k.toLowerCase() !== lower));
}

/** The path as callers know it: without host and Graph version. */
function graphPath(url: string): string {
  const u = new URL(url);
  return decodeURIComponent(u.pathname.replace(/^\/(beta|v1\.0)(?=\/)/i, "") + u.search);
}

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: Record<string, unknown> };
}

async function readErrorBody(response: Response): Promise<GraphErrorBody["error"] | undefined> {
  try {
    const parsed = JSON.parse(await response.clone().text()) as GraphErrorBody;
    return parsed && typeof parsed === "object" ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function subHeader(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const entry = Object.entries(headers as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry === undefined ? undefined : String(entry[1]);
}

/** The policy gave up (or the answer was final): carries the {@link GraphRequestError}, which GraphApi unwraps. */
export function failureOf(e: unknown): GraphRequestError | undefined {
  if (e instanceof GraphClientError && isGraphRequestError(e.customError)) return e.customError;
  return undefined;
}

function fail(error: GraphRequestError): never {
  // The Graph client passes a GraphClientError through untouched; anything else it rewraps as GraphError.
  const wrapper = new GraphClientError(error.message);
  wrapper.customError = error;
  throw wrapper;
}

interface SubResponse {
  readonly id: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * Retries transient failures of idempotent requests (429, 500, 502, 503, 504 and dropped connections),
 * a create only on 429 or a 503 response, GET sub-requests of a `$batch` that answered 429/5xx (sent
 * again as a smaller batch), and once a request whose token expired. Waits for `Retry-After` (seconds or
 * date), otherwise a jittered exponential backoff; stops at `maxAttempts` or `maxRetryElapsedInMs`.
 * Every error response ends as a {@link GraphRequestError} saying how many attempts were made.
 */
export class RetryPolicyHandler implements Middleware {
  private next?: Middleware;
  private readonly options: Required<RetryPolicyOptions>;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}, private readonly hooks: RetryPolicyHooks = {}) {
    this.options = { ...defaultRetryPolicy, ...stripUndefined(options) };
    for (const [name, value] of Object.entries(this.options)) {
      if (!Number.isFinite(value) || value < (name === "maxAttempts" ? 1 : 0)) {
        throw new RangeError(`retry option ${name} must be a number >= ${name === "maxAttempts" ? 1 : 0}, got ${value}`);
      }
    }
    this.clock = hooks.clock ?? systemClock;
    this.random = hooks.random ?? Math.random;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  /** Backoff of the n-th retry (1-based): equal jitter, so a retry never comes right on the heels of the failure. */
  backoffInMs(retry: number): number {
    const step = Math.min(this.options.maxDelayInMs, this.options.baseDelayInMs * 2 ** (retry - 1));
    return step / 2 + this.random() * (step / 2);
  }

  async execute(context: Context): Promise<void> {
    const method = contextMethod(context);
    const path = graphPath(contextUrl(context));
    const started = this.clock.now();
    const batch = batchSubRequests(context);
    const batchOfReads = batch !== undefined && batch.length > 0 && batch.every((r) => String(r.method).toUpperCase() === "GET");
    const idempotent = IDEMPOTENT_METHODS.has(method) || batchOfReads;
    const resendable = isResendable(context.options?.body);
    // Sub-responses already final, by id, when a batch is being re-sent in part.
    const settled = new Map<string, SubResponse>();
    let tokenRefreshed = false;
    let retries = 0;

    for (let attempt = 1; ; attempt++) {
      const elapsed = (): number => this.clock.now() - started;
      /** The wait before the next attempt, or undefined when the budget forbids another one. */
      const nextDelay = (delayInMs: number): number | undefined =>
        retries + 1 >= this.options.maxAttempts || elapsed() + delayInMs > this.options.maxRetryElapsedInMs ? undefined : delayInMs;
      const report = { method, path, attempts: attempt, elapsedInMs: elapsed() };

      let thrown: unknown;
      let threw = false;
      context.response = undefined;
      // The auth handler appends to an existing Authorization header; each attempt gets exactly one, and a fresh one.
      context.options = { ...context.options, headers: withoutHeader(context.options?.headers, "Authorization") };
      try {
        await this.next!.execute(context);
      } catch (e) {
        thrown = e;
        threw = true;
      }
      report.elapsedInMs = elapsed();

      if (threw) {
        if (!isConnectionError(thrown)) throw thrown;
        const delay = idempotent && resendable ? nextDelay(this.backoffInMs(retries + 1)) : undefined;
        if (delay === undefined) fail(connectionError(thrown, report, idempotent));
        retries++;
        await this.clock.sleep(delay);
        continue;
      }

      const response = context.response as Response | undefined;
      if (!response) return;

      if (response.status === 401 && !tokenRefreshed) {
        const error = await readErrorBody(response);
        if (error?.code === "InvalidAuthenticationToken" && /expired/i.test(error.message ?? "")) {
          // The service checks the token before doing anything, so any method may be sent again, once.
          tokenRefreshed = true;
          this.hooks.onTokenExpired?.(requestHeader(context, "Authorization"));
          await discard(response);
          continue;
        }
      }

      if (response.ok) {
        if (!batchOfReads) return;
        const pending = await this.settleBatch(context, response, batch!, settled);
        if (pending === undefined) return;
        const delay = nextDelay(pending.retryAfterInMs ?? this.backoffInMs(retries + 1));
        if (pending.throttled) this.hooks.onThrottled?.(pending.retryAfterInMs ?? this.backoffInMs(retries + 1), true);
        if (delay === undefined) {
          // Out of budget: the last answers are final, errors included.
          for (const sub of pending.responses) settled.set(sub.id, sub);
          context.response = batchResponse(response, batch!, settled);
          return;
        }
        retries++;
        context.options = { ...context.options, body: JSON.stringify({ requests: batch!.filter((r) => pending.ids.has(r.id)) }) };
        await this.clock.sleep(delay);
        continue;
      }

      const retryable = resendable && (idempotent ? RETRY_STATUSES : POST_RETRY_STATUSES).has(response.status);
      const retryAfterInMs = parseRetryAfterInMs(response.headers.get("retry-after"), this.clock.now());
      const wanted = retryAfterInMs ?? this.backoffInMs(retries + 1);
      if (response.status === 429) this.hooks.onThrottled?.(wanted, false);
      const delay = retryable ? nextDelay(wanted) : undefined;
      if (delay === undefined) fail(await statusError(response, report));
      retries++;
      await discard(response);
      await this.clock.sleep(delay);
    }
  }

  /**
   * Records the final sub-responses of a batch answer. Returns the GET sub-requests to send again
   * (429/5xx) with the longest `Retry-After` among them, or undefined when all are final (and then
   * `context.response` holds the whole answer).
   */
  private async settleBatch(
    context: Context,
    response: Response,
    batch: readonly BatchSubRequest[],
    settled: Map<string, SubResponse>,
  ): Promise<{ ids: Set<string>; responses: SubResponse[]; retryAfterInMs?: number; throttled: boolean } | undefined> {
    let parsed: { responses?: SubResponse[] };
    try {
      parsed = JSON.parse(await response.clone().text()) as { responses?: SubResponse[] };
    } catch {
      return undefined;
    }
    const responses = Array.isArray(parsed.responses) ? parsed.responses : [];
    // A dependent sub-request cannot be re-sent without the one it depends on; leave such batches alone.
    const independent = batch.every((r) => !r.dependsOn || r.dependsOn.length === 0);
    const again = independent ? responses.filter((r) => RETRY_STATUSES.has(r.status)) : [];
    for (const sub of responses) if (!again.includes(sub)) settled.set(sub.id, sub);
    if (again.length === 0) {
      if (settled.size > responses.length) context.response = batchResponse(response, batch, settled);
      return undefined;
    }
    let retryAfterInMs: number | undefined;
    for (const sub of again) {
      const ms = parseRetryAfterInMs(subHeader(sub.headers, "retry-after"), this.clock.now());
      if (ms !== undefined) retryAfterInMs = Math.max(retryAfterInMs ?? 0, ms);
    }
    return { ids: new Set(again.map((r) => r.id)), responses: again, retryAfterInMs, throttled: again.some((r) => r.status === 429) };
  }
}

/** The merged answer of a batch sent in parts, in the order of the original requests. */
function batchResponse(last: Response, batch: readonly BatchSubRequest[], settled: Map<string, SubResponse>): Response {
  const responses = batch.map((r) => settled.get(r.id)).filter((r): r is SubResponse => r !== undefined);
  const headers = new Headers(last.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ responses }), { status: 200, headers });
}

async function discard(response: Response): Promise<void> {
  // An unread body keeps the connection busy.
  await response.arrayBuffer().catch(() => undefined);
}

interface AttemptReport {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly elapsedInMs: number;
}

async function statusError(response: Response, report: AttemptReport): Promise<GraphRequestError> {
  const error = await readErrorBody(response);
  const inner = error?.innerError;
  const innerId = inner?.["request-id"] ?? inner?.requestId;
  const requestId = response.headers.get("request-id") ?? (typeof innerId === "string" ? innerId : undefined);
  const statusText = response.statusText || undefined;
  return new GraphRequestError({
    statusCode: response.status,
    code: error?.code || statusText?.replace(/\s+/g, ""),
    requestId: requestId ?? undefined,
    ...report,
    serviceMessage: error?.message || undefined,
  });
}

function connectionError(e: unknown, report: AttemptReport, idempotent: boolean): GraphRequestError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.message ?? (e as Error).message;
  return new GraphRequestError({
    statusCode: 0,
    code: cause?.code ?? "NetworkError",
    ...report,
    serviceMessage: idempotent
      ? `no response from Microsoft Graph (${detail})`
      : `no response from Microsoft Graph (${detail}); the request may have been carried out, so it was not sent again`,
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
