import * as assert from "assert";
import { DEFAULT_GRANTED_ROLES, type EmulatorServer } from "../../../emulator";
import type { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator } from "../../support/testEmulator";

const CONFIGS = "/beta/deviceManagement/deviceConfigurations";
const TAGS = "/beta/deviceManagement/roleScopeTags";
const IOS = {
  "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
  displayName: "iOS mail",
  hostName: "outlook.office365.com",
  emailAddressSource: "primarySmtpAddress",
  easServices: "email,calendars",
};

describe("emulator pipeline: stage order, dialects, faults and config", () => {
  let server: EmulatorServer;
  let client: EmulatorClient;
  let auth: Record<string, string>;
  before(async () => {
    const emulator = await startTestEmulator();
    ({ server, client } = emulator);
    auth = { authorization: `Bearer ${await emulator.token()}` };
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.configure({ dialect: "schema", grantedRoles: [...DEFAULT_GRANTED_ROLES], chaos: { rate: 0, seed: 0, identity: false } });
  });

  it("runs route → authenticate → validate → faults → throttle → handle → faults-after-commit → serialize", () => {
    assert.deepStrictEqual(server.stageNames, ["route", "authenticate", "validate", "faults", "throttle", "handle", "faults-after-commit", "serialize"]);
  });

  it("answers 401 before 400: an invalid body with a bad or missing token is a 401", async () => {
    const invalid = { ...IOS, notAProperty: true };
    const bad = await client.request("POST", CONFIGS, invalid, { authorization: "Bearer not.a.token" });
    assert.strictEqual(bad.status, 401, JSON.stringify(bad.body));
    assert.strictEqual(bad.body.error.code, "InvalidAuthenticationToken");
    const none = await client.request("POST", CONFIGS, invalid);
    assert.strictEqual(none.status, 401);
    // Unparseable JSON too: the body is looked at only after authentication.
    const raw = await client.request("POST", CONFIGS, "{not json");
    assert.strictEqual(raw.status, 401);
    const withToken = await client.request("POST", CONFIGS, invalid, auth);
    assert.strictEqual(withToken.status, 400);
    assert.match(withToken.body.error.message, /notAProperty/);
  });

  it("answers 403 (missing permission) before 400 as well", async () => {
    server.configure({ grantedRoles: ["DeviceManagementConfiguration.Read.All"] });
    const readOnly = { authorization: `Bearer ${await client.token()}` };
    const r = await client.request("POST", CONFIGS, { ...IOS, notAProperty: true }, readOnly);
    assert.strictEqual(r.status, 403);
  });

  it("schema dialect (default): unset nullable boolean null, no tips annotation", async () => {
    const created = await client.request("POST", CONFIGS, IOS, auth);
    assert.strictEqual(created.status, 201);
    const got = await client.request("GET", `${CONFIGS}/${created.body.id}`, undefined, auth);
    assert.strictEqual(got.body.requireSmime, null);
    assert.strictEqual(got.body.accountName, "");
    assert.deepStrictEqual(got.body.roleScopeTagIds, ["0"]);
    assert.ok(!("@microsoft.graph.tips" in got.body));
    assert.match(got.body["@odata.context"], /\$metadata#deviceManagement\/deviceConfigurations\/\$entity$/);
  });

  it("live dialect: context and tips on entity and collection GETs, not on writes; flags in bit order", async () => {
    server.configure({ dialect: "live" });
    const created = await client.request("POST", CONFIGS, IOS, auth);
    assert.ok(!("@microsoft.graph.tips" in created.body), "no tips on a POST answer");
    assert.strictEqual(created.body.requireSmime, false);
    const got = await client.request("GET", `${CONFIGS}/${created.body.id}`, undefined, auth);
    assert.ok(got.body["@odata.context"]);
    assert.strictEqual(
      got.body["@microsoft.graph.tips"],
      "Use $select to choose only the properties your app needs, as this could lead to performance improvements. For example: GET deviceManagement/deviceConfigurations('<key>')?$select=accountName,authenticationMethod",
    );
    assert.strictEqual(got.body.easServices, "calendars,email");
    assert.strictEqual(got.body.signingCertificateType, "none");
    assert.strictEqual(got.body.description, null);
    const list = await client.request("GET", TAGS, undefined, auth);
    assert.match(list.body["@microsoft.graph.tips"], /GET deviceManagement\/roleScopeTags\?\$select=/);
    assert.ok(list.body["@odata.context"]);
    const tag = await client.request("GET", `${TAGS}/0`, undefined, auth);
    assert.match(tag.body["@microsoft.graph.tips"], /roleScopeTags\('<key>'\)/);
  });

  it("sparse dialect: unset properties are left out, $select still works", async () => {
    server.configure({ dialect: "sparse" });
    const created = await client.request("POST", CONFIGS, IOS, auth);
    const got = await client.request("GET", `${CONFIGS}/${created.body.id}`, undefined, auth);
    assert.ok(!("requireSmime" in got.body));
    assert.ok(!("accountName" in got.body));
    assert.strictEqual(got.body.hostName, "outlook.office365.com");
    assert.strictEqual(got.body.version, 1);
    const selected = await client.request("GET", `${CONFIGS}/${created.body.id}?$select=hostName,requireSmime`, undefined, auth);
    assert.deepStrictEqual(Object.keys(selected.body).sort(), ["@odata.context", "@odata.type", "hostName"]);
  });

  it("the store keeps only what was set plus server-owned members", async () => {
    const created = await client.request("POST", CONFIGS, IOS, auth);
    const stored = server.store.getDeviceConfiguration(created.body.id)!.entity;
    assert.deepStrictEqual(Object.keys(stored).sort(), [...Object.keys(IOS), "id", "createdDateTime", "lastModifiedDateTime", "version", "supportsScopeTags", "roleScopeTagIds"].sort());
  });

  it("answers queued 429 without Retry-After (throttle;retryAfter=none) and 502 bad-gateway", async () => {
    const bare = await client.request("GET", TAGS, undefined, { ...auth, "x-emulator-fault": "throttle;retryAfter=none" });
    assert.strictEqual(bare.status, 429);
    assert.strictEqual(bare.headers["retry-after"], undefined);
    const withHeader = await client.request("GET", TAGS, undefined, { ...auth, "x-emulator-fault": "throttle;retryAfter=3" });
    assert.strictEqual(withHeader.headers["retry-after"], "3");
    const gateway = await client.request("GET", TAGS, undefined, { ...auth, "x-emulator-fault": "bad-gateway" });
    assert.strictEqual(gateway.status, 502);
    assert.strictEqual(gateway.body.error.code, "BadGateway");
  });

  it("runs $batch and each sub-request through chaos, and logs chaos faults", async () => {
    // A rate this small never fires but still counts what chaos saw.
    server.configure({ chaos: { rate: 1e-12, seed: 1 } });
    const batch = await client.request("POST", "/beta/$batch", { requests: [1, 2, 3].map((i) => ({ id: String(i), method: "GET", url: `/deviceManagement/roleScopeTags/0` })) }, auth);
    assert.strictEqual(batch.status, 200);
    assert.strictEqual(server.chaosReport().requestsSeen, 4);
    server.configure({ chaos: { rate: 1, seed: 1 } });
    await client.request("GET", TAGS, undefined, auth).catch(() => undefined);
    const last = server.requests().at(-1)!;
    assert.match(last.fault ?? "", /^chaos:/);
    const report = await client.request("GET", "/_emulator/chaos");
    assert.strictEqual(report.body.rate, 1);
    assert.strictEqual(report.body.injectedTotal, 1);
  });

  it("leaves the token endpoint alone unless chaos.identity is set", async () => {
    server.configure({ chaos: { rate: 1, seed: 5 } });
    assert.ok(await client.token());
    server.configure({ chaos: { rate: 1, seed: 5, identity: true } });
    await assert.rejects(() => client.token());
  });

  it("validates config changes: errors name the setting, rule and value, and nothing changes", async () => {
    assert.throws(() => server.configure({ dialect: "foo" } as never), /`dialect` must be one of schema, live, sparse, got "foo"/);
    const r = await client.request("PUT", "/_emulator/config", { dialect: "foo" });
    assert.strictEqual(r.status, 400);
    assert.match(r.body.error.message, /`dialect` must be one of schema, live, sparse, got "foo"/);
    const partial = await client.request("PUT", "/_emulator/config", { pageSize: 5, chaos: { rate: 1.5 } });
    assert.strictEqual(partial.status, 400);
    assert.match(partial.body.error.message, /`chaos.rate` must be a number from 0 to 1, got 1.5/);
    assert.strictEqual(server.config.pageSize, 25, "a rejected patch changes nothing");
    const seed = await client.request("PUT", "/_emulator/config", { chaos: { rate: 0.1, seed: "7" } });
    assert.match(seed.body.error.message, /`chaos.seed` must be an integer, got "7"/);
    const ok = await client.request("PUT", "/_emulator/config", { dialect: "live", chaos: { rate: 0.1, seed: 7 } });
    assert.strictEqual(ok.status, 200);
    assert.strictEqual(ok.body.dialect, "live");
    assert.deepStrictEqual(ok.body.chaos, { rate: 0.1, seed: 7, identity: false });
  });
});
