import * as assert from "assert";
import * as fs from "fs";
import * as https from "https";
import { assertGraphError, iosProfile } from "./helpers";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const TAGS = "/deviceManagement/roleScopeTags";

describe("emulator integration: $batch, faults and throttling", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator();
  });
  after(() => h.server.close());
  beforeEach(() => {
    h.server.reset();
  });

  it("runs $batch sub-requests through the pipeline and honours dependsOn", async () => {
    const r = await h.graph("POST", "/$batch", {
      requests: [
        { id: "1", method: "POST", url: TAGS, headers: { "Content-Type": "application/json" }, body: { displayName: "Batch" } },
        { id: "2", method: "GET", url: "/beta/deviceManagement/roleScopeTags/1", dependsOn: ["1"] },
        { id: "3", method: "POST", url: TAGS, body: { displayName: "Batch" } },
        { id: "4", method: "GET", url: `${TAGS}/0`, dependsOn: ["3"] },
        { id: "5", method: "GET", url: "/groups?$top=1" },
      ],
    });
    assert.strictEqual(r.status, 200);
    const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]));
    assert.strictEqual(byId["1"].status, 201);
    assert.strictEqual(byId["2"].body.displayName, "Batch");
    assert.match(byId["2"].headers["Content-Type"], /^application\/json/);
    assert.strictEqual(byId["3"].status, 400);
    assert.strictEqual(byId["4"].status, 424);
    assert.strictEqual(byId["5"].status, 200);
    assertGraphError(await h.graph("POST", "/$batch", { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: TAGS })) }), 400, "BadRequest", /limit is 20/);
    assertGraphError(await h.graph("POST", "/$batch", { requests: [{ id: "a", method: "GET", url: TAGS }, { id: "a", method: "GET", url: TAGS }] }), 400, "BadRequest", /more than once/);
    assertGraphError(await h.client.request("POST", "/beta/$batch", { requests: [{ id: "a", method: "GET", url: TAGS }] }), 401, "InvalidAuthenticationToken");
  });

  it("answers the fault header: throttle with Retry-After, unavailable, error, latency", async () => {
    const t = await h.graph("GET", TAGS, undefined, { "x-emulator-fault": "throttle;retryAfter=2" });
    assertGraphError(t, 429, "TooManyRequests");
    assert.strictEqual(t.headers["retry-after"], "2");
    assertGraphError(await h.graph("GET", TAGS, undefined, { "x-emulator-fault": "unavailable" }), 503, "ServiceUnavailable");
    assertGraphError(await h.graph("GET", TAGS, undefined, { "x-emulator-fault": "error" }), 500, "InternalServerError");
    const started = Date.now();
    assert.strictEqual((await h.graph("GET", TAGS, undefined, { "x-emulator-fault": "latency;ms=150" })).status, 200);
    assert.ok(Date.now() - started >= 140);
    assertGraphError(await h.graph("GET", TAGS, undefined, { "x-emulator-fault": "explode" }), 400, "BadRequest", /Unknown fault/);
    const log = h.server.requests();
    assert.deepStrictEqual(log.slice(0, 3).map((r) => [r.status, r.fault]), [[429, "throttle"], [503, "unavailable"], [500, "error"]]);
  });

  it("queues faults for the next matching requests through the control API", async () => {
    const queued = await h.client.request("POST", "/_emulator/faults", { match: { method: "POST", path: "roleScopeTags" }, fault: "throttle", retryAfterInSeconds: 1, count: 2 });
    assert.strictEqual(queued.status, 201);
    assert.strictEqual((await h.graph("GET", TAGS)).status, 200, "GET does not match");
    assert.strictEqual((await h.graph("POST", TAGS, { displayName: "q" })).status, 429);
    assert.strictEqual((await h.graph("POST", TAGS, { displayName: "q" })).status, 429);
    assert.strictEqual((await h.graph("POST", TAGS, { displayName: "q" })).status, 201);
    await h.client.injectFault({ match: { path: "roleScopeTags" }, fault: "unavailable", count: 5 });
    await h.client.clearFaults();
    assert.strictEqual((await h.graph("GET", TAGS)).status, 200);
    const logged = await h.client.requests();
    assert.deepStrictEqual(logged.filter((r) => r.method === "POST").map((r) => r.status), [429, 429, 201]);
    assert.ok(logged.every((r) => !r.path.startsWith("/_emulator")), "control calls are not logged");
  });

  it("reset-after commits the write but the client sees a socket error; reset-before commits nothing", async () => {
    await h.client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "reset-after" });
    await assert.rejects(() => h.graph("POST", TAGS, { displayName: "Lost" }), (e: any) => ["ECONNRESET", "EPIPE"].includes(e.code) || /socket hang up/.test(e.message));
    const after = await h.graph("GET", `${TAGS}?$filter=${encodeURIComponent("displayName eq 'Lost'")}`);
    assert.strictEqual(after.body.value.length, 1);
    await assert.rejects(() => h.graph("POST", TAGS, { displayName: "Never" }, { "x-emulator-fault": "reset-before" }));
    assert.strictEqual((await h.graph("GET", `${TAGS}?$filter=${encodeURIComponent("displayName eq 'Never'")}`)).body.value.length, 0);
  });

  it("enforces Intune's write throttle when switched on, with Retry-After", async () => {
    const config = await h.client.request("PUT", "/_emulator/config", { throttling: true, throttleLimits: { writesPerAppPerWindow: 3, windowInMs: 60_000 } });
    assert.strictEqual(config.status, 200);
    try {
      for (let i = 0; i < 3; i++) assert.strictEqual((await h.graph("POST", TAGS, { displayName: `t${i}` })).status, 201);
      const limited = await h.graph("POST", TAGS, { displayName: "t3" });
      assertGraphError(limited, 429, "TooManyRequests");
      assert.ok(Number(limited.headers["retry-after"]) > 50);
      assert.strictEqual((await h.graph("GET", TAGS)).status, 200, "reads still pass");
      // The control API is not counted.
      for (let i = 0; i < 5; i++) assert.strictEqual((await h.client.request("GET", "/_emulator/state")).status, 200);
    } finally {
      await h.client.request("PUT", "/_emulator/config", { throttling: false, throttleLimits: { writesPerAppPerWindow: 100, windowInMs: 20_000 } });
    }
  });

  it("dumps and seeds the whole state through the control API", async () => {
    const profile = await h.graph("POST", "/deviceManagement/deviceConfigurations", iosProfile());
    const state = await h.client.state();
    assert.strictEqual(state.deviceConfigurations.length, 1);
    await h.client.reset();
    assert.strictEqual((await h.client.state()).deviceConfigurations.length, 0);
    assert.strictEqual((await h.client.request("PUT", "/_emulator/state", state)).status, 204);
    assert.strictEqual((await h.graph("GET", `/deviceManagement/deviceConfigurations/${profile.body.id}`)).body.displayName, "iOS mail");
  });

  it("speaks TLS with a certificate for 127.0.0.1 and localhost signed by the CA", async () => {
    const ca = fs.readFileSync(h.client.info.caCertPath);
    const port = new URL(h.client.info.graphEndpoint).port;
    for (const host of ["127.0.0.1", "localhost"]) {
      const status = await new Promise<number>((resolve, reject) => {
        https.get({ host, port, path: "/_emulator/info", ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject);
      });
      assert.strictEqual(status, 200, host);
    }
  });
});
