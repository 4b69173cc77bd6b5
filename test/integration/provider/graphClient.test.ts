// The Graph client's retry policy, token handling and limiter against the in-process emulator, through
// the real ClientSecretCredential and Graph client.
import * as assert from "assert";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { resolveSettings } from "../../../provider/config";
import { isGraphRequestError } from "../../../provider/errors";
import { GraphApi, createCredential, isLostResponse } from "../../../provider/graph";
import { ProviderRun } from "../../../provider/run";
import { EmulatorClient, type LoggedRequest } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const isTokenRequest = (r: LoggedRequest) => r.path.includes("oauth2/v2.0/token");
const isDiscovery = (r: LoggedRequest) => /openid-configuration|discovery\/instance/.test(r.path);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("integration: Graph client retries, tokens and limits", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  let api: GraphApi;

  /** A fresh emulator (so its app secret, and with it the shared credential, are new). */
  async function start(options: Parameters<typeof startTestEmulator>[0] = {}, graphOptions: ConstructorParameters<typeof GraphApi>[1] = {}) {
    await emu?.close();
    emu = await startTestEmulator(options);
    client = new EmulatorClient(emu.info);
    api = new GraphApi(resolveSettings((k) => emu.config[k], {}), { baseDelayInMs: 20, maxDelayInMs: 200, ...graphOptions });
  }
  after(() => emu?.close());

  describe("retry policy", () => {
    before(() => start());
    beforeEach(async () => {
      await client.clearFaults();
      await client.clearRequests();
    });

    it("retries a GET that answered 500 three times", async () => {
      await client.injectFault({ match: { method: "GET", path: "roleScopeTags/0" }, fault: "error", count: 3 });
      const tag = await api.getRequired<{ id: string }>("/deviceManagement/roleScopeTags/0");
      assert.strictEqual(tag.id, "0");
      const gets = (await client.requests()).filter((r) => r.method === "GET" && r.path.includes("roleScopeTags/0"));
      assert.deepStrictEqual(gets.map((r) => r.status), [500, 500, 500, 200]);
    });

    it("gives up on a GET after maxAttempts and says so", async () => {
      const strict = new GraphApi(api.settings, { maxAttempts: 2, baseDelayInMs: 10 });
      await client.injectFault({ match: { method: "GET", path: "roleScopeTags/0" }, fault: "unavailable", count: 5 });
      await assert.rejects(
        () => strict.getRequired("/deviceManagement/roleScopeTags/0"),
        (e: unknown) =>
          isGraphRequestError(e) &&
          e.statusCode === 503 &&
          e.attempts === 2 &&
          /^GET \/deviceManagement\/roleScopeTags\/0 failed with 503 ServiceUnavailable after 2 attempts in \d+\.\d s: .*request-id [0-9a-f-]{36}$/.test(e.message),
      );
    });

    it("retries a PATCH whose connection dropped before the service saw it", async () => {
      const created = await api.post<{ id: string }>("/deviceManagement/roleScopeTags", { displayName: "Patched after reset" });
      await client.injectFault({ match: { method: "PATCH", path: "roleScopeTags" }, fault: "reset-before", count: 1 });
      await api.patch(`/deviceManagement/roleScopeTags/${created.id}`, { description: "second try" });
      assert.strictEqual((await client.graph("GET", `/deviceManagement/roleScopeTags/${created.id}`)).body.description, "second try");
      const patches = (await client.requests()).filter((r) => r.method === "PATCH");
      assert.strictEqual(patches.length, 2);
      assert.strictEqual(patches[0].status, 0);
      assert.ok(patches[1].status < 300, `second PATCH answered ${patches[1].status}`);
    });

    it("does not retry a POST whose answer was lost after the commit", async () => {
      await client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "reset-after", count: 1 });
      await assert.rejects(
        () => api.post("/deviceManagement/roleScopeTags", { displayName: "Lost once" }),
        (e: unknown) => isLostResponse(e) && isGraphRequestError(e) && e.statusCode === 0 && e.attempts === 1,
      );
      const posts = (await client.requests()).filter((r) => r.method === "POST" && r.path.includes("roleScopeTags"));
      assert.strictEqual(posts.length, 1, "sent once");
      const tags = (await client.graph("GET", "/deviceManagement/roleScopeTags")).body.value.filter((t: { displayName: string }) => t.displayName === "Lost once");
      assert.strictEqual(tags.length, 1, "the create was committed exactly once");
    });

    it("re-sends throttled GET sub-requests of a $batch and returns only final answers", async () => {
      await client.injectFault({ match: { method: "GET", path: "roleScopeTags/0" }, fault: "throttle", retryAfterInSeconds: 1, count: 1 });
      const results = await api.batchGet([
        { id: "a", path: "/deviceManagement/roleScopeTags/0" },
        { id: "b", path: "/deviceManagement/roleScopeTags" },
      ]);
      assert.deepStrictEqual([...results].map(([id, r]) => [id, r.status]), [["a", 200], ["b", 200]]);
      const log = await client.requests();
      assert.deepStrictEqual(log.filter((r) => r.batchRequestId === "a").map((r) => r.status), [429, 200]);
      assert.deepStrictEqual(log.filter((r) => r.batchRequestId === "b").map((r) => r.status), [200], "the answered sub-request was not sent again");
    });
  });

  describe("tokens", () => {
    it("50 concurrent GETs through one GraphApi fetch one token", async () => {
      await start();
      await Promise.all(Array.from({ length: 50 }, () => api.getRequired("/deviceManagement/roleScopeTags/0")));
      const log = await client.requests();
      assert.strictEqual(log.filter(isTokenRequest).length, 1);
      assert.ok(log.filter(isDiscovery).length <= 1, `discovery calls: ${log.filter(isDiscovery).map((r) => r.path).join(", ")}`);
      assert.strictEqual(log.filter((r) => r.path.includes("roleScopeTags/0") && r.status === 200).length, 50);
    });

    it("a new run (the engine reconfigured) keeps the process's credential", async () => {
      await start();
      const settings = resolveSettings((k) => emu.config[k], {});
      const firstRun = new ProviderRun(settings, { graphOptions: {} });
      await firstRun.graph.getRequired("/deviceManagement/roleScopeTags/0");
      const nextRun = new ProviderRun(settings, { graphOptions: { maxAttempts: 2 } });
      await nextRun.graph.getRequired("/deviceManagement/roleScopeTags/0");
      assert.notStrictEqual(nextRun.graph, firstRun.graph);
      assert.strictEqual(nextRun.graph.credential, firstRun.graph.credential);
      assert.strictEqual((await client.requests()).filter(isTokenRequest).length, 1);
    });

    it("a run longer than the token lifetime (2 s) succeeds at every step", async () => {
      await start({ tokenLifetimeInSeconds: 2 });
      const started = Date.now();
      for (let i = 0; i < 12; i++) {
        await api.getRequired("/deviceManagement/roleScopeTags/0");
        await sleep(500);
      }
      assert.ok(Date.now() - started > 5000);
      const log = await client.requests();
      assert.ok(log.filter(isTokenRequest).length >= 3, "tokens were renewed");
      assert.strictEqual(log.filter((r) => r.path.includes("roleScopeTags/0") && r.status !== 200).length, 0);
    });

    it("a token the service calls expired (clock skew) is replaced once and the request retried", async () => {
      await start({ tokenLifetimeInSeconds: 2 });
      const settings = resolveSettings((k) => emu.config[k], {});
      const real = createCredential(settings);
      // The credential claims an hour, so only the service's 401 can tell that the token expired.
      const skewed: TokenCredential = {
        getToken: async (scopes, options) => {
          const t = (await real.getToken(scopes, options)) as AccessToken;
          return { ...t, expiresOnTimestamp: Date.now() + 3600_000, refreshAfterTimestamp: undefined };
        },
      };
      const skewedApi = new GraphApi(settings, { credential: skewed });
      await skewedApi.getRequired("/deviceManagement/roleScopeTags/0");
      await sleep(3000);
      await client.clearRequests();
      await Promise.all(Array.from({ length: 5 }, () => skewedApi.getRequired("/deviceManagement/roleScopeTags/0")));
      const log = await client.requests();
      const gets = log.filter((r) => r.path.includes("roleScopeTags/0"));
      assert.deepStrictEqual(gets.filter((r) => r.status === 200).length, 5);
      assert.ok(gets.some((r) => r.status === 401), "the expired token was rejected first");
      assert.ok(log.filter(isTokenRequest).length <= 5, `token requests: ${log.filter(isTokenRequest).length}`);
    });
  });

  describe("limiter under the emulator's throttles", () => {
    it("a burst of writes, reads and batches draws no 429", async () => {
      const windowInMs = 1000;
      await start(
        { throttling: true, throttleLimits: { windowInMs, writesPerAppPerWindow: 10, writesPerTenantPerWindow: 20, requestsPerAppPerWindow: 30 } },
        { limits: { windowInMs, writesPerWindow: 10, requestsPerWindow: 30, tenantWritesPerWindow: 20 } },
      );
      const created = await api.post<{ id: string }>("/deviceManagement/roleScopeTags", { displayName: "Busy tag" });
      await client.clearRequests();
      await Promise.all([
        ...Array.from({ length: 25 }, (_, i) => api.patch(`/deviceManagement/roleScopeTags/${created.id}`, { description: `n${i}` })),
        ...Array.from({ length: 30 }, () => api.getRequired("/deviceManagement/roleScopeTags/0")),
        api.batchGet(Array.from({ length: 40 }, (_, i) => ({ id: `g${i}`, path: "/deviceManagement/roleScopeTags/0" }))),
      ]);
      const log = await client.requests();
      const graphCalls = log.filter((r) => !isTokenRequest(r) && !isDiscovery(r) && !r.path.endsWith("/$batch"));
      assert.strictEqual(graphCalls.length, 25 + 30 + 40);
      assert.deepStrictEqual(graphCalls.filter((r) => r.status === 429).length, 0);
    });
  });
});
