import * as assert from "assert";
import type { EmulatorInfo } from "../../../emulator";
import { EmulatorClient } from "../../support/emulatorClient";
import { iosProfile } from "./helpers";
import { runEmulatorProcess, startEmulatorProcess, startTestEmulator, stopEmulatorProcess, type TestEmulator } from "../../support/testEmulator";

const CONFIGS = "/deviceManagement/deviceConfigurations";

describe("emulator integration: dialects through the control API", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator();
  });
  after(() => h.server.close());

  it("switches GET answers between schema, live and sparse at run time, and rejects an unknown dialect", async () => {
    const created = await h.graph("POST", CONFIGS, iosProfile());
    assert.strictEqual(created.status, 201);
    const id = created.body.id;

    const schema = await h.graph("GET", `${CONFIGS}/${id}`);
    assert.strictEqual(schema.body.requireSmime, null);
    assert.strictEqual(schema.body.signingCertificateType, null);
    assert.ok(!("@microsoft.graph.tips" in schema.body));

    assert.strictEqual((await h.client.request("PUT", "/_emulator/config", { dialect: "live" })).status, 200);
    const live = await h.graph("GET", `${CONFIGS}/${id}`);
    assert.strictEqual(live.body.requireSmime, false);
    assert.strictEqual(live.body.signingCertificateType, "none");
    assert.strictEqual(live.body.easServices, "calendars,contacts,email");
    assert.match(live.body["@microsoft.graph.tips"], /^Use \$select to choose only the properties your app needs/);
    const list = await h.graph("GET", CONFIGS);
    assert.ok(list.body["@odata.context"]);
    assert.match(list.body["@microsoft.graph.tips"], /GET deviceManagement\/deviceConfigurations\?\$select=/);
    assert.strictEqual(list.body.value[0].requireSmime, false);

    assert.strictEqual((await h.client.request("PUT", "/_emulator/config", { dialect: "sparse" })).status, 200);
    const sparse = await h.graph("GET", `${CONFIGS}/${id}`);
    assert.ok(!("requireSmime" in sparse.body));
    assert.ok(!("signingCertificateType" in sparse.body));
    assert.strictEqual(sparse.body.hostName, "outlook.office365.com");

    const bad = await h.client.request("PUT", "/_emulator/config", { dialect: "foo" });
    assert.strictEqual(bad.status, 400);
    assert.match(bad.body.error.message, /`dialect` must be one of schema, live, sparse, got "foo"/);
    assert.strictEqual((await h.client.request("GET", "/_emulator/config")).body.dialect, "sparse");
  });
});


/** Status of each of `count` GETs of the scope tags (0 when the connection was reset). */
async function statuses(info: EmulatorInfo, count: number): Promise<number[]> {
  const client = new EmulatorClient(info);
  // Chaos may also hit the token request when identity is on; it is off by default.
  const auth = { authorization: `Bearer ${await client.token()}` };
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = await client.request("GET", "/beta/deviceManagement/roleScopeTags", undefined, auth).catch(() => ({ status: 0 }));
    out.push(r.status);
  }
  return out;
}

describe("emulator integration: chaos and dialect through the bin flags", function () {
  this.timeout(60_000);

  it("injects the same faults for the same --seed, others for another seed, and counts them", async () => {
    const runs: number[][] = [];
    for (const seed of ["7", "7", "8"]) {
      const { child, info } = await startEmulatorProcess(["--port", "0", "--chaos", "0.5", "--seed", seed]);
      try {
        runs.push(await statuses(info, 40));
        if (runs.length === 1) {
          const client = new EmulatorClient(info);
          const report = (await client.request("GET", "/_emulator/chaos")).body;
          assert.strictEqual(report.rate, 0.5);
          assert.strictEqual(report.seed, 7);
          assert.strictEqual(report.requestsSeen, 40);
          const faulted = runs[0].filter((s) => s !== 200).length;
          assert.strictEqual(report.injectedTotal, faulted);
          assert.ok(faulted > 5 && faulted < 35, `about half of 40 faulted, got ${faulted}`);
          const log = (await client.request("GET", "/_emulator/requests")).body as { path: string; fault?: string }[];
          assert.strictEqual(log.filter((e) => e.fault?.startsWith("chaos:")).length, faulted);
        }
      } finally {
        await stopEmulatorProcess(child);
      }
    }
    assert.deepStrictEqual(runs[1], runs[0]);
    assert.notDeepStrictEqual(runs[2], runs[0]);
    assert.ok(runs[0].every((s) => [0, 200, 429, 500, 502, 503, 504].includes(s)), runs[0].join(","));
  });

  it("serves the live dialect with --dialect live", async () => {
    const { child, info } = await startEmulatorProcess(["--port", "0", "--dialect", "live"]);
    try {
      const client = new EmulatorClient(info);
      const tag = await client.graph("GET", "/deviceManagement/roleScopeTags/0");
      assert.match(tag.body["@microsoft.graph.tips"], /roleScopeTags\('<key>'\)\?\$select=/);
    } finally {
      await stopEmulatorProcess(child);
    }
  });

  it("exits 1 naming the flag, the allowed values and the bad value", async () => {
    const [dialect, rate, seed] = await Promise.all([runEmulatorProcess(["--dialect", "foo"]), runEmulatorProcess(["--chaos", "2"]), runEmulatorProcess(["--chaos", "0.1", "--seed", "x"])]);
    assert.strictEqual(dialect.code, 1);
    assert.match(dialect.stderr, /--dialect must be one of schema, live, sparse, got "foo"/);
    assert.strictEqual(rate.code, 1);
    assert.match(rate.stderr, /--chaos must be a rate from 0 to 1, got "2"/);
    assert.strictEqual(seed.code, 1);
    assert.match(seed.stderr, /--seed must be an integer, got "x"/);
  });
});
