// The limiter as the Graph client uses it: GraphApi's middleware chain (retry -> limiter -> auth ->
// HTTP) with its own cost function, a fake clock and a fake transport (global fetch). The limiter's own
// tests pass their costs by hand; this one fails if the client charges a `$batch` as one request.
import * as assert from "assert";
import type { IntuneProviderSettings } from "../../../provider/config";
import { GraphApi } from "../../../provider/graph";
import { fakeClock } from "../../support/fakeClock";

const settings: IntuneProviderSettings = { cloud: "public", graphEndpoint: "https://127.0.0.1:1", authorityHost: "https://127.0.0.1:1", tenantId: "t", clientId: "c" };
const credential = { getToken: async () => ({ token: "unit-test", expiresOnTimestamp: Date.now() + 3600_000 }) };

describe("unit: the limiter wired into the Graph client", () => {
  const realFetch = globalThis.fetch;
  const sent: { method: string; url: string; subRequests: number }[] = [];
  before(() => {
    // Answers every request at once: a $batch with one 200 per sub-request, anything else with {}.
    globalThis.fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      const subs: { id: string }[] = body?.requests ?? [];
      sent.push({ method: request.method, url: request.url, subRequests: subs.length });
      const answer = request.url.endsWith("/$batch") ? { responses: subs.map((s) => ({ id: s.id, status: 200, headers: { "content-type": "application/json" }, body: { id: s.id } })) } : {};
      return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
  });
  after(() => {
    globalThis.fetch = realFetch;
  });
  beforeEach(() => sent.splice(0));

  const api = (clock: ReturnType<typeof fakeClock>) =>
    new GraphApi(settings, { credential, clock, maxAttempts: 1, limits: { writesPerWindow: 100, requestsPerWindow: 40, windowInMs: 20_000 } });
  const reads = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: `${tag}${i}`, path: `/deviceManagement/deviceConfigurations/${tag}${i}` }));

  it("charges a $batch of 20 GETs as 20 requests: a third batch waits for the window", async () => {
    const clock = fakeClock(1_000);
    const graph = api(clock);
    await graph.batchGet(reads(20, "a"));
    await graph.batchGet(reads(20, "b"));
    assert.deepStrictEqual(clock.sleeps, [], "40 sub-requests fit a window of 40");
    assert.strictEqual(graph.limiter.waitInMs({ requests: 1, writes: 0 }), 20_000, "the window is full after two batches");
    const third = await graph.batchGet(reads(20, "c"));
    assert.strictEqual(third.size, 20);
    assert.deepStrictEqual(clock.sleeps, [20_000], "the third batch waited until the first two left the window");
    assert.deepStrictEqual(sent.map((s) => [s.method, s.subRequests]), [["POST", 20], ["POST", 20], ["POST", 20]]);
  });

  it("charges a plain request as one", async () => {
    const clock = fakeClock(1_000);
    const graph = api(clock);
    for (let i = 0; i < 40; i++) await graph.get(`/deviceManagement/roleScopeTags/${i}`);
    assert.deepStrictEqual(clock.sleeps, []);
    await graph.get("/deviceManagement/roleScopeTags/40");
    assert.deepStrictEqual(clock.sleeps, [20_000]);
  });
});
