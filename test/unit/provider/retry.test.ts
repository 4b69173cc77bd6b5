import * as assert from "assert";
import { fakeClock } from "../../support/fakeClock";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import type { Clock } from "../../../provider/limiter";
import { RetryPolicyHandler, type RetryPolicyHooks, type RetryPolicyOptions, failureOf, parseRetryAfterInMs } from "../../../provider/retry";
import { isLostResponse } from "../../../provider/graph";
import type { GraphRequestError } from "../../../provider/errors";


type Outcome = Response | Error;
const BASE = "https://127.0.0.1:8443/beta";
const PATH = "/deviceManagement/deviceConfigurations/x";

/** A next middleware that answers from a script and records what each attempt sent. */
class ScriptedNext implements Middleware {
  readonly sent: { body: unknown; authorization?: string; time: number }[] = [];
  constructor(private readonly script: Outcome[], private readonly clock: Clock) {}
  async execute(context: Context): Promise<void> {
    const headers = (context.options?.headers ?? {}) as Record<string, string>;
    // Like the Graph client's AuthenticationHandler: appends to an existing header.
    const token = `Bearer token-${this.sent.length + 1}`;
    headers.Authorization = headers.Authorization === undefined ? token : `${headers.Authorization}, ${token}`;
    context.options = { ...context.options, headers };
    this.sent.push({ body: context.options.body, authorization: headers.Authorization, time: this.clock.now() });
    const next = this.script.shift();
    if (!next) throw new Error("script exhausted");
    if (next instanceof Error) throw next;
    context.response = next;
  }
  setNext(): void {}
}

function graphError(status: number, code: string, headers: Record<string, string> = {}, message = `${code} happened`): Response {
  return new Response(JSON.stringify({ error: { code, message, innerError: { "request-id": "inner-id" } } }), {
    status,
    headers: { "content-type": "application/json", "request-id": `r-${status}`, ...headers },
  });
}
const ok = (body: unknown = { id: "x" }, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const reset = () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });

async function run(
  method: string,
  script: Outcome[],
  options: RetryPolicyOptions = {},
  hooks: Partial<RetryPolicyHooks> = {},
  body?: string,
  path = PATH,
) {
  const clock = (hooks.clock as ReturnType<typeof fakeClock>) ?? fakeClock();
  const next = new ScriptedNext(script, clock);
  const handler = new RetryPolicyHandler({ baseDelayInMs: 1000, maxDelayInMs: 30_000, ...options }, { random: () => 0.5, ...hooks, clock });
  handler.setNext(next);
  const context: Context = { request: `${BASE}${path}`, options: { method, headers: {}, ...(body !== undefined ? { body } : {}) } };
  let error: GraphRequestError | undefined;
  try {
    await handler.execute(context);
  } catch (e) {
    error = failureOf(e);
    if (!error) throw e;
  }
  return { context, next, clock, error, attempts: next.sent.length };
}

describe("RetryPolicyHandler", () => {
  it("waits exactly Retry-After seconds and tells the limiter to pause", async () => {
    const paused: number[] = [];
    const { clock, attempts, context } = await run("GET", [graphError(429, "TooManyRequests", { "retry-after": "7" }), ok()], {}, { onThrottled: (ms) => paused.push(ms) });
    assert.deepStrictEqual(clock.sleeps, [7000]);
    assert.deepStrictEqual(paused, [7000]);
    assert.strictEqual(attempts, 2);
    assert.strictEqual(context.response!.status, 200);
  });

  it("waits until a Retry-After date", async () => {
    const clock = fakeClock(Date.parse("2026-03-02T10:00:00Z"));
    const result = await run("GET", [graphError(503, "ServiceUnavailable", { "retry-after": "Mon, 02 Mar 2026 10:00:12 GMT" }), ok()], {}, { clock });
    assert.deepStrictEqual(result.clock.sleeps, [12_000]);
    assert.strictEqual(parseRetryAfterInMs("Mon, 02 Mar 2026 09:59:00 GMT", clock.t), 0, "a date in the past means now");
    assert.strictEqual(parseRetryAfterInMs("soon", clock.t), undefined);
  });

  it("backs off exponentially with jitter between half and all of each step, capped", async () => {
    const failures = () => [graphError(500, "InternalServerError"), graphError(502, "BadGateway"), graphError(504, "GatewayTimeout"), graphError(500, "InternalServerError"), ok()];
    const low = await run("GET", failures(), { maxDelayInMs: 5000 }, { random: () => 0 });
    assert.deepStrictEqual(low.clock.sleeps, [500, 1000, 2000, 2500]);
    const high = await run("GET", failures(), { maxDelayInMs: 5000 }, { random: () => 0.999 });
    const steps = [1000, 2000, 4000, 5000];
    high.clock.sleeps.forEach((ms, i) => assert.ok(ms > steps[i] * 0.99 && ms < steps[i], `retry ${i + 1}: ${ms} not just below ${steps[i]}`));
  });

  it("gives up after maxAttempts with method, path, status, code, attempts, time and request-id", async () => {
    const unavailable = () => graphError(503, "ServiceUnavailable", {}, "The service is busy.");
    // Waits of 750 ms and 1500 ms (half-way jitter): 2.25 s in all.
    const { error, attempts } = await run("GET", [unavailable(), unavailable(), unavailable(), ok()], { maxAttempts: 3 });
    assert.strictEqual(attempts, 3);
    assert.strictEqual(error!.statusCode, 503);
    assert.strictEqual(error!.attempts, 3);
    assert.strictEqual(
      error!.message,
      "GET /deviceManagement/deviceConfigurations/x failed with 503 ServiceUnavailable after 3 attempts in 2.3 s: The service is busy.: request-id r-503",
    );
  });

  it("gives up when the next wait would pass maxRetryElapsedInMs", async () => {
    const throttled = () => graphError(429, "TooManyRequests", { "retry-after": "4" });
    const { error, attempts, clock } = await run("GET", [throttled(), throttled(), throttled(), ok()], { maxRetryElapsedInMs: 10_000 });
    // t=0 and t=4 s fail and wait; at t=8 s a further 4 s would end at 12 s > 10 s.
    assert.strictEqual(attempts, 3);
    assert.deepStrictEqual(clock.sleeps, [4000, 4000]);
    assert.match(error!.message, /failed with 429 TooManyRequests after 3 attempts in 8\.0 s/);
  });

  it("does not retry a POST that answered 500 (it may have been committed)", async () => {
    const { error, attempts } = await run("POST", [graphError(500, "InternalServerError"), ok({}, 201)], {}, {}, "{}", "/deviceManagement/roleScopeTags");
    assert.strictEqual(attempts, 1);
    assert.strictEqual(error!.statusCode, 500);
    assert.doesNotMatch(error!.message, /attempts/);
  });

  it("does not retry a POST whose connection dropped, and reports a lost response", async () => {
    const { error, attempts } = await run("POST", [reset(), ok({}, 201)], {}, {}, "{}", "/deviceManagement/roleScopeTags");
    assert.strictEqual(attempts, 1);
    assert.ok(isLostResponse(error));
    assert.strictEqual(error!.code, "UND_ERR_SOCKET");
    assert.match(error!.message, /^POST \/deviceManagement\/roleScopeTags failed with 0 UND_ERR_SOCKET: no response from Microsoft Graph \(other side closed\); the request may have been carried out/);
  });

  it("retries a POST refused with 429 or a 503 response, re-sending the same body", async () => {
    const body = JSON.stringify({ displayName: "t" });
    const { attempts, next, context } = await run(
      "POST",
      [graphError(429, "TooManyRequests", { "retry-after": "1" }), graphError(503, "ServiceUnavailable"), ok({}, 201)],
      {},
      {},
      body,
      "/deviceManagement/roleScopeTags",
    );
    assert.strictEqual(attempts, 3);
    assert.deepStrictEqual(next.sent.map((s) => s.body), [body, body, body]);
    assert.strictEqual(context.response!.status, 201);
  });

  it("retries a PATCH whose connection dropped, with one fresh Authorization header per attempt", async () => {
    const { attempts, next, clock } = await run("PATCH", [reset(), reset(), new Response(null, { status: 204 })], {}, {}, "{}");
    assert.strictEqual(attempts, 3);
    assert.deepStrictEqual(clock.sleeps, [750, 1500]);
    assert.deepStrictEqual(next.sent.map((s) => s.authorization), ["Bearer token-1", "Bearer token-2", "Bearer token-3"]);
  });

  it("rethrows errors that are not connection failures untouched (credential errors)", async () => {
    const boom = new Error("AADSTS7000215: Invalid client secret");
    await assert.rejects(() => run("GET", [boom]), (e) => e === boom);
  });

  it("fetches a fresh token once when Graph says the token expired", async () => {
    const rejected: (string | undefined)[] = [];
    const expired = () => graphError(401, "InvalidAuthenticationToken", {}, "Lifetime validation failed, the token is expired.");
    const hooks = { onTokenExpired: (a: string | undefined) => rejected.push(a) };
    const good = await run("POST", [expired(), ok({}, 201)], { maxAttempts: 1 }, hooks, "{}");
    assert.strictEqual(good.attempts, 2);
    assert.deepStrictEqual(rejected, ["Bearer token-1"]);
    assert.deepStrictEqual(good.clock.sleeps, [], "no wait: a new token is all it takes");

    const bad = await run("GET", [expired(), expired(), ok()], {}, hooks);
    assert.strictEqual(bad.attempts, 2, "only one refresh per request");
    assert.strictEqual(bad.error!.statusCode, 401);
  });

  it("does not refresh the token for other 401s", async () => {
    const { attempts, error } = await run("GET", [graphError(401, "InvalidAuthenticationToken", {}, "Access token validation failure."), ok()]);
    assert.strictEqual(attempts, 1);
    assert.strictEqual(error!.statusCode, 401);
  });

  describe("$batch", () => {
    const batchBody = (ids: string[], method = "GET") => JSON.stringify({ requests: ids.map((id) => ({ id, method, url: `/groups/${id}` })) });
    const sub = (id: string, status: number, headers: Record<string, string> = {}) => ({ id, status, headers, body: status === 200 ? { id } : { error: { code: "x" } } });

    it("re-sends only the throttled GET sub-requests, after their longest Retry-After, and returns final answers in order", async () => {
      const paused: number[] = [];
      const { next, clock, context } = await run(
        "POST",
        [
          ok({ responses: [sub("a", 200), sub("b", 429, { "Retry-After": "3" }), sub("c", 503, { "Retry-After": "5" })] }),
          ok({ responses: [sub("c", 200), sub("b", 200)] }),
        ],
        {},
        { onThrottled: (ms) => paused.push(ms) },
        batchBody(["a", "b", "c"]),
        "/$batch",
      );
      assert.deepStrictEqual(clock.sleeps, [5000]);
      assert.deepStrictEqual(paused, [5000]);
      assert.deepStrictEqual(JSON.parse(next.sent[1].body as string).requests.map((r: { id: string }) => r.id), ["b", "c"]);
      const answer = (await context.response!.json()) as { responses: { id: string; status: number }[] };
      assert.deepStrictEqual(answer.responses.map((r) => [r.id, r.status]), [["a", 200], ["b", 200], ["c", 200]]);
    });

    it("returns the last sub-responses when the budget runs out", async () => {
      const { attempts, context } = await run(
        "POST",
        [ok({ responses: [sub("a", 200), sub("b", 500)] }), ok({ responses: [sub("b", 500)] }), ok({ responses: [sub("b", 200)] })],
        { maxAttempts: 2 },
        {},
        batchBody(["a", "b"]),
        "/$batch",
      );
      assert.strictEqual(attempts, 2);
      const answer = (await context.response!.json()) as { responses: { id: string; status: number }[] };
      assert.deepStrictEqual(answer.responses.map((r) => [r.id, r.status]), [["a", 200], ["b", 500]]);
    });

    it("retries a whole batch of GETs on a dropped connection, but not a batch with writes", async () => {
      const reads = await run("POST", [reset(), ok({ responses: [sub("a", 200)] })], {}, {}, batchBody(["a"]), "/$batch");
      assert.strictEqual(reads.attempts, 2);
      const writes = await run("POST", [reset(), ok({ responses: [sub("a", 200)] })], {}, {}, batchBody(["a"], "PATCH"), "/$batch");
      assert.strictEqual(writes.attempts, 1);
      assert.ok(isLostResponse(writes.error));
    });
  });
});
