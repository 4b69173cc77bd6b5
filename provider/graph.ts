// Microsoft Graph access: @azure/identity credentials + the Graph client's own middleware chain
// (auth -> retry honouring Retry-After -> our limiter -> transport). Built lazily inside provider
// methods, never at module scope, so nothing of it is captured in the serialized provider.
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from "@azure/identity";
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
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { customGraphHosts, type IntuneProviderSettings } from "./config";
import { GraphRequestError, isGraphRequestError } from "./errors";
import { type Clock, type RequestLimits, RequestLimiter, isWriteMethod, sharedLimiter, systemClock } from "./limiter";

/** Tuning of {@link GraphApi}. */
export interface GraphApiOptions {
  /** Retries of 429/503/504 by the Graph client's RetryHandler (Retry-After honoured). @default 8 */
  readonly maxRetries?: number;
  /** Base delay of RetryHandler's backoff when no Retry-After is given. @default 1000 */
  readonly retryDelayInMs?: number;
  /** Retries of idempotent requests whose connection failed before a response. @default 3 */
  readonly maxNetworkRetries?: number;
  /** Request budget shared by the process. @default Intune's published limits */
  readonly limits?: RequestLimits;
  /** Use this credential instead of building one from the settings (tests, custom auth). */
  readonly credential?: TokenCredential;
  readonly clock?: Clock;
}

/** Limiter middleware: waits for a slot of the process-wide budget before each send (retries included). */
class LimiterHandler implements Middleware {
  private next?: Middleware;
  constructor(private readonly limiter: RequestLimiter) {}
  async execute(context: Context): Promise<void> {
    await this.limiter.acquire((context.options?.method ?? "GET").toUpperCase());
    return this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Retries idempotent requests whose connection broke before any response (RetryHandler only looks at
 * status codes). POST is never retried here: a create whose response was lost is recovered by the caller.
 */
class NetworkRetryHandler implements Middleware {
  private next?: Middleware;
  constructor(private readonly maxRetries: number, private readonly clock: Clock) {}
  async execute(context: Context): Promise<void> {
    const method = (context.options?.method ?? "GET").toUpperCase();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.next!.execute(context);
      } catch (e) {
        if (method === "POST" || attempt >= this.maxRetries || !isConnectionError(e)) throw e;
        await this.clock.sleep(200 * 2 ** attempt);
      }
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** fetch failed without an HTTP response (reset, refused, closed). */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const cause = (e as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (e as { code?: string }).code;
  return (
    e.name === "TypeError" && /fetch failed/i.test(e.message) ||
    ["ECONNRESET", "ECONNREFUSED", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(code ?? "")
  );
}

/** Builds the credential: a client secret when configured, otherwise DefaultAzureCredential. */
export function createCredential(settings: IntuneProviderSettings): TokenCredential {
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

  constructor(readonly settings: IntuneProviderSettings, options: GraphApiOptions = {}) {
    const clock = options.clock ?? systemClock;
    const credential = options.credential ?? createCredential(settings);
    const auth = new AuthenticationHandler(
      new TokenCredentialAuthenticationProvider(credential, { scopes: [`${settings.graphEndpoint}/.default`] }),
    );
    const retry = new RetryHandler(
      new RetryHandlerOptions(Math.max(1, Math.round((options.retryDelayInMs ?? 1000) / 1000)), options.maxRetries ?? 8),
    );
    const network = new NetworkRetryHandler(options.maxNetworkRetries ?? 3, clock);
    const limiter = options.limits
      ? new RequestLimiter(options.limits, clock)
      : sharedLimiter(`${settings.tenantId}|${settings.clientId}|${settings.graphEndpoint}`);
    const chain: Middleware[] = [auth, retry, network, new LimiterHandler(limiter), new HTTPMessageHandler()];
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
      throw toGraphRequestError(e, method, path);
    }
  }

  /** GET; `undefined` when the object does not exist (404). */
  async get<T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}): Promise<T | undefined> {
    try {
      return await this.call("GET", path, () => this.client.api(path).headers(headers).get());
    } catch (e) {
      if (isGraphRequestError(e) && e.statusCode === 404) return undefined;
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
  async list<T = Record<string, unknown>>(path: string, query: { filter?: string; top?: number } = {}): Promise<T[]> {
    return this.call("GET", path, async () => {
      let request = this.client.api(path);
      if (query.filter) request = request.filter(query.filter);
      if (query.top) request = request.top(query.top);
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
      if (isGraphRequestError(e) && e.statusCode === 404) return false;
      throw e;
    }
  }

  /** Runs GETs through `$batch`, 20 per request; returns status and body per id. */
  async batchGet(
    requests: readonly { id: string; path: string; headers?: Record<string, string> }[],
  ): Promise<Map<string, { status: number; body: unknown }>> {
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
