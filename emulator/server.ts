// The emulator server: TLS listener, status state machine, and the request pipeline
// faults -> route -> validation -> auth -> throttling -> handler, shared by top-level requests and
// `$batch` sub-requests. The `/_emulator/*` control API sits beside it: no auth, not logged, not throttled.
import * as crypto from "crypto";
import * as fs from "fs";
import type * as http from "http";
import * as https from "https";
import type * as net from "net";
import * as path from "path";
import { loadGraphSchema } from "../schema/index";
import { type AccessTokenClaims, type AppRegistration, DEFAULT_GRANTED_ROLES, TokenService, requireRole } from "./auth";
import { type CertificateSet, defaultCertificates, ensureCertificates } from "./certs";
import { type EmulatorHttpError, GraphErrorFactory, isEmulatorHttpError } from "./errors";
import { type FaultRule, type FaultRuleInput, type FaultSpec, FaultQueue, parseFaults } from "./faults";
import { type EmulatorRequest, type EmulatorResponse, type EmulatorRuntimeConfig, type GraphEnvironment, type Route, type RouteContext, buildRoutes, json } from "./routes";
import { statusRoutes } from "./statusRoutes";
import { type EmulatorState, EmulatorStore, type GroupSeed, initialState } from "./store";
import { type Clock, INTUNE_THROTTLE_LIMITS, type ThrottleLimits, ThrottleWindows, systemClock } from "./throttle";
import { SchemaIndex } from "./validation";

/** What a running emulator tells its clients (also the JSON line the bin prints). */
export interface EmulatorInfo {
  /** Graph root, e.g. `https://127.0.0.1:8443` (clients append `/beta/...`). */
  readonly graphEndpoint: string;
  /** Entra ID authority host (the same server). */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM of the CA that signed the server certificate (for NODE_EXTRA_CA_CERTS). */
  readonly caCertPath: string;
}

/** Options of {@link createServer}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one, reported in {@link EmulatorInfo}. */
  readonly port?: number;
  readonly tenantId?: string;
  readonly clientId?: string;
  /** Default: generated (or the one persisted in the state file). */
  readonly clientSecret?: string;
  /** Directory with `ca.pem`/`ca-key.pem` (created if missing) so restarts keep the same CA. */
  readonly caDir?: string;
  /** JSON file loaded at start and written after every change and on close. */
  readonly statePath?: string;
  /** Initial tenant (ignored when `statePath` exists). */
  readonly initialState?: Partial<EmulatorState>;
  /** Groups of a fresh tenant instead of {@link SEEDED_GROUPS}. */
  readonly groups?: readonly GroupSeed[];
  /** @default 3600 */
  readonly tokenLifetimeInSeconds?: number;
  /** Application permissions granted to the app. @default {@link DEFAULT_GRANTED_ROLES} */
  readonly grantedRoles?: readonly string[];
  /** @default 25 */
  readonly pageSize?: number;
  /** Enforce Intune's throttles. @default false */
  readonly throttling?: boolean;
  readonly throttleLimits?: Partial<ThrottleLimits>;
  /** @default 0 */
  readonly readAfterCreate404Count?: number;
  /** Injected time (token expiry, throttle windows, timestamps). */
  readonly clock?: Clock;
  /** Largest accepted request body. @default 4 MiB */
  readonly maxBodyInBytes?: number;
  /** Most recent requests kept in the log. @default 10000 */
  readonly maxLoggedRequests?: number;
}

/** Lifecycle of {@link EmulatorServer}. */
export enum ServerStatus {
  Closed = "Closed",
  Starting = "Starting",
  Running = "Running",
  Closing = "Closing",
}

/** One entry of the request log (`GET /_emulator/requests`). */
export interface LoggedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  /** 0 when the connection was reset before any answer. */
  status: number;
  /** Parsed JSON request body, or null. */
  readonly body: unknown;
  /** ISO time the request arrived. */
  readonly time: string;
  readonly requestId: string;
  /** Injected faults, comma-joined. */
  fault?: string;
  /** Set for `$batch` sub-requests: the id inside the batch. */
  readonly batchRequestId?: string;
}

/** The default tenant and app ids (fixed so configs can be written once). */
export const DEFAULT_TENANT_ID = "7d3c5a1e-9b2f-4e8d-a6c4-1f0e2d3b4a59";
export const DEFAULT_CLIENT_ID = "3f8e2a6c-5d1b-4c7e-9a0f-8b6d4e2c1a37";

const STATE_FORMAT = "pulumi-intune-emulator-state/1";

interface PersistedFile {
  format: string;
  app: AppRegistration;
  state: EmulatorState;
}

interface Outcome {
  response: EmulatorResponse;
  /** Connection fault to apply instead of (before) or after answering. */
  reset?: "before" | "after";
  faults: readonly FaultSpec[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPersisted(file: string): PersistedFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PersistedFile;
  if (parsed.format !== STATE_FORMAT) throw new Error(`${file} is not an emulator state file (format ${String(parsed.format)})`);
  return parsed;
}

/** Rewrites OData key segments `collection('id')` / `collection(id)` to `collection/id`. */
export function normalizeKeySegments(pathname: string): string {
  return pathname.replace(/\/([A-Za-z$][A-Za-z0-9]*)\('?([^'()/]*)'?\)/g, "/$1/$2");
}

/**
 * A Graph + Entra ID emulator for Intune e-mail profiles on https://127.0.0.1.
 * Create with {@link createServer}; `start()` resolves to the connection info.
 */
export class EmulatorServer {
  /** The tenant's data; tests may seed it directly. */
  readonly store: EmulatorStore;
  /** Settings changeable at run time (also via `PUT /_emulator/config`). */
  readonly config: EmulatorRuntimeConfig;
  readonly faults = new FaultQueue();
  readonly app: AppRegistration;

  private currentStatus = ServerStatus.Closed;
  private server?: https.Server;
  private currentInfo?: EmulatorInfo;
  private certificates?: CertificateSet;
  private log: LoggedRequest[] = [];
  private readonly index: SchemaIndex;
  private readonly tokens: TokenService;
  private readonly throttle: ThrottleWindows;
  private readonly clock: Clock;
  private readonly routes: Route[] = [...buildRoutes(), ...statusRoutes];
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: EmulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.index = new SchemaIndex(loadGraphSchema());
    const persisted = options.statePath ? readPersisted(options.statePath) : undefined;
    this.app = {
      tenantId: options.tenantId ?? persisted?.app.tenantId ?? DEFAULT_TENANT_ID,
      clientId: options.clientId ?? persisted?.app.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: options.clientSecret ?? persisted?.app.clientSecret ?? `emu~${crypto.randomBytes(24).toString("base64url")}`,
    };
    this.tokens = new TokenService(this.app, this.clock);
    this.config = {
      throttling: options.throttling ?? false,
      throttleLimits: { ...INTUNE_THROTTLE_LIMITS, ...options.throttleLimits },
      readAfterCreate404Count: options.readAfterCreate404Count ?? 0,
      pageSize: options.pageSize ?? 25,
      tokenLifetimeInSeconds: options.tokenLifetimeInSeconds ?? 3600,
      grantedRoles: [...(options.grantedRoles ?? DEFAULT_GRANTED_ROLES)],
    };
    this.throttle = new ThrottleWindows(this.config.throttleLimits, this.clock);
    this.store = new EmulatorStore(this.index, this.clock, persisted?.state ?? { ...initialState(options.groups), ...options.initialState });
    this.store.onChange = () => this.persist();
    this.persist();
  }

  /** Where the lifecycle is. */
  get status(): ServerStatus {
    return this.currentStatus;
  }

  /** Connection info while running. */
  get info(): EmulatorInfo | undefined {
    return this.currentInfo;
  }

  /** Listens on 127.0.0.1 and resolves to the connection info once connections are accepted. */
  async start(): Promise<EmulatorInfo> {
    if (this.currentStatus === ServerStatus.Running && this.currentInfo) return this.currentInfo;
    if (this.currentStatus !== ServerStatus.Closed) throw new Error(`cannot start an emulator that is ${this.currentStatus}`);
    this.currentStatus = ServerStatus.Starting;
    try {
      const caDir =
        this.options.caDir ??
        (this.options.statePath ? path.join(path.dirname(path.resolve(this.options.statePath)), `${path.basename(this.options.statePath)}.ca`) : undefined);
      this.certificates = caDir ? ensureCertificates(caDir) : defaultCertificates();
      const server = https.createServer({ key: this.certificates.serverKeyPem, cert: this.certificates.serverCertPem }, (req, res) => {
        void this.onRequest(req, res);
      });
      server.on("connection", (socket: net.Socket) => {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
      });
      // Never 0.0.0.0: the emulator accepts any request with its well-known default credentials.
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.options.port ?? 0, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
      this.server = server;
      const port = (server.address() as net.AddressInfo).port;
      const origin = `https://127.0.0.1:${port}`;
      this.currentInfo = {
        graphEndpoint: origin,
        authorityHost: origin,
        tenantId: this.app.tenantId,
        clientId: this.app.clientId,
        clientSecret: this.app.clientSecret,
        caCertPath: this.certificates.caCertPath,
      };
      this.currentStatus = ServerStatus.Running;
      return this.currentInfo;
    } catch (e) {
      this.currentStatus = ServerStatus.Closed;
      throw e;
    }
  }

  /** Stops listening, drops open connections and writes the state file. */
  async close(): Promise<void> {
    if (this.currentStatus === ServerStatus.Closed) return;
    if (this.currentStatus !== ServerStatus.Running) throw new Error(`cannot close an emulator that is ${this.currentStatus}`);
    this.currentStatus = ServerStatus.Closing;
    const server = this.server!;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections of Graph clients would otherwise hold close() open.
      server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
    this.persist();
    this.server = undefined;
    this.currentInfo = undefined;
    this.currentStatus = ServerStatus.Closed;
  }

  /** A copy of the request log, oldest first. */
  requests(): LoggedRequest[] {
    return this.log.map((r) => ({ ...r }));
  }

  clearRequests(): void {
    this.log = [];
  }

  /** Queues faults for the next matching requests (same as `POST /_emulator/faults`). */
  injectFault(input: FaultRuleInput): FaultRule {
    return this.faults.add(input);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Changes run-time settings (same as `PUT /_emulator/config`). */
  configure(patch: Partial<EmulatorRuntimeConfig>): EmulatorRuntimeConfig {
    const c = this.config;
    const num = (v: unknown, name: string, min: number): number => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw GraphErrorFactory.controlBadRequest(`'${name}' must be a number >= ${min}`);
      return v;
    };
    for (const [k, v] of Object.entries(patch)) {
      switch (k) {
        case "throttling":
          if (typeof v !== "boolean") throw GraphErrorFactory.controlBadRequest("'throttling' must be a boolean");
          c.throttling = v;
          break;
        case "throttleLimits": {
          const limits = { ...c.throttleLimits };
          for (const [lk, lv] of Object.entries((v ?? {}) as unknown as Record<string, unknown>)) {
            if (!(lk in limits)) throw GraphErrorFactory.controlBadRequest(`unknown throttle limit '${lk}'`);
            (limits as Record<string, number>)[lk] = num(lv, lk, 1);
          }
          c.throttleLimits = limits;
          this.throttle.limits = limits;
          break;
        }
        case "readAfterCreate404Count":
          c.readAfterCreate404Count = num(v, k, 0);
          break;
        case "pageSize":
          c.pageSize = num(v, k, 1);
          break;
        case "tokenLifetimeInSeconds":
          c.tokenLifetimeInSeconds = num(v, k, 1);
          break;
        case "grantedRoles":
          if (!Array.isArray(v) || v.some((r) => typeof r !== "string")) throw GraphErrorFactory.controlBadRequest("'grantedRoles' must be an array of strings");
          c.grantedRoles = [...(v as string[])];
          break;
        default:
          throw GraphErrorFactory.controlBadRequest(`unknown setting '${k}'`);
      }
    }
    this.throttle.reset();
    return structuredClone(c);
  }

  /** Fresh tenant, empty log, no queued faults, throttle windows cleared. */
  reset(): void {
    this.store.reset();
    this.log = [];
    this.faults.clear();
    this.throttle.reset();
  }

  /** A valid bearer token for Graph calls (what the token endpoint would issue now). */
  issueToken(audience = this.currentInfo?.graphEndpoint ?? "https://graph.microsoft.com"): string {
    return this.tokens.issue(audience, this.config.grantedRoles, this.config.tokenLifetimeInSeconds, `${audience}/${this.app.tenantId}/v2.0`).token;
  }

  // ---------------------------------------------------------------- pipeline

  private persist(): void {
    const file = this.options.statePath;
    if (!file) return;
    const content: PersistedFile = { format: STATE_FORMAT, app: this.app, state: this.store.dump() };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Write-then-rename: a crash never leaves a half-written state file.
    fs.writeFileSync(tmp, JSON.stringify(content, null, 1), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  private env(): GraphEnvironment {
    const info = this.currentInfo!;
    return {
      store: this.store,
      index: this.index,
      config: this.config,
      app: this.app,
      tokens: this.tokens,
      graphEndpoint: info.graphEndpoint,
      authorityHost: info.authorityHost,
      clock: this.clock,
    };
  }

  private errorResponse(err: EmulatorHttpError, req: EmulatorRequest): EmulatorResponse {
    const contentType = err.format === "aad" ? "application/json; charset=utf-8" : undefined;
    const res = json(err.statusCode, err.toBody(req.requestId, req.clientRequestId, new Date(this.clock.now())), { ...err.headers });
    if (contentType) res.headers["content-type"] = contentType;
    return res;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = crypto.randomUUID();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    const clientRequestId = headers["client-request-id"] ?? requestId;
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, "https://127.0.0.1");
    const maxBody = this.options.maxBodyInBytes ?? 4 * 1024 * 1024;
    let bodyText = "";
    let tooLarge = false;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > maxBody) tooLarge = true;
        else chunks.push(chunk as Buffer);
      }
      bodyText = Buffer.concat(chunks).toString("utf8");
    } catch {
      return; // client went away
    }
    const base = { method: (req.method ?? "GET").toUpperCase(), query: url.searchParams, pathAndQuery: rawUrl, headers, bodyText, requestId, clientRequestId };
    const request: EmulatorRequest = { ...base, path: normalizeKeySegments(url.pathname), body: undefined };

    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      const response = this.control(request);
      this.write(res, request, response);
      return;
    }

    let parsedBody: unknown;
    let parseError: EmulatorHttpError | undefined;
    const isForm = (headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
    if (tooLarge) parseError = GraphErrorFactory.payloadTooLarge(maxBody);
    else if (bodyText.trim() && !isForm) {
      try {
        parsedBody = JSON.parse(bodyText);
      } catch (e) {
        parseError = GraphErrorFactory.invalidJson((e as Error).message);
      }
    }
    const full: EmulatorRequest = { ...request, body: parsedBody };
    const entry = this.record(full);
    const outcome = parseError ? { response: this.errorResponse(parseError, full), faults: [] } : await this.dispatch(full, undefined);
    entry.status = outcome.reset === "before" ? 0 : outcome.response.status;
    if (outcome.faults.length) entry.fault = outcome.faults.map((f) => f.name).join(",");
    if (outcome.reset) {
      // Models a connection lost in flight: before (nothing committed) or after the commit.
      req.socket.destroy();
      return;
    }
    this.write(res, full, outcome.response);
  }

  private record(req: EmulatorRequest, batchRequestId?: string): LoggedRequest {
    const entry: LoggedRequest = {
      method: req.method,
      path: req.pathAndQuery,
      status: 0,
      body: req.body === undefined ? null : req.body,
      time: new Date(this.clock.now()).toISOString(),
      requestId: req.requestId,
      ...(batchRequestId !== undefined ? { batchRequestId } : {}),
    };
    this.log.push(entry);
    const max = this.options.maxLoggedRequests ?? 10_000;
    if (this.log.length > max) this.log.splice(0, this.log.length - max);
    return entry;
  }

  private write(res: http.ServerResponse, req: EmulatorRequest, response: EmulatorResponse): void {
    const headers: Record<string, string> = { ...response.headers, "request-id": req.requestId, "client-request-id": req.clientRequestId };
    let payload: string | undefined;
    if (response.body !== undefined) payload = JSON.stringify(response.body);
    else if (response.text !== undefined) payload = response.text;
    headers["content-length"] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  /** Runs one Graph or Entra ID request through faults, routing, validation, auth, throttling and the handler. */
  private async dispatch(req: EmulatorRequest, batch: { authorization?: string } | undefined): Promise<Outcome> {
    let faults: FaultSpec[] = [];
    try {
      const header = req.headers["x-emulator-fault"];
      faults = [...(header ? parseFaults(header) : []), ...(this.faults.take(req.method, req.pathAndQuery) ?? [])];
    } catch (e) {
      if (isEmulatorHttpError(e)) return { response: this.errorResponse(e, req), faults: [] };
      throw e;
    }
    try {
      for (const f of faults) if (f.name === "latency") await sleep(f.latencyInMs ?? 0);
      if (faults.some((f) => f.name === "reset-before")) return { response: { status: 0, headers: {} }, reset: "before", faults };
      for (const f of faults) {
        if (f.name === "throttle") throw GraphErrorFactory.tooManyRequests(f.retryAfterInSeconds ?? 1);
        if (f.name === "unavailable") throw GraphErrorFactory.serviceUnavailable(f.retryAfterInSeconds);
        if (f.name === "error") throw GraphErrorFactory.internalError();
        if (f.name === "gateway-timeout") throw GraphErrorFactory.gatewayTimeout();
        if (f.name === "notfound") throw GraphErrorFactory.resourceNotFound(req.path);
      }
      const response = await this.route(req, batch);
      const drop = faults.some((f) => f.name === "reset-after") || response.dropConnection === true;
      return { response, faults, reset: drop ? "after" : undefined };
    } catch (e) {
      const err = isEmulatorHttpError(e) ? e : GraphErrorFactory.internalError(`Unexpected emulator error: ${(e as Error).message}`);
      return { response: this.errorResponse(err, req), faults };
    }
  }

  private async route(req: EmulatorRequest, batch: { authorization?: string } | undefined): Promise<EmulatorResponse> {
    const segments = req.path.split("/");
    const first = segments[1] ?? "";
    const versioned = /^v\d|^beta$/i.test(first);
    const version = versioned ? first : "";
    if (versioned && version !== "beta" && version !== "v1.0") throw GraphErrorFactory.unsupportedVersion(version);
    const rest = versioned ? "/" + segments.slice(2).join("/") : req.path;
    if (versioned && rest === "/$batch") {
      if (batch) throw GraphErrorFactory.batchInvalid("a batch cannot contain a $batch request");
      return this.batch(req, version);
    }
    let methodMismatch = false;
    for (const route of this.routes) {
      if (versioned ? !route.versions.includes(version) : route.versions.length > 0) continue;
      const m = route.pattern.exec(rest);
      if (!m) continue;
      if (route.method !== req.method) {
        methodMismatch = true;
        continue;
      }
      const ctx: RouteContext = { req, params: m.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))) as string[], version, env: this.env() };
      route.validate?.(ctx);
      if (route.permission) {
        ctx.claims = this.authenticate(batch?.authorization ?? req.headers.authorization);
        const denied = requireRole(ctx.claims.roles, route.permission);
        if (denied) throw denied;
        if (this.config.throttling) {
          const decision = this.throttle.admit(ctx.claims.appid, ctx.claims.tid, route.write);
          if (!decision.admitted) throw GraphErrorFactory.tooManyRequests(decision.retryAfterInSeconds);
        }
      }
      return await route.handle(ctx);
    }
    if (methodMismatch) throw GraphErrorFactory.methodNotAllowed(req.method, req.path);
    const last = rest.split("/").filter(Boolean).pop() ?? first;
    throw GraphErrorFactory.segmentNotFound(decodeURIComponent(last || "/"));
  }

  private authenticate(authorization: string | undefined): AccessTokenClaims {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
    if (!m || !m[1].trim()) throw GraphErrorFactory.tokenMissing();
    const endpoint = this.currentInfo!.graphEndpoint;
    return this.tokens.verify(m[1].trim(), [endpoint, endpoint.replace("127.0.0.1", "localhost"), "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]);
  }

  /** `POST /$batch`: up to 20 sub-requests through the same pipeline, `dependsOn` honoured. */
  private async batch(req: EmulatorRequest, version: string): Promise<EmulatorResponse> {
    if (req.method !== "POST") throw GraphErrorFactory.methodNotAllowed(req.method, req.path);
    // The batch itself needs a valid token, like any Graph call.
    this.authenticate(req.headers.authorization);
    const body = req.body as { requests?: unknown } | undefined;
    if (!body || typeof body !== "object" || !Array.isArray(body.requests)) throw GraphErrorFactory.batchInvalid("the body must be {\"requests\": [...]}");
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
    const statusById = new Map<string, number>();
    const responses: Record<string, unknown>[] = [];
    let resetAfter = false;
    for (const item of items) {
      const id = item.id as string;
      const subHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries((item.headers ?? {}) as Record<string, unknown>)) subHeaders[k.toLowerCase()] = String(v);
      let url = item.url as string;
      if (!url.startsWith("/")) url = `/${url}`;
      if (!/^\/(beta|v1\.0)\//.test(url)) url = `/${version}${url}`;
      const parsed = new URL(url, "https://127.0.0.1");
      const sub: EmulatorRequest = {
        method: (item.method as string).toUpperCase(),
        path: normalizeKeySegments(parsed.pathname),
        query: parsed.searchParams,
        pathAndQuery: url,
        headers: subHeaders,
        bodyText: item.body === undefined ? "" : typeof item.body === "string" ? item.body : JSON.stringify(item.body),
        body: item.body,
        requestId: crypto.randomUUID(),
        clientRequestId: subHeaders["client-request-id"] ?? req.clientRequestId,
      };
      const entry = this.record(sub, id);
      const failed = ((item.dependsOn ?? []) as string[]).find((d) => (statusById.get(d) ?? 0) >= 400);
      let outcome: Outcome;
      if (failed !== undefined) {
        outcome = { response: this.errorResponse(GraphErrorFactory.failedDependency(failed), sub), faults: [] };
      } else {
        outcome = await this.dispatch(sub, { authorization: req.headers.authorization });
      }
      if (outcome.reset) resetAfter = true;
      // A sub-request "reset before" never ran; inside a batch that surfaces as a 503 for it.
      const response = outcome.reset === "before" ? this.errorResponse(GraphErrorFactory.serviceUnavailable(), sub) : outcome.response;
      entry.status = response.status;
      if (outcome.faults.length) entry.fault = outcome.faults.map((f) => f.name).join(",");
      statusById.set(id, response.status);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(response.headers)) headers[k === "content-type" ? "Content-Type" : k === "retry-after" ? "Retry-After" : k] = v;
      const out: Record<string, unknown> = { id, status: response.status, headers };
      if (response.body !== undefined) out.body = response.body;
      else if (response.text !== undefined) out.body = response.text;
      responses.push(out);
    }
    const result = json(200, { responses });
    if (resetAfter) result.dropConnection = true;
    return result;
  }

  // ---------------------------------------------------------------- control API

  private control(req: EmulatorRequest): EmulatorResponse {
    try {
      let body: unknown;
      if (req.bodyText.trim()) {
        try {
          body = JSON.parse(req.bodyText);
        } catch (e) {
          throw GraphErrorFactory.invalidJson((e as Error).message);
        }
      }
      const key = `${req.method} ${req.path.replace(/\/$/, "")}`;
      switch (key) {
        case "GET /_emulator/info":
          return json(200, this.currentInfo);
        case "GET /_emulator/requests":
          return json(200, this.requests());
        case "DELETE /_emulator/requests":
          this.clearRequests();
          return { status: 204, headers: {} };
        case "GET /_emulator/faults":
          return json(200, this.faults.list());
        case "POST /_emulator/faults":
          return json(201, this.injectFault(body as FaultRuleInput));
        case "DELETE /_emulator/faults":
          this.clearFaults();
          return { status: 204, headers: {} };
        case "GET /_emulator/config":
          return json(200, this.config);
        case "PUT /_emulator/config":
        case "PATCH /_emulator/config":
          if (!body || typeof body !== "object") throw GraphErrorFactory.controlBadRequest("the body must be a JSON object");
          return json(200, this.configure(body as Partial<EmulatorRuntimeConfig>));
        case "GET /_emulator/state":
          return json(200, this.store.dump());
        case "PUT /_emulator/state":
          if (!body || typeof body !== "object") throw GraphErrorFactory.controlBadRequest("the body must be a JSON object");
          this.store.load(body as Partial<EmulatorState>);
          return { status: 204, headers: {} };
        case "POST /_emulator/reset":
          this.reset();
          return { status: 204, headers: {} };
      }
      return this.errorResponse(GraphErrorFactory.resourceNotFound(`control endpoint '${req.method} ${req.path}'`), req);
    } catch (e) {
      const err = isEmulatorHttpError(e) ? e : GraphErrorFactory.controlBadRequest((e as Error).message);
      return this.errorResponse(err, req);
    }
  }
}

/** Creates an emulator (not yet listening: call `start()`). */
export function createServer(options: EmulatorOptions = {}): EmulatorServer {
  return new EmulatorServer(options);
}
