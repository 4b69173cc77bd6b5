import * as assert from "assert";
import * as fs from "fs";
import { ClientSecretCredential } from "@azure/identity";
import type { EmulatorInfo, EmulatorServer } from "../../../emulator";
import type { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator } from "../../support/testEmulator";
import { assertGraphError } from "./helpers";

function credential(info: EmulatorInfo, secret = info.clientSecret, clientId = info.clientId, tenantId = info.tenantId): ClientSecretCredential {
  // tlsOptions reaches the credential's HTTP pipeline, which MSAL uses as its network client.
  return new ClientSecretCredential(tenantId, clientId, secret, {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: fs.readFileSync(info.caCertPath, "utf8") },
  } as ConstructorParameters<typeof ClientSecretCredential>[3]);
}

describe("emulator integration: Entra ID and Graph auth", () => {
  let now = Date.now();
  let server: EmulatorServer;
  let info: EmulatorInfo;
  let client: EmulatorClient;

  before(async () => {
    ({ server, info, client } = await startTestEmulator({ clock: { now: () => now }, tokenLifetimeInSeconds: 600 }));
  });
  after(() => server.close());

  it("reports its connection info and runs on 127.0.0.1 with a real port", () => {
    assert.match(info.graphEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.notStrictEqual(info.graphEndpoint, "https://127.0.0.1:0");
    assert.strictEqual(info.authorityHost, info.graphEndpoint);
    assert.match(info.tenantId, /^[0-9a-f-]{36}$/);
    assert.match(fs.readFileSync(info.caCertPath, "utf8"), /BEGIN CERTIFICATE/);
    assert.strictEqual(server.status, "Running");
  });

  it("gives the real ClientSecretCredential a token that Graph accepts", async () => {
    const token = await credential(info).getToken(`${info.graphEndpoint}/.default`);
    assert.ok(token.token.split(".").length === 3);
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
    assert.strictEqual(claims.tid, info.tenantId);
    assert.strictEqual(claims.appid, info.clientId);
    assert.ok(claims.exp > now / 1000);
    const r = await client.request("GET", "/beta/deviceManagement/roleScopeTags", undefined, { authorization: `Bearer ${token.token}` });
    assert.strictEqual(r.status, 200);
    assert.ok(r.headers["request-id"]);
    const logged = server.requests().map((x) => `${x.method} ${x.path.split("?")[0]}`);
    assert.ok(logged.includes(`GET /${info.tenantId}/v2.0/.well-known/openid-configuration`), logged.join("\n"));
  });

  it("fails a wrong secret with AADSTS7000215 through the credential and on the wire", async () => {
    await assert.rejects(() => credential(info, "not-the-secret").getToken(`${info.graphEndpoint}/.default`), /AADSTS7000215/);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: info.clientId, client_secret: "nope", scope: `${info.graphEndpoint}/.default` });
    const r = await client.request("POST", `/${info.tenantId}/oauth2/v2.0/token`, form.toString(), { "content-type": "application/x-www-form-urlencoded" });
    assert.strictEqual(r.status, 401);
    assert.strictEqual(r.body.error, "invalid_client");
    assert.deepStrictEqual(r.body.error_codes, [7000215]);
    for (const k of ["timestamp", "trace_id", "correlation_id"]) assert.ok(r.body[k], k);
  });

  it("answers an unknown client with AADSTS700016, an unknown tenant with AADSTS90002 and a bad scope with AADSTS1002012", async () => {
    const post = (tenant: string, fields: Record<string, string>) =>
      client.request("POST", `/${tenant}/oauth2/v2.0/token`, new URLSearchParams(fields).toString(), { "content-type": "application/x-www-form-urlencoded" });
    const ok = { grant_type: "client_credentials", client_id: info.clientId, client_secret: info.clientSecret, scope: `${info.graphEndpoint}/.default` };
    const unknownClient = await post(info.tenantId, { ...ok, client_id: "11111111-1111-1111-1111-111111111111" });
    assert.deepStrictEqual([unknownClient.status, unknownClient.body.error_codes], [400, [700016]]);
    const unknownTenant = await post("22222222-2222-2222-2222-222222222222", ok);
    assert.deepStrictEqual([unknownTenant.status, unknownTenant.body.error_codes], [400, [90002]]);
    const badScope = await post(info.tenantId, { ...ok, scope: `${info.graphEndpoint}/DeviceManagementConfiguration.ReadWrite.All` });
    assert.deepStrictEqual([badScope.status, badScope.body.error_codes], [400, [1002012]]);
    await assert.rejects(() => credential(info, info.clientSecret, "11111111-1111-1111-1111-111111111111").getToken(`${info.graphEndpoint}/.default`), /AADSTS700016/);
  });

  it("answers Graph calls without a valid, unexpired token with 401 InvalidAuthenticationToken", async () => {
    assertGraphError(await client.request("GET", "/beta/deviceManagement/deviceConfigurations"), 401, "InvalidAuthenticationToken");
    assertGraphError(
      await client.request("GET", "/beta/deviceManagement/deviceConfigurations", undefined, { authorization: "Bearer a.b.c" }),
      401,
      "InvalidAuthenticationToken",
    );
    const token = await client.token();
    assert.strictEqual((await client.request("GET", "/beta/groups", undefined, { authorization: `Bearer ${token}` })).status, 200);
    now += 601_000;
    assertGraphError(await client.request("GET", "/beta/groups", undefined, { authorization: `Bearer ${token}` }), 401, "InvalidAuthenticationToken", /expired/);
  });

  it("answers 403 naming the permission when the app lacks it", async () => {
    server.configure({ grantedRoles: ["DeviceManagementRBAC.ReadWrite.All", "Group.Read.All"] });
    try {
      const token = await client.token();
      const r = await client.request("POST", "/beta/deviceManagement/deviceConfigurations", { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", displayName: "x" }, { authorization: `Bearer ${token}` });
      assertGraphError(r, 403, "Forbidden", /Application must have one of the following scopes: DeviceManagementConfiguration\.ReadWrite\.All/);
      assert.strictEqual((await client.request("GET", "/beta/deviceManagement/roleScopeTags", undefined, { authorization: `Bearer ${token}` })).status, 200);
    } finally {
      server.configure({ grantedRoles: ["DeviceManagementConfiguration.ReadWrite.All", "DeviceManagementRBAC.ReadWrite.All", "Group.Read.All"] });
    }
  });

  it("serves the OpenID configuration under both discovery paths", async () => {
    for (const p of [`/${info.tenantId}/v2.0/.well-known/openid-configuration`, `/${info.tenantId}/.well-known/openid-configuration`]) {
      const r = await client.request("GET", p);
      assert.strictEqual(r.status, 200);
      assert.strictEqual(r.body.token_endpoint, `${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`);
      for (const k of ["issuer", "authorization_endpoint", "jwks_uri"]) assert.ok(r.body[k], k);
    }
  });
});
