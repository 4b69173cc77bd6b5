// Microsoft Graph access: @azure/identity credentials + the Graph client's own middleware chain
// (one retry policy -> our limiter -> auth -> transport). Built lazily in the provider process on first
// use, never at module scope, so a preview without Graph calls pays nothing for it.
import { createHash } from "crypto";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  AuthenticationHandler,
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  PageIterator,
  type PageCollection,
  ResponseType,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { customGraphHosts, type IntuneProviderSettings } from "./config";
import { GraphRequestError, isGraphRequestError, isNotFound } from "./errors";
import { processCache } from "./processCache";
import { type Clock, type RequestAnswer, type RequestLimits, RequestLimiter, batchCost, costOf, isWriteMethod, sharedLimiter, systemClock } from "./limiter";
import { RetryPolicyHandler, type RetryPolicyOptions, batchSubRequests, contextMethod, failureOf, isConnectionError, parseRetryAfterInMs } from "./retry";

export { isConnectionError };

/** Tuning of {@link GraphApi}: the retry policy's bounds plus the budget and the credential. */
export interface GraphApiOptions extends RetryPolicyOptions {
  /** Request budget. @default Intune's published limits, one limiter per app, tenant and endpoint in the process */
  readonly limits?: RequestLimits;
  /** Use this credential instead of building one from the settings (tests, custom auth). */
  readonly credential?: TokenCredential;
  readonly clock?: Clock;
  /** Jitter source of the backoff, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** How long a coalesced read waits for others to share its `$batch`. @default 20 */
  readonly coalesceWindowInMs?: number;
}

/** Limiter middleware: holds slots of the budget from each send (retries included) until its answer. */
class LimiterHandler implements Middleware {
  private next?: Middleware;
  constructor(private readonly limiter: RequestLimiter) {}
  async execute(context: Context): Promise<void> {
    const batch = batchSubRequests(context);
    const cost = batch ? batchCost(batch.map((r) => String(r.method))) : costOf(contextMethod(context));
    const permit = await this.limiter.acquire(cost);
    let answer: RequestAnswer | undefined;
    try {
      await this.next!.execute(context);
      const response = context.response as Response | undefined;
      if (response) answer = { status: response.status, retryAfterInMs: parseRetryAfterInMs(response.headers.get("retry-after"), Date.now()) };
    } finally {
      // A 429 is learned from here, before the slot frees (see limiter.ts); sub-requests' 429s of a
      // read $batch reach the limiter through the retry policy's `onThrottled`.
      permit.release(answer);
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * One token request at a time per credential, and the token shared until it nears expiry. MSAL caches
 * too, but concurrent first calls each go to the token endpoint, and its cache renews only within 5
 * minutes of expiry, so a token the service already calls expired (clock skew) would come back again.
 */
export class SharedTokenCredential implements TokenCredential {
  private readonly tokens = new Map<string, { token: AccessToken; obtainedAt: number }>();
  private readonly pending = new Map<string, Promise<AccessToken | null>>();

  constructor(readonly inner: TokenCredential, private readonly now: () => number = Date.now) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = [scopes].flat().join(" ");
    const cached = this.tokens.get(key);
    if (cached && !this.stale(cached)) return cached.token;
    let request = this.pending.get(key);
    if (!request) {
      const obtainedAt = this.now();
      request = this.inner
        .getToken(scopes, options)
        .then((token) => {
          if (token) this.tokens.set(key, { token, obtainedAt });
          return token;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    return request;
  }

  /** Graph rejected this token as expired: forget it, so the next caller fetches a fresh one. */
  invalidate(token: string | undefined): void {
    for (const [key, entry] of this.tokens) if (token === undefined || entry.token.token === token) this.tokens.delete(key);
  }

  private stale({ token, obtainedAt }: { token: AccessToken; obtainedAt: number }): boolean {
    const now = this.now();
    if (token.refreshAfterTimestamp !== undefined && now >= token.refreshAfterTimestamp) return true;
    // Renew ahead of expiry: 5 minutes, or half the lifetime of a short-lived token.
    const marginInMs = Math.min(300_000, (token.expiresOnTimestamp - obtainedAt) / 2);
    return now >= token.expiresOnTimestamp - marginInMs;
  }
}

/** The process's one shared credential for these settings (or for this credential object), see processCache.ts. */
export function sharedCredential(settings: IntuneProviderSettings, credential?: TokenCredential): SharedTokenCredential {
  if (credential) {
    if (credential instanceof SharedTokenCredential) return credential;
    let shared = processCache.credentialsByObject.get(credential);
    if (!shared) processCache.credentialsByObject.set(credential, (shared = new SharedTokenCredential(credential)));
    return shared;
  }
  // The secret is part of the key (hashed), so a rotated secret gets a new credential.
  const secret = settings.clientSecret ? createHash("sha256").update(settings.clientSecret).digest("hex") : "";
  const key = [settings.tenantId, settings.clientId, settings.authorityHost, settings.graphEndpoint, secret].join("|");
  let shared = processCache.credentialsBySettings.get(key);
  if (!shared) processCache.credentialsBySettings.set(key, (shared = new SharedTokenCredential(onFirstToken(() => createCredential(settings)))));
  return shared;
}

/**
 * A credential built on its first token request: a preview without Graph calls never loads
 * @azure/identity (a tenth of a second of the provider's start, which every preview waits for).
 */
function onFirstToken(build: () => TokenCredential): TokenCredential {
  let inner: TokenCredential | undefined;
  return { getToken: (scopes, options) => (inner ??= build()).getToken(scopes, options) };
}

/** Builds the credential: a client secret when configured, otherwise DefaultAzureCredential. */
export function createCredential(settings: IntuneProviderSettings): TokenCredential {
  const { ClientSecretCredential, DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  const custom = !/login\.(microsoftonline\.(com|us)|chinacloudapi\.cn)$/i.test(new URL(settings.authorityHost).hostname);
  if (settings.clientSecret) {
    return new ClientSecretCredential(settings.tenantId!, settings.clientId!, settings.clientSecret, {
      authorityHost: settings.authorityHost,
      // Instance discovery asks Microsoft's public endpoint about the authority; a private one (the emulator) has none.
      disableInstanceDiscovery: custom,
    });
  }
  return new DefaultAzureCredential({
    tenantId: settings.tenantId,
    managedIdentityClientId: settings.clientId,
    workloadIdentityClientId: settings.clientId,
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: custom,
  });
}

/** The Graph calls the resources need, all against Graph beta, with errors as {@link GraphRequestError}. */
export class GraphApi {
  readonly client: Client;

  readonly limiter: RequestLimiter;
  readonly credential: SharedTokenCredential;

  private readonly coalesceWindowInMs: number;

  constructor(readonly settings: IntuneProviderSettings, options: GraphApiOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.coalesceWindowInMs = options.coalesceWindowInMs ?? 20;
    this.credential = sharedCredential(settings, options.credential);
    const auth = new AuthenticationHandler(
      new TokenCredentialAuthenticationProvider(this.credential, { scopes: [`${settings.graphEndpoint}/.default`] }),
    );
    const limiter = (this.limiter = options.limits
      ? new RequestLimiter(options.limits, clock)
      : sharedLimiter(`${settings.tenantId}|${settings.clientId}|${settings.graphEndpoint}`));
    const { maxAttempts, maxRetryElapsedInMs, baseDelayInMs, maxDelayInMs } = options;
    const retry = new RetryPolicyHandler({ maxAttempts, maxRetryElapsedInMs, baseDelayInMs, maxDelayInMs }, {
      clock,
      random: options.random,
      // A plain request's 429 was learned by the limiter handler already (writes hold only writes).
      onThrottled: (delayInMs, inBatch) => {
        if (inBatch) limiter.pause(delayInMs);
      },
      onTokenExpired: (authorization) => this.credential.invalidate(authorization?.replace(/^Bearer\s+/i, "")),
    });
    // The limiter waits before the token is attached, so a long wait never sends a token that expired meanwhile.
    const chain: Middleware[] = [retry, new LimiterHandler(limiter), auth, new HTTPMessageHandler()];
    for (let i = 0; i < chain.length - 1; i++) chain[i].setNext!(chain[i + 1]);
    this.client = Client.initWithMiddleware({
      middleware: chain[0],
      baseUrl: settings.graphEndpoint,
      defaultVersion: "beta",
      customHosts: customGraphHosts(settings),
    });
  }

  private async call<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw failureOf(e) ?? toGraphRequestError(e, method, path);
    }
  }

  /** GET; `undefined` when the object does not exist (404). */
  async get<T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}): Promise<T | undefined> {
    try {
      return await this.call("GET", path, () => this.client.api(path).headers(headers).get());
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** GET that must succeed (404 included as an error). */
  getRequired<T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}): Promise<T> {
    return this.call("GET", path, () => this.client.api(path).headers(headers).get());
  }

  /** GET a plain-text value, such as `$count`. */
  getText(path: string, headers: Record<string, string> = {}): Promise<string> {
    return this.call("GET", path, () => this.client.api(path).headers(headers).responseType(ResponseType.TEXT).get());
  }

  /** Every item of a collection, following `@odata.nextLink`. */
  async list<T = Record<string, unknown>>(path: string, query: { filter?: string; top?: number; expand?: string } = {}): Promise<T[]> {
    return this.call("GET", path, async () => {
      let request = this.client.api(path);
      if (query.filter) request = request.filter(query.filter);
      if (query.top) request = request.top(query.top);
      if (query.expand) request = request.expand(query.expand);
      const first: PageCollection = await request.get();
      const items: T[] = [];
      await new PageIterator(this.client, first, (item) => {
        items.push(item as T);
        return true;
      }).iterate();
      return items;
    });
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return this.call("POST", path, () => this.client.api(path).post(body));
  }

  async patch(path: string, body: unknown): Promise<void> {
    await this.call("PATCH", path, () => this.client.api(path).patch(body));
  }

  async put(path: string, body: unknown): Promise<void> {
    await this.call("PUT", path, () => this.client.api(path).put(body));
  }

  /** DELETE; an object that is already gone counts as deleted. Returns false then. */
  async delete(path: string): Promise<boolean> {
    try {
      await this.call("DELETE", path, () => this.client.api(path).delete());
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /**
   * Runs GETs through `$batch`, 20 per request; returns status and body per id. Sub-requests answered
   * 429/5xx were already sent again by the retry policy: what comes back is final.
   */
  private readonly waiting: { requests: readonly BatchGetRequest[]; resolve: (r: Map<string, BatchGetAnswer>) => void; reject: (e: unknown) => void }[] = [];
  private flushTimer?: NodeJS.Timeout;

  /**
   * GETs of concurrent callers merged into shared `$batch` round trips of at most 20: the engine reads
   * resources in parallel on refresh, and each read alone would cost a round trip (and a latency).
   * Requests wait at most `coalesceWindowInMs` for company; a caller's requests stay in one batch.
   */
  readCoalesced(requests: readonly BatchGetRequest[]): Promise<Map<string, BatchGetAnswer>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ requests, resolve, reject });
      const queued = this.waiting.reduce((n, w) => n + w.requests.length, 0);
      if (queued >= 20) this.flushCoalesced();
      else this.flushTimer ??= setTimeout(() => this.flushCoalesced(), this.coalesceWindowInMs);
    });
  }

  /**
   * A collection through {@link readCoalesced}: `undefined` on 404; a long collection (a next page) or
   * any other failure is read again the ordinary way, which pages and raises the error.
   */
  async listCoalesced<T = Record<string, unknown>>(path: string): Promise<T[] | undefined> {
    const answer = (await this.readCoalesced([{ id: "list", path }])).get("list");
    if (answer?.status === 404) return undefined;
    const body = answer?.body as { value?: T[]; "@odata.nextLink"?: string } | undefined;
    if (!answer || answer.status >= 400 || !Array.isArray(body?.value) || body?.["@odata.nextLink"]) return this.list<T>(path);
    return body!.value;
  }

  private flushCoalesced(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const entries = this.waiting.splice(0);
    // Whole callers into packs of at most 20 sub-requests (a caller with more is chunked by batchGet).
    const packs: (typeof entries)[] = [];
    let size = 0;
    for (const e of entries) {
      if (packs.length === 0 || size + e.requests.length > 20) {
        packs.push([]);
        size = 0;
      }
      packs[packs.length - 1].push(e);
      size += e.requests.length;
    }
    for (const pack of packs) {
      const merged = pack.flatMap((e, k) => e.requests.map((r) => ({ ...r, id: `${k}.${r.id}` })));
      this.batchGet(merged).then(
        (answers) =>
          pack.forEach((e, k) => {
            const mine = new Map<string, BatchGetAnswer>();
            for (const r of e.requests) {
              const a = answers.get(`${k}.${r.id}`);
              if (a) mine.set(r.id, a);
            }
            e.resolve(mine);
          }),
        (err) => pack.forEach((e) => e.reject(err)),
      );
    }
  }

  async batchGet(
    requests: readonly BatchGetRequest[],
  ): Promise<Map<string, BatchGetAnswer>> {
    const results = new Map<string, { status: number; body: unknown }>();
    for (let i = 0; i < requests.length; i += 20) {
      const chunk = requests.slice(i, i + 20);
      const content = new BatchRequestContent(
        chunk.map((r) => ({
          id: r.id,
          request: new Request(`${this.settings.graphEndpoint}/beta${r.path}`, { method: "GET", headers: r.headers }),
        })),
      );
      const raw = await this.call("POST", "/$batch", async () => this.client.api("/$batch").post(await content.getContent()));
      const parsed = new BatchResponseContent(raw);
      for (const r of chunk) {
        const response = parsed.getResponseById(r.id);
        if (!response) continue;
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // $count and other plain-text answers stay strings.
        }
        results.set(r.id, { status: response.status, body });
      }
    }
    return results;
  }
}

/** One GET of a `$batch`. */
export interface BatchGetRequest {
  readonly id: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

/** One answer of a `$batch`: status and parsed body (plain text stays a string). */
export interface BatchGetAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Converts whatever the Graph client threw into a {@link GraphRequestError}. */
export function toGraphRequestError(e: unknown, method: string, path: string): GraphRequestError {
  if (isGraphRequestError(e)) return e;
  const g = e as { statusCode?: number; code?: string; requestId?: string; message?: string; body?: unknown };
  if (isConnectionError(e) || g.statusCode === undefined || g.statusCode < 0) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new GraphRequestError({
      statusCode: 0,
      code: cause?.code ?? "NetworkError",
      method,
      path,
      serviceMessage: `no response from Microsoft Graph (${cause?.message ?? g.message ?? String(e)})`,
    });
  }
  return new GraphRequestError({
    statusCode: g.statusCode,
    code: g.code || undefined,
    requestId: g.requestId ?? undefined,
    method,
    path,
    serviceMessage: g.message || undefined,
  });
}

/** Whether an error means "the request may have been committed but we never saw the answer". */
export function isLostResponse(e: unknown): boolean {
  return isGraphRequestError(e) && e.statusCode === 0;
}

/** Whether an HTTP method changes state (used by callers that count writes). */
export { isWriteMethod };
