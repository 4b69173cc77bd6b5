import * as assert from "assert";
import { IOS, assertGraphError, iosProfile } from "./helpers";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const DC = "/deviceManagement/deviceConfigurations";

describe("emulator integration: device configurations", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator({ pageSize: 3 });
  });
  after(() => h.server.close());
  beforeEach(() => h.server.store.reset());

  it("rejects an unknown property, a bad enum value and a read-only field with Graph's 400 body", async () => {
    assertGraphError(await h.graph("POST", DC, iosProfile({ foo: "bar" })), 400, "BadRequest", /Property 'foo' does not exist on type 'microsoft\.graph\.iosEasEmailProfileConfiguration'/);
    assertGraphError(await h.graph("POST", DC, iosProfile({ durationOfEmailToSync: "bogus" })), 400, "BadRequest", /Invalid value 'bogus' for property 'durationOfEmailToSync'/);
    assertGraphError(await h.graph("POST", DC, iosProfile({ easServices: "email,fax" })), 400, "BadRequest", /'fax'.*easServices/);
    assertGraphError(await h.graph("POST", DC, iosProfile({ version: 4 })), 400, "BadRequest", /'version'.*read-only/);
    assertGraphError(await h.graph("POST", DC, iosProfile({ hostName: null })), 400, "BadRequest", /null value.*'hostName'/);
    assertGraphError(await h.graph("POST", DC, iosProfile({ roleScopeTagIds: ["99"] })), 400, "BadRequest", /Role scope tag '99'/);
    assertGraphError(await h.graph("POST", DC, { displayName: "no type" }), 400, "BadRequest", /@odata\.type/);
    assertGraphError(await h.graph("POST", DC, { "@odata.type": "#microsoft.graph.iosCertificateProfileBase", displayName: "abstract" }), 400, "BadRequest");
    assertGraphError(await h.graph("POST", DC, { "@odata.type": "#microsoft.graph.madeUp", displayName: "x" }), 400, "BadRequest");
    assertGraphError(await h.client.request("POST", `/beta${DC}`, "{not json", { authorization: `Bearer ${await h.token()}` }), 400, "BadRequest", /not valid JSON/);
    assert.deepStrictEqual(h.server.store.listDeviceConfigurations(), []);
  });

  it("creates a valid profile (201) and GET returns every property with server defaults", async () => {
    const created = await h.graph("POST", DC, iosProfile());
    assert.strictEqual(created.status, 201);
    const id = created.body.id;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const got = await h.graph("GET", `${DC}/${id}`);
    assert.strictEqual(got.status, 200);
    assert.strictEqual(got.body["@odata.type"], IOS);
    assert.match(got.body["@odata.context"], /\$metadata#deviceManagement\/deviceConfigurations\/\$entity$/);
    assert.strictEqual(got.body.version, 1);
    assert.strictEqual(got.body.supportsScopeTags, true);
    assert.deepStrictEqual(got.body.roleScopeTagIds, ["0"]);
    assert.strictEqual(got.body.easServices, "calendars,contacts,email");
    assert.strictEqual(got.body.authenticationMethod, null);
    assert.strictEqual(got.body.usernameSource, "userPrincipalName");
    assert.strictEqual(got.body.description, null);
    assert.ok(!("identityCertificate" in got.body));
    const flat = h.server.store.index.schema.flattenedDeviceConfigurationTypes.iosEasEmailProfileConfiguration;
    for (const p of flat.properties) assert.ok(p.name in got.body, p.name);
    assertGraphError(await h.graph("GET", `${DC}/${id}?$expand=identityCertificate`), 400, "BadRequest", /\$expand/);
    const selected = await h.graph("GET", `${DC}/${id}?$select=displayName,version`);
    assert.deepStrictEqual(Object.keys(selected.body).sort(), ["@odata.context", "@odata.type", "displayName", "version"]);
  });

  it("PATCH keeps omitted fields, bumps version, and refuses a different type or read-only fields", async () => {
    const { body: created } = await h.graph("POST", DC, iosProfile({ description: "first" }));
    const patched = await h.graph("PATCH", `${DC}/${created.id}`, { "@odata.type": IOS, hostName: "mail.contoso.example" });
    assert.strictEqual(patched.status, 204);
    const got = (await h.graph("GET", `${DC}/${created.id}`)).body;
    assert.strictEqual(got.hostName, "mail.contoso.example");
    assert.strictEqual(got.description, "first");
    assert.strictEqual(got.accountName, "Corporate mail");
    assert.strictEqual(got.version, 2);
    assert.strictEqual(got.createdDateTime, created.createdDateTime);
    assertGraphError(await h.graph("PATCH", `${DC}/${created.id}`, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "x" }), 400, "BadRequest", /does not match/);
    assertGraphError(await h.graph("PATCH", `${DC}/${created.id}`, { "@odata.type": IOS, supportsScopeTags: false }), 400, "BadRequest", /read-only/);
    assertGraphError(await h.graph("PATCH", `${DC}/${created.id}`, { hostName: "x" }), 400, "BadRequest", /@odata\.type/);
    assertGraphError(await h.graph("PUT", `${DC}/${created.id}`, iosProfile()), 400, "BadRequest");
    assert.strictEqual((await h.graph("GET", `${DC}/${created.id}`)).body.version, 2);
  });

  it("DELETE answers 200 and a later GET 404 ResourceNotFound", async () => {
    const { body } = await h.graph("POST", DC, iosProfile());
    assert.strictEqual((await h.graph("DELETE", `${DC}/${body.id}`)).status, 200);
    assertGraphError(await h.graph("GET", `${DC}/${body.id}`), 404, "ResourceNotFound");
    assertGraphError(await h.graph("DELETE", `${DC}/${body.id}`), 404, "ResourceNotFound");
  });

  it("lists with paging via @odata.nextLink, $filter isof and displayName, $top", async () => {
    for (let i = 0; i < 5; i++) await h.graph("POST", DC, iosProfile({ displayName: `mail ${i}` }));
    await h.graph("POST", DC, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "win", hostName: "h", accountName: "a" });
    const first = await h.graph("GET", DC);
    assert.strictEqual(first.body.value.length, 3);
    assert.ok(first.body["@odata.nextLink"].startsWith(`${h.client.info.graphEndpoint}/beta${DC}?`), first.body["@odata.nextLink"]);
    const names: string[] = first.body.value.map((v: any) => v.displayName);
    let next: string | undefined = first.body["@odata.nextLink"];
    while (next) {
      const page = await h.client.request("GET", next, undefined, { authorization: `Bearer ${await h.token()}` });
      assert.strictEqual(page.status, 200);
      names.push(...page.body.value.map((v: any) => v.displayName));
      next = page.body["@odata.nextLink"];
    }
    assert.deepStrictEqual(names, ["mail 0", "mail 1", "mail 2", "mail 3", "mail 4", "win"]);

    const isof = await h.graph("GET", `${DC}?$filter=${encodeURIComponent(`isof('microsoft.graph.iosEasEmailProfileConfiguration')`)}&$top=10`);
    assert.strictEqual(isof.body.value.length, 5);
    assert.strictEqual(isof.body["@odata.nextLink"], undefined);
    const both = await h.graph("GET", `${DC}?$filter=${encodeURIComponent(`isof('microsoft.graph.iosEasEmailProfileConfiguration') and displayName eq 'mail 3'`)}`);
    assert.deepStrictEqual(both.body.value.map((v: any) => v.displayName), ["mail 3"]);
    const filteredPaged = await h.graph("GET", `${DC}?$filter=${encodeURIComponent("startswith(displayName,'mail')")}&$top=4`);
    assert.strictEqual(filteredPaged.body.value.length, 4);
    const rest = await h.client.request("GET", filteredPaged.body["@odata.nextLink"], undefined, { authorization: `Bearer ${await h.token()}` });
    assert.deepStrictEqual(rest.body.value.map((v: any) => v.displayName), ["mail 4"]);
    assertGraphError(await h.graph("GET", `${DC}?$filter=${encodeURIComponent("nope eq 1")}`), 400, "BadRequest", /nope/);
  });

  it("models Intune's read-after-create 404 when configured", async () => {
    h.server.configure({ readAfterCreate404Count: 2 });
    try {
      const { body } = await h.graph("POST", DC, iosProfile());
      assertGraphError(await h.graph("GET", `${DC}/${body.id}`), 404, "ResourceNotFound");
      assertGraphError(await h.graph("GET", `${DC}/${body.id}`), 404, "ResourceNotFound");
      assert.strictEqual((await h.graph("GET", `${DC}/${body.id}`)).status, 200);
    } finally {
      h.server.configure({ readAfterCreate404Count: 0 });
    }
  });

  it("answers unknown segments and versions with Graph's 400", async () => {
    assertGraphError(await h.graph("GET", "/deviceManagement/widgets"), 400, "BadRequest", /Resource not found for the segment 'widgets'/);
    assertGraphError(await h.client.request("GET", "/v1.0/deviceManagement/deviceConfigurations", undefined, { authorization: `Bearer ${await h.token()}` }), 400, "BadRequest");
    assertGraphError(await h.client.request("GET", "/v3.0/groups", undefined, { authorization: `Bearer ${await h.token()}` }), 400, "BadRequest", /version/);
  });
});
