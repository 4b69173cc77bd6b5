// Faults after the commit: the handler runs and commits, then the client gets 500/502/504 with Graph's
// error body (a gateway that timed out after the back end did the work), in the header, in queued
// rules and in the seeded chaos mix, and logged as injected.
import * as assert from "assert";
import { CHAOS_MIX, type EmulatorServer, FAULT_NAMES, FaultQueue, chaosDraw, createServer, parseFaults } from "../../../emulator";
import { EmulatorClient } from "../../support/emulatorClient";

const TAGS = "/beta/deviceManagement/roleScopeTags";
const AFTER = [
  ["error-after", 500, "InternalServerError"],
  ["bad-gateway-after", 502, "BadGateway"],
  ["gateway-timeout-after", 504, "GatewayTimeout"],
] as const;

describe("emulator faults after the commit: parsing and queueing", () => {
  it("parses error-after, bad-gateway-after and gateway-timeout-after (any case, with other faults)", () => {
    assert.deepStrictEqual(parseFaults("error-after"), [{ name: "error-after" }]);
    assert.deepStrictEqual(parseFaults(" Bad-Gateway-After , latency;ms=5"), [{ name: "bad-gateway-after" }, { name: "latency", latencyInMs: 5 }]);
    assert.deepStrictEqual(parseFaults("timeout-after"), [{ name: "gateway-timeout-after" }]);
    for (const [name] of AFTER) assert.ok((FAULT_NAMES as readonly string[]).includes(name), name);
  });

  it("rejects a misspelt or parameterised after-fault, listing the known names", () => {
    assert.throws(() => parseFaults("error-afterwards"), /Unknown fault 'error-afterwards'\. Known: .*error-after, bad-gateway-after, gateway-timeout-after\./);
    assert.throws(() => parseFaults("gateway-timeout-after;ms=3"), /Unknown fault 'gateway-timeout-after;ms=3'/);
  });

  it("queues them per method and path like any other fault", () => {
    const q = new FaultQueue();
    q.add({ match: { method: "delete", path: "roleScopeTags/\\d+$" }, fault: "gateway-timeout-after", count: 2 });
    assert.strictEqual(q.take("DELETE", "/beta/deviceManagement/roleScopeTags"), undefined);
    assert.strictEqual(q.take("GET", "/beta/deviceManagement/roleScopeTags/3"), undefined);
    assert.deepStrictEqual(q.take("DELETE", "/beta/deviceManagement/roleScopeTags/3"), [{ name: "gateway-timeout-after" }]);
    assert.deepStrictEqual(q.take("DELETE", "/beta/deviceManagement/roleScopeTags/4"), [{ name: "gateway-timeout-after" }]);
    assert.strictEqual(q.take("DELETE", "/beta/deviceManagement/roleScopeTags/5"), undefined);
  });

  it("are part of the seeded chaos mix, with 500/502/504 split between before and after the commit", () => {
    const weight = (kind: string) => CHAOS_MIX.find((k) => k.kind === kind)?.weight ?? 0;
    for (const [name] of AFTER) {
      const entry = CHAOS_MIX.find((k) => k.kind === name);
      assert.ok(entry && entry.weight > 0, `${name} in the mix`);
      assert.strictEqual(entry.fault.name, name);
    }
    assert.strictEqual(
      CHAOS_MIX.reduce((n, k) => n + k.weight, 0),
      100,
      "weights are percentages",
    );
    // Every 5xx still totals what it did before the split.
    assert.strictEqual(weight("error") + weight("error-after"), 10);
    assert.strictEqual(weight("bad-gateway") + weight("bad-gateway-after"), 10);
    assert.strictEqual(weight("gateway-timeout") + weight("gateway-timeout-after"), 10);
    const drawn = new Set<string>();
    for (let i = 0; i < 2000; i++) drawn.add(chaosDraw({ rate: 1, seed: 9 }, "POST", "/beta/deviceManagement/deviceConfigurations", i)!.kind);
    for (const [name] of AFTER) assert.ok(drawn.has(name), `${name} drawn`);
  });
});

describe("emulator faults after the commit: the pipeline", () => {
  let server: EmulatorServer;
  let client: EmulatorClient;
  let auth: Record<string, string>;
  const tagsNamed = (name: string) => server.store.dump().roleScopeTags.filter((t) => t.displayName === name);

  before(async () => {
    server = createServer();
    client = new EmulatorClient(await server.start());
    auth = { authorization: `Bearer ${await client.token()}` };
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it("handles before it answers: faults-after-commit runs between handle and serialize", () => {
    const stages = server.stageNames;
    assert.deepStrictEqual(stages.slice(stages.indexOf("faults")), ["faults", "throttle", "handle", "faults-after-commit", "serialize"]);
  });

  for (const [name, status, code] of AFTER) {
    it(`${name} in the header: the POST commits, the client gets ${status} with Graph's error body, the log names the fault`, async () => {
      const r = await client.request("POST", TAGS, { displayName: `Header ${name}` }, { ...auth, "x-emulator-fault": name });
      assert.strictEqual(r.status, status, JSON.stringify(r.body));
      assert.strictEqual(r.body.error.code, code);
      assert.ok(r.body.error.innerError["request-id"], "Graph's error body");
      assert.strictEqual(tagsNamed(`Header ${name}`).length, 1, "committed");
      const logged = server.requests().at(-1)!;
      assert.deepStrictEqual([logged.method, logged.status, logged.fault], ["POST", status, name]);
    });
  }

  it("the same faults before the commit commit nothing (the contrast)", async () => {
    for (const name of ["error", "bad-gateway", "gateway-timeout"]) {
      const r = await client.request("POST", TAGS, { displayName: `Before ${name}` }, { ...auth, "x-emulator-fault": name });
      assert.ok(r.status >= 500, name);
      assert.deepStrictEqual(tagsNamed(`Before ${name}`), [], name);
    }
  });

  it("queued on DELETE: the object is gone, the client gets 504, and the retry gets 404", async () => {
    const created = await client.request("POST", TAGS, { displayName: "Doomed" }, auth);
    server.injectFault({ match: { method: "DELETE", path: "roleScopeTags/" }, fault: "gateway-timeout-after" });
    const first = await client.request("DELETE", `${TAGS}/${created.body.id}`, undefined, auth);
    assert.strictEqual(first.status, 504);
    assert.deepStrictEqual(tagsNamed("Doomed"), []);
    const again = await client.request("DELETE", `${TAGS}/${created.body.id}`, undefined, auth);
    assert.strictEqual(again.status, 404);
  });

  it("queued on PATCH: the change is stored, the client gets 502", async () => {
    const created = await client.request("POST", TAGS, { displayName: "Patched" }, auth);
    server.injectFault({ match: { method: "PATCH" }, fault: "bad-gateway-after" });
    const r = await client.request("PATCH", `${TAGS}/${created.body.id}`, { description: "new" }, auth);
    assert.strictEqual(r.status, 502);
    assert.strictEqual(tagsNamed("Patched")[0].description, "new");
  });

  it("a handler that refuses (404) is answered as such: there was nothing to commit", async () => {
    const r = await client.request("DELETE", `${TAGS}/999`, undefined, { ...auth, "x-emulator-fault": "error-after" });
    assert.strictEqual(r.status, 404);
  });

  it("inside a $batch, a sub-request's after-fault is its own 500 and its write is committed", async () => {
    server.injectFault({ match: { method: "POST", path: "roleScopeTags$" }, fault: "error-after" });
    const batch = await client.request(
      "POST",
      "/beta/$batch",
      { requests: [{ id: "1", method: "POST", url: "/deviceManagement/roleScopeTags", body: { displayName: "In batch" }, headers: { "content-type": "application/json" } }] },
      auth,
    );
    assert.strictEqual(batch.status, 200);
    assert.strictEqual(batch.body.responses[0].status, 500);
    assert.strictEqual(tagsNamed("In batch").length, 1);
  });

  it("chaos draws them too and logs them as chaos:<kind>", async () => {
    // Find a seed whose first POST to the collection draws an after-commit fault.
    const seed = [...Array(500).keys()].find((s) => chaosDraw({ rate: 1, seed: s }, "POST", TAGS, 0)?.kind === "gateway-timeout-after")!;
    assert.ok(seed !== undefined);
    server.configure({ chaos: { rate: 1, seed } });
    try {
      const r = await client.request("POST", TAGS, { displayName: "Chaos" }, auth);
      assert.strictEqual(r.status, 504);
      assert.strictEqual(server.chaosReport().injected["gateway-timeout-after"], 1);
    } finally {
      server.configure({ chaos: { rate: 0, seed: 0 } });
    }
    assert.strictEqual(tagsNamed("Chaos").length, 1);
    assert.strictEqual(server.requests().find((e) => e.method === "POST")!.fault, "chaos:gateway-timeout-after");
  });
});
