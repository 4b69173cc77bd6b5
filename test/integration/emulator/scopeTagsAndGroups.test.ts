import * as assert from "assert";
import { SEEDED_GROUPS } from "../../../emulator";
import { assertGraphError } from "./helpers";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const TAGS = "/deviceManagement/roleScopeTags";

describe("emulator integration: role scope tags and groups", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator({ pageSize: 2 });
  });
  after(() => h.server.close());

  it("creates tags with sequential ids, reads, lists with paging and filter, patches and deletes", async () => {
    const a = await h.graph("POST", TAGS, { displayName: "EMEA", description: "Europe" });
    const b = await h.graph("POST", TAGS, { displayName: "APAC" });
    assert.deepStrictEqual([a.status, a.body.id, b.body.id], [201, "1", "2"]);
    assert.deepStrictEqual((await h.graph("GET", `${TAGS}/2`)).body, {
      "@odata.context": `${h.client.info.graphEndpoint}/beta/$metadata#deviceManagement/roleScopeTags/$entity`,
      id: "2",
      displayName: "APAC",
      description: null,
      isBuiltIn: false,
    });
    const page = await h.graph("GET", TAGS);
    assert.strictEqual(page.body.value.length, 2);
    const rest = await h.client.request("GET", page.body["@odata.nextLink"], undefined, { authorization: `Bearer ${await h.token()}` });
    assert.deepStrictEqual(rest.body.value.map((t: any) => t.displayName), ["APAC"]);
    const filtered = await h.graph("GET", `${TAGS}?$filter=${encodeURIComponent("displayName eq 'EMEA'")}`);
    assert.deepStrictEqual(filtered.body.value.map((t: any) => t.id), ["1"]);
    assert.strictEqual((await h.graph("PATCH", `${TAGS}/1`, { description: "Europe, Middle East" })).status, 204);
    assert.strictEqual((await h.graph("GET", `${TAGS}/1`)).body.description, "Europe, Middle East");
    assert.strictEqual((await h.graph("DELETE", `${TAGS}/1`)).status, 204);
    assertGraphError(await h.graph("GET", `${TAGS}/1`), 404, "ResourceNotFound");
  });

  it("protects the built-in Default tag and enforces names", async () => {
    const builtIn = (await h.graph("GET", `${TAGS}/0`)).body;
    assert.deepStrictEqual([builtIn.displayName, builtIn.isBuiltIn], ["Default", true]);
    assertGraphError(await h.graph("PATCH", `${TAGS}/0`, { description: "x" }), 400, "BadRequest", /built in/);
    assertGraphError(await h.graph("DELETE", `${TAGS}/0`), 400, "BadRequest", /built in/);
    assertGraphError(await h.graph("POST", TAGS, { displayName: "default" }), 400, "BadRequest", /already exists/);
    assertGraphError(await h.graph("POST", TAGS, { description: "nameless" }), 400, "BadRequest", /displayName/);
    assertGraphError(await h.graph("POST", TAGS, { displayName: "x", isBuiltIn: true }), 400, "BadRequest", /isBuiltIn.*read-only/);
    assertGraphError(await h.graph("POST", TAGS, { displayName: "x", color: "red" }), 400, "BadRequest", /'color'/);
  });

  it("serves seeded groups with $filter, $select and transitive member counts", async () => {
    const all = await h.graph("GET", "/groups?$top=10");
    assert.deepStrictEqual(all.body.value.map((g: any) => g.displayName).sort(), ["All Staff", "Field Engineers", "Kiosk Devices", "Sales Users"]);
    const sales = await h.client.request("GET", `/v1.0/groups?$filter=${encodeURIComponent("displayName eq 'Sales Users'")}&$select=id,displayName`, undefined, {
      authorization: `Bearer ${await h.token()}`,
    });
    assert.deepStrictEqual(sales.body.value, [{ id: SEEDED_GROUPS.salesUsers.id, displayName: "Sales Users" }]);
    const one = await h.graph("GET", `/groups/${SEEDED_GROUPS.kioskDevices.id}`);
    assert.deepStrictEqual([one.body.securityEnabled, one.body.mailEnabled, one.body.groupTypes], [true, false, ["DynamicMembership"]]);
    assertGraphError(await h.graph("GET", "/groups/00000000-0000-0000-0000-000000000000"), 404, "Request_ResourceNotFound");

    const countPath = `/groups/${SEEDED_GROUPS.salesUsers.id}/transitiveMembers/$count`;
    assertGraphError(await h.graph("GET", countPath), 400, "Request_BadRequest");
    const count = await h.graph("GET", countPath, undefined, { ConsistencyLevel: "eventual" });
    assert.strictEqual(count.status, 200);
    assert.strictEqual(count.body, 42);
    assert.match(String(count.headers["content-type"]), /^text\/plain/);
    const devices = await h.graph("GET", `/groups/${SEEDED_GROUPS.kioskDevices.id}/transitiveMembers/microsoft.graph.device/$count`, undefined, { ConsistencyLevel: "eventual" });
    assert.strictEqual(devices.body, 8);
  });
});
