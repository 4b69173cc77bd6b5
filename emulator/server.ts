// The emulator server: TLS listener, status state machine, and the request pipeline. Every Graph and
// Entra ID request, and every `$batch` sub-request, runs through the same ordered stages:
//
//   route → authenticate → validate → faults → throttle → handle → faults-after-commit → serialize
//
// Errors thrown by any stage are rendered by the one error factory (GraphErrorFactory). Authentication
// comes before validation because Graph answers 401 before 400. Faults come twice: most are answered
// before the handler runs (nothing committed); the `…-after` ones after it committed, as a gateway that
// times out after the back end did the work. The `/_emulator/*` control API sits
// beside the pipeline: no auth, not logged, not throttled, no faults.
import * as crypto from "crypto";
import * as fs from "fs";
import type * as http from "http";
import * as https from "https";
import type * as net from "net";
import * as path from "path";
import { loadGraphSchema } from "../schema/index";
import { type AccessTokenClaims, type AppRegistration, DEFAULT_GRANTED_ROLES, TokenService, requireRole } from "./auth";
import { type CertificateSet, defaultCertificates, ensureCertificates } from "./certs";
import { CHAOS_OFF, ChaosEngine, type ChaosReport, type ChaosSettings, parseChaosSettings } from "./chaos";
import { type Dialect, DIALECTS, isDialect } from "./dialects";
import { type EmulatorHttpError, GraphErrorFactory, isEmulatorHttpError } from "./errors";
import { type FaultRule, type FaultRuleInput, type FaultSpec, FaultQueue, parseFaults } from "./faults";
import {
  ASSIGNMENTS_EXPAND,
  type AssignmentsExpand,
  type BatchHost,
  type ControlTarget,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorRuntimeConfig,
  type GraphEnvironment,
  type LoggedRequest,
  type Outcome,
  type Route,
  type RouteContext,
  buildRoutes,
  handleControl,
  json,
  normalizeKeySegments,
} from "./routes/index";
import { serialize } from "./serializer";
import { type EmulatorState, EmulatorStore, type GroupSeed, initialState } from "./store";
import { type Clock, INTUNE_THROTTLE_LIMITS, type ThrottleLimits, ThrottleWindows, systemClock } from "./throttle";
import { SchemaIndex } from "./validation";

export { normalizeKeySegments, type LoggedRequest };

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
  /** See {@link EmulatorRuntimeConfig.referencedDelete}. @default "dangle" */
  readonly referencedDelete?: "dangle" | "refuse";
  /** See {@link EmulatorRuntimeConfig.assignmentsExpand}. @default "answered" */
  readonly assignmentsExpand?: AssignmentsExpand;
  /** Injected time (token expiry, throttle windows, timestamps). */
  readonly clock?: Clock;
  /** Largest accepted request body. @default 4 MiB */
  readonly maxBodyInBytes?: number;
  /** Most recent requests kept in the log. @default 10000 */
  readonly maxLoggedRequests?: number;
  /** How GET answers render properties nobody set: `schema`, `live` or `sparse`. @default "schema" */
  readonly dialect?: Dialect;
  /** Seeded random faults on Graph requests. @default off (rate 0) */
  readonly chaos?: Partial<ChaosSettings>;
}

/** Lifecycle of {@link EmulatorServer}. */
export enum ServerStatus {
  Closed = "Closed",
  Starting = "Starting",
  Running = "Running",
  Closing = "Closing",
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

/** What the pipeline stages pass along for one request. */
interface Exchange {
  readonly req: EmulatorRequest;
  /** Set for `$batch` sub-requests: the batch's authorization. */
  readonly batch?: BatchScope;
  route?: Route;
  ctx?: RouteContext;
  /** Faults to apply (header, queue, chaos). */
  faults: FaultSpec[];
  /** Their names for the request log. */
  faultNames: string[];
  response?: EmulatorResponse;
  reset?: "before" | "after";
}

interface BatchScope {
  readonly authorization?: string;
}

/** The route and context the route stage found (every later stage runs after it). */
function routed(x: Exchange): { route: Route; ctx: RouteContext } {
  if (!x.route || !x.ctx) throw GraphErrorFactory.internalError("pipeline stage ran before routing");
  return { route: x.route, ctx: x.ctx };
}

function checkDialect(value: unknown): Dialect {
  if (!isDialect(value)) throw GraphErrorFactory.controlBadRequest(`\`dialect\` must be one of ${DIALECTS.join(", ")}, got ${JSON.stringify(value)}`);
  return value;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPersisted(file: string): PersistedFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PersistedFile;
  if (parsed.format !== STATE_FORMAT) throw new Error(`${file} is not an emulator state file (format ${String(parsed.format)})`);
  return parsed;
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
  private readonly routes: Route[];
  private readonly chaos: ChaosEngine;
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
      referencedDelete: options.referencedDelete ?? "dangle",
      assignmentsExpand: options.assignmentsExpand ?? "answered",
      pageSize: options.pageSize ?? 25,
      tokenLifetimeInSeconds: options.tokenLifetimeInSeconds ?? 3600,
      grantedRoles: [...(options.grantedRoles ?? DEFAULT_GRANTED_ROLES)],
      dialect: "schema",
      chaos: { ...CHAOS_OFF },
    };
    if (options.dialect !== undefined) this.config.dialect = checkDialect(options.dialect);
    if (options.chaos !== undefined) this.config.chaos = parseChaosSettings(CHAOS_OFF, options.chaos);
    this.chaos = new ChaosEngine(() => this.config.chaos);
    this.routes = buildRoutes(this.batchHost());
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

  /**
   * Changes run-time settings (same as `PUT /_emulator/config`). The whole patch is checked before
   * anything changes; errors name the setting, the rule and the bad value.
   */
  configure(patch: Partial<EmulatorRuntimeConfig> | Record<string, unknown>): EmulatorRuntimeConfig {
    const next: EmulatorRuntimeConfig = structuredClone(this.config);
    const bad = (name: string, rule: string, v: unknown) => GraphErrorFactory.controlBadRequest(`\`${name}\` must be ${rule}, got ${JSON.stringify(v)}`);
    const num = (v: unknown, name: string, min: number): number => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw bad(name, `a number >= ${min}`, v);
      return v;
    };
    for (const [k, v] of Object.entries(patch)) {
      switch (k) {
        case "throttling":
          if (typeof v !== "boolean") throw bad(k, "a boolean", v);
          next.throttling = v;
          break;
        case "throttleLimits": {
          if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(k, "an object of limits", v);
          const limits: Record<string, number> = { ...next.throttleLimits };
          for (const [lk, lv] of Object.entries(v)) {
            if (!(lk in limits)) throw GraphErrorFactory.controlBadRequest(`unknown throttle limit '${lk}' (${Object.keys(limits).join(", ")})`);
            limits[lk] = num(lv, `throttleLimits.${lk}`, 1);
          }
          next.throttleLimits = { ...next.throttleLimits, ...limits };
          break;
        }
        case "readAfterCreate404Count":
          next.readAfterCreate404Count = num(v, k, 0);
          break;
        case "referencedDelete":
          if (v !== "dangle" && v !== "refuse") throw bad(k, '"dangle" or "refuse"', v);
          next.referencedDelete = v;
          break;
        case "assignmentsExpand":
          if (!(ASSIGNMENTS_EXPAND as readonly unknown[]).includes(v)) throw bad(k, ASSIGNMENTS_EXPAND.map((x) => `"${x}"`).join(", ").replace(/, ([^,]*)$/, " or $1"), v);
          next.assignmentsExpand = v as AssignmentsExpand;
          break;
        case "pageSize":
          next.pageSize = num(v, k, 1);
          break;
        case "tokenLifetimeInSeconds":
          next.tokenLifetimeInSeconds = num(v, k, 1);
          break;
        case "grantedRoles":
          if (!Array.isArray(v) || v.some((r) => typeof r !== "string")) throw bad(k, "an array of strings", v);
          next.grantedRoles = [...(v as string[])];
          break;
        case "dialect":
          next.dialect = checkDialect(v);
          break;
        case "chaos":
          next.chaos = parseChaosSettings(next.chaos, v);
          break;
        default:
          throw GraphErrorFactory.controlBadRequest(`unknown setting '${k}'`);
      }
    }
    const chaosChanged = JSON.stringify(next.chaos) !== JSON.stringify(this.config.chaos);
    Object.assign(this.config, next);
    this.throttle.limits = this.config.throttleLimits;
    this.throttle.reset();
    // A new seed or rate starts its sequence from the first request again.
    if (chaosChanged) this.chaos.reset();
    return structuredClone(this.config);
  }

  /** Counters of the seeded chaos (same as `GET /_emulator/chaos`). */
  chaosReport(): ChaosReport {
    return this.chaos.report();
  }

  /** Fresh tenant, empty log, no queued faults, throttle windows cleared. */
  reset(): void {
    this.store.reset();
    this.log = [];
    this.faults.clear();
    this.throttle.reset();
    this.chaos.reset();
  }

  /** A valid bearer token for Graph calls (what the token endpoint would issue now). */
  issueToken(audience = this.currentInfo?.graphEndpoint ?? "https://graph.microsoft.com"): string {
    return this.tokens.issue(audience, this.config.grantedRoles, this.config.tokenLifetimeInSeconds, `${audience}/${this.app.tenantId}/v2.0`).token;
  }

  // ---------------------------------------------------------------- pipeline

  /**
   * The stages, in order. Each reads and extends the exchange; a thrown EmulatorHttpError ends the run and
   * is rendered by the error factory. A connection reset before the handler ends it without an answer.
   */
  private readonly stages: readonly (readonly [string, (x: Exchange) => void | Promise<void>])[] = [
    ["route", (x) => this.routeStage(x)],
    ["authenticate", (x) => this.authenticateStage(x)],
    ["validate", (x) => this.validateStage(x)],
    ["faults", (x) => this.faultStage(x)],
    ["throttle", (x) => this.throttleStage(x)],
    ["handle", (x) => this.handleStage(x)],
    ["faults-after-commit", (x) => this.faultsAfterCommitStage(x)],
    ["serialize", (x) => this.serializeStage(x)],
  ];

  /** The stage names in pipeline order (for docs and tests). */
  get stageNames(): readonly string[] {
    return this.stages.map(([name]) => name);
  }

  /** Runs one Graph or Entra ID request (top-level or `$batch` sub-request) through every stage. */
  private async runPipeline(req: EmulatorRequest, batch: BatchScope | undefined): Promise<Outcome> {
    const x: Exchange = { req, batch, faults: [], faultNames: [] };
    try {
      for (const [, stage] of this.stages) {
        await stage(x);
        if (x.reset === "before") return { response: { status: 0, headers: {} }, reset: "before", faults: x.faultNames };
      }
    } catch (e) {
      const err = isEmulatorHttpError(e) ? e : GraphErrorFactory.internalError(`Unexpected emulator error: ${(e as Error).message}`);
      return { response: this.errorResponse(err, req), faults: x.faultNames };
    }
    return { response: x.response!, faults: x.faultNames, reset: x.reset };
  }

  /** route: finds the route and its parameters; unknown paths and methods are a 400 here. */
  private routeStage(x: Exchange): void {
    const { req } = x;
    const segments = req.path.split("/");
    const first = segments[1] ?? "";
    const versioned = /^v\d|^beta$/i.test(first);
    const version = versioned ? first : "";
    if (versioned && version !== "beta" && version !== "v1.0") throw GraphErrorFactory.unsupportedVersion(version);
    const rest = versioned ? "/" + segments.slice(2).join("/") : req.path;
    let methodMismatch = false;
    for (const route of this.routes) {
      if (versioned ? !route.versions.includes(version) : route.versions.length > 0) continue;
      const m = route.pattern.exec(rest);
      if (!m) continue;
      if (route.method !== req.method) {
        methodMismatch = true;
        continue;
      }
      if (route.family === "batch" && x.batch) throw GraphErrorFactory.batchInvalid("a batch cannot contain a $batch request");
      x.route = route;
      x.ctx = { req, params: m.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))) as string[], version, env: this.env() };
      return;
    }
    if (methodMismatch) throw GraphErrorFactory.methodNotAllowed(req.method, req.path);
    const last = rest.split("/").filter(Boolean).pop() ?? first;
    throw GraphErrorFactory.segmentNotFound(decodeURIComponent(last || "/"));
  }

  /** authenticate: bearer token (401) and application permission (403), before any body is looked at. */
  private authenticateStage(x: Exchange): void {
    const { route, ctx } = routed(x);
    if (!route.permission && !route.authenticate) return;
    ctx.claims = this.verifyBearer(x.batch?.authorization ?? x.req.headers.authorization);
    if (route.permission) {
      const denied = requireRole(ctx.claims.roles, route.permission);
      if (denied) throw denied;
    }
  }

  /** validate: the body could be read, then the route's own query and body checks (400). */
  private validateStage(x: Exchange): void {
    const { route, ctx } = routed(x);
    if (x.req.bodyError) throw x.req.bodyError;
    route.validate?.(ctx);
  }

  /**
   * faults: the `x-emulator-fault` header, queued faults and seeded chaos, in that order. Those that
   * refuse the request are answered here; the `…-after` ones wait for {@link faultsAfterCommitStage}.
   */
  private async faultStage(x: Exchange): Promise<void> {
    const { route } = routed(x);
    const header = x.req.headers["x-emulator-fault"];
    const faults: FaultSpec[] = [...(header ? parseFaults(header) : []), ...(this.faults.take(x.req.method, x.req.pathAndQuery) ?? [])];
    x.faultNames.push(...faults.map((f) => f.name));
    if (route.family !== "identity" || this.config.chaos.identity) {
      const draw = this.chaos.next(x.req.method, x.req.path);
      if (draw) {
        faults.push(draw.fault);
        x.faultNames.push(`chaos:${draw.kind}`);
      }
    }
    x.faults = faults;
    for (const f of faults) if (f.name === "latency") await sleep(f.latencyInMs ?? 0);
    if (faults.some((f) => f.name === "reset-before")) {
      x.reset = "before";
      return;
    }
    for (const f of faults) {
      if (f.name === "throttle") throw GraphErrorFactory.tooManyRequests(f.omitRetryAfter ? undefined : (f.retryAfterInSeconds ?? 1));
      if (f.name === "unavailable") throw GraphErrorFactory.serviceUnavailable(f.retryAfterInSeconds);
      if (f.name === "error") throw GraphErrorFactory.internalError();
      if (f.name === "bad-gateway") throw GraphErrorFactory.badGateway();
      if (f.name === "gateway-timeout") throw GraphErrorFactory.gatewayTimeout();
      if (f.name === "notfound") throw GraphErrorFactory.resourceNotFound(x.req.path);
    }
  }

  /** throttle: Intune's sliding windows per app and tenant (only when switched on). */
  private throttleStage(x: Exchange): void {
    const { route, ctx } = routed(x);
    if (!this.config.throttling || !route.permission || !ctx.claims) return;
    const decision = this.throttle.admit(ctx.claims.appid, ctx.claims.tid, route.write);
    if (!decision.admitted) throw GraphErrorFactory.tooManyRequests(decision.retryAfterInSeconds);
  }

  /** handle: the route's business logic against the store. */
  private async handleStage(x: Exchange): Promise<void> {
    const { route, ctx } = routed(x);
    x.response = await route.handle(ctx);
  }

  /**
   * faults-after-commit: the handler ran and committed; then the connection is lost (`reset-after`, or a
   * `$batch` whose sub-request asked for it) or a gateway answers 500/502/504 with Graph's error body.
   */
  private faultsAfterCommitStage(x: Exchange): void {
    if (x.faults.some((f) => f.name === "reset-after") || x.response?.dropConnection === true) {
      x.reset = "after";
      return;
    }
    for (const f of x.faults) {
      if (f.name === "error-after") throw GraphErrorFactory.internalError();
      if (f.name === "bad-gateway-after") throw GraphErrorFactory.badGateway();
      if (f.name === "gateway-timeout-after") throw GraphErrorFactory.gatewayTimeout();
    }
  }

  /** serialize: entities rendered in the tenant's dialect, with annotations and paging. */
  private serializeStage(x: Exchange): void {
    const { ctx } = routed(x);
    x.response = serialize(ctx.env, x.req, ctx.version, x.response!);
  }

  private verifyBearer(authorization: string | undefined): AccessTokenClaims {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
    if (!m || !m[1].trim()) throw GraphErrorFactory.tokenMissing();
    const endpoint = this.currentInfo!.graphEndpoint;
    return this.tokens.verify(m[1].trim(), [endpoint, endpoint.replace("127.0.0.1", "localhost"), "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]);
  }

  private batchHost(): BatchHost {
    return {
      record: (sub, batchRequestId) => this.record(sub, batchRequestId),
      run: (sub, authorization) => this.runPipeline(sub, { authorization }),
      errorResponse: (err, req) => this.errorResponse(err, req),
    };
  }

  private controlTarget(): ControlTarget {
    return {
      store: this.store,
      config: this.config,
      connectionInfo: () => this.currentInfo,
      requests: () => this.requests(),
      clearRequests: () => this.clearRequests(),
      listFaults: () => this.faults.list(),
      injectFault: (input) => this.injectFault(input),
      clearFaults: () => this.clearFaults(),
      configure: (patch) => this.configure(patch),
      chaosReport: () => this.chaosReport(),
      reset: () => this.reset(),
      errorResponse: (err, req) => this.errorResponse(err, req),
    };
  }

  // ---------------------------------------------------------------- wire

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

  /** The one way a wire error becomes a response. */
  private errorResponse(err: EmulatorHttpError, req: EmulatorRequest): EmulatorResponse {
    const res = json(err.statusCode, err.toBody(req.requestId, req.clientRequestId, new Date(this.clock.now())), { ...err.headers });
    if (err.format === "aad") res.headers["content-type"] = "application/json; charset=utf-8";
    return res;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = crypto.randomUUID();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    const clientRequestId = headers["client-request-id"] ?? requestId;
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, "https://127.0.0.1");
    const maxBodyInBytes = this.options.maxBodyInBytes ?? 4 * 1024 * 1024;
    let bodyText = "";
    let tooLarge = false;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > maxBodyInBytes) tooLarge = true;
        else chunks.push(chunk as Buffer);
      }
      bodyText = Buffer.concat(chunks).toString("utf8");
    } catch {
      return; // client went away
    }
    const base = { method: (req.method ?? "GET").toUpperCase(), query: url.searchParams, pathAndQuery: rawUrl, headers, bodyText, requestId, clientRequestId };
    const request: EmulatorRequest = { ...base, path: normalizeKeySegments(url.pathname), body: undefined };

    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      this.write(res, request, handleControl(this.controlTarget(), request));
      return;
    }

    // A body that cannot be read is answered in the validate stage, so a bad token still gets its 401 first.
    let body: unknown;
    let bodyError: EmulatorHttpError | undefined;
    const isForm = (headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
    if (tooLarge) bodyError = GraphErrorFactory.payloadTooLarge(maxBodyInBytes);
    else if (bodyText.trim() && !isForm) {
      try {
        body = JSON.parse(bodyText);
      } catch (e) {
        bodyError = GraphErrorFactory.invalidJson((e as Error).message);
      }
    }
    const full: EmulatorRequest = { ...request, body, ...(bodyError ? { bodyError } : {}) };
    const entry = this.record(full);
    const outcome = await this.runPipeline(full, undefined);
    entry.status = outcome.reset === "before" ? 0 : outcome.response.status;
    if (outcome.faults.length) entry.fault = outcome.faults.join(",");
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
}

/** Creates an emulator (not yet listening: call `start()`). */
export function createServer(options: EmulatorOptions = {}): EmulatorServer {
  return new EmulatorServer(options);
}
