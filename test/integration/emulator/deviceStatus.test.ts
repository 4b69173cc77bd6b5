// The rollout status routes over HTTPS: overviews, device and user statuses derived from the tenant,
// schema-shaped bodies, paging, query validation, permissions, $batch.
import * as assert from "assert";
import { DEFAULT_GRANTED_ROLES, SEEDED_GROUPS } from "../../../emulator";
import { loadGraphSchema } from "../../../schema/index";
import { assertGraphError, iosProfile } from "./helpers";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

const DC = "/deviceManagement/deviceConfigurations";
const schema = loadGraphSchema();
const propertyNames = (type: string) => ["id", ...schema.entityTypes[type].properties.map((p) => p.name)].sort();

describe("emulator integration: rollout status of device configurations", () => {
  let h: TestEmulator;
  before(async () => {
    h = await startTestEmulator({ pageSize: 10 });
  });
  after(() => h.server.close());
  beforeEach(() => h.server.store.reset());

  async function profile(extra: Record<string, unknown>, groups: string[]): Promise<string> {
    const created = await h.graph("POST", DC, iosProfile(extra));
    assert.strictEqual(created.status, 201, JSON.stringify(created.body));
    for (const groupId of groups) {
      const a = await h.graph("POST", `${DC}/${created.body.id}/assignments`, { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } });
      assert.strictEqual(a.status, 201, JSON.stringify(a.body));
    }
    return created.body.id;
  }

  it("answers the device and user overviews with the schema's members, counting derived statuses", async () => {
    const first = await profile({ displayName: "first" }, [SEEDED_GROUPS.salesUsers.id]);
    const second = await profile({ displayName: "second" }, [SEEDED_GROUPS.salesUsers.id, SEEDED_GROUPS.kioskDevices.id]);
    const ok = await h.graph("GET", `${DC}/${first}/deviceStatusOverview`);
    assert.strictEqual(ok.status, 200, JSON.stringify(ok.body));
    assert.deepStrictEqual(Object.keys(ok.body).filter((k) => !k.startsWith("@")).sort(), propertyNames("deviceConfigurationDeviceOverview"));
    assert.match(ok.body["@odata.context"], /\$metadata#deviceManagement\/deviceConfigurations\('.*'\)\/deviceStatusOverview\/\$entity$/);
    assert.deepStrictEqual(
      [ok.body.successCount, ok.body.errorCount, ok.body.conflictCount, ok.body.pendingCount, ok.body.notApplicableCount, ok.body.failedCount, ok.body.configurationVersion],
      [42, 0, 0, 0, 0, 0, 1],
    );
    const blocked = (await h.graph("GET", `${DC}/${second}/deviceStatusOverview`)).body;
    assert.deepStrictEqual([blocked.successCount, blocked.errorCount], [8, 42]);
    const users = await h.graph("GET", `${DC}/${second}/userStatusOverview`);
    assert.deepStrictEqual(Object.keys(users.body).filter((k) => !k.startsWith("@")).sort(), propertyNames("deviceConfigurationUserOverview"));
    // Kiosk devices have no primary user, so only the 42 sales users count.
    assert.deepStrictEqual([users.body.successCount, users.body.errorCount], [0, 42]);
    const selected = await h.graph("GET", `${DC}/${second}/deviceStatusOverview?$select=errorCount,successCount`);
    assert.deepStrictEqual(Object.keys(selected.body).filter((k) => !k.startsWith("@")).sort(), ["errorCount", "successCount"]);
  });

  it("lists device statuses with paging, $filter, $count and $select; bodies follow deviceConfigurationDeviceStatus", async () => {
    await profile({ displayName: "first" }, [SEEDED_GROUPS.fieldEngineers.id]);
    const second = await profile({ displayName: "second", hostName: "OUTLOOK.OFFICE365.COM" }, [SEEDED_GROUPS.fieldEngineers.id, SEEDED_GROUPS.kioskDevices.id]);
    const page = await h.graph("GET", `${DC}/${second}/deviceStatuses?$count=true`);
    assert.strictEqual(page.status, 200, JSON.stringify(page.body));
    assert.strictEqual(page.body["@odata.count"], 25);
    assert.strictEqual(page.body.value.length, 10);
    assert.deepStrictEqual(Object.keys(page.body.value[0]).sort(), propertyNames("deviceConfigurationDeviceStatus"));
    assert.ok(page.body["@odata.nextLink"]);
    const all: any[] = [...page.body.value];
    let next: string | undefined = page.body["@odata.nextLink"];
    while (next) {
      const r = await h.client.request("GET", new URL(next).pathname + new URL(next).search, undefined, { authorization: `Bearer ${await h.token()}` });
      assert.strictEqual(r.status, 200, JSON.stringify(r.body));
      all.push(...r.body.value);
      next = r.body["@odata.nextLink"];
    }
    assert.strictEqual(all.length, 25);
    assert.strictEqual(new Set(all.map((s) => s.id)).size, 25);
    assert.ok(all.every((s) => s.id.startsWith(`${second}_`)));
    assert.deepStrictEqual(all.filter((s) => s.status === "error").length, 17);
    const field = all.find((s) => s.status === "error");
    assert.match(field.userPrincipalName, /^user\d{3}\.8a2d4e6f@contoso\.example$/);
    assert.strictEqual(all.filter((s) => s.userPrincipalName === null).length, 8);

    const errors = await h.graph("GET", `${DC}/${second}/deviceStatuses?$filter=status eq 'error'&$top=100&$select=deviceDisplayName,status`);
    assert.strictEqual(errors.body.value.length, 17);
    assert.deepStrictEqual(Object.keys(errors.body.value[0]).sort(), ["deviceDisplayName", "status"]);
    // Derivation is deterministic: the same device ids on every read.
    const again = await h.graph("GET", `${DC}/${second}/deviceStatuses?$top=100&$orderby=deviceDisplayName desc`);
    assert.deepStrictEqual(again.body.value.map((s: any) => s.id).sort(), all.map((s) => s.id).sort());
    assert.strictEqual(again.body.value[0].deviceDisplayName, "DEV-c3e5f7a9-008");

    const userRows = await h.graph("GET", `${DC}/${second}/userStatuses?$top=100`);
    assert.strictEqual(userRows.body.value.length, 17);
    assert.deepStrictEqual(Object.keys(userRows.body.value[0]).sort(), propertyNames("deviceConfigurationUserStatus"));
  });

  it("follows changes: removing the earlier duplicate profile clears the error", async () => {
    const first = await profile({ displayName: "first" }, [SEEDED_GROUPS.fieldEngineers.id]);
    const second = await profile({ displayName: "second" }, [SEEDED_GROUPS.fieldEngineers.id]);
    assert.strictEqual((await h.graph("GET", `${DC}/${second}/deviceStatusOverview`)).body.errorCount, 17);
    assert.strictEqual((await h.graph("DELETE", `${DC}/${first}`)).status, 200);
    const after = (await h.graph("GET", `${DC}/${second}/deviceStatusOverview`)).body;
    assert.deepStrictEqual([after.successCount, after.errorCount], [17, 0]);
  });

  it("validates like the other routes: 404 for unknown profiles, 400 for bad query options, 403 without permission", async () => {
    const id = await profile({ displayName: "p" }, [SEEDED_GROUPS.fieldEngineers.id]);
    assertGraphError(await h.graph("GET", `${DC}/00000000-0000-0000-0000-000000000000/deviceStatuses`), 404, "ResourceNotFound");
    assertGraphError(await h.graph("GET", `${DC}/00000000-0000-0000-0000-000000000000/deviceStatusOverview`), 404, "ResourceNotFound");
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatuses?$select=complianceState`), 400, "BadRequest", /complianceState/);
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatuses?$filter=nope eq 1`), 400, "BadRequest", /nope/);
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatuses?$top=0`), 400, "BadRequest", /\$top/);
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatuses?$skiptoken=garbage`), 400, "BadRequest");
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatusOverview?$top=3`), 400, "BadRequest", /\$top/);
    assertGraphError(await h.graph("GET", `${DC}/${id}/deviceStatuses?$expand=x`), 400, "BadRequest", /\$expand/);
    assertGraphError(await h.graph("POST", `${DC}/${id}/deviceStatuses`, {}), 400, "BadRequest", /HTTP method .POST. is not supported/);
    const anonymous = await h.client.request("GET", `/beta${DC}/${id}/deviceStatusOverview`);
    assert.strictEqual(anonymous.status, 401);
    h.server.configure({ grantedRoles: ["Group.Read.All"] });
    try {
      const token = await h.client.token();
      const denied = await h.client.request("GET", `/beta${DC}/${id}/deviceStatuses`, undefined, { authorization: `Bearer ${token}` });
      assertGraphError(denied, 403, "Forbidden", /DeviceManagementConfiguration\.Read\.All/);
      h.server.configure({ grantedRoles: ["DeviceManagementConfiguration.Read.All"] });
      const reader = await h.client.token();
      assert.strictEqual((await h.client.request("GET", `/beta${DC}/${id}/deviceStatuses`, undefined, { authorization: `Bearer ${reader}` })).status, 200);
    } finally {
      h.server.configure({ grantedRoles: [...DEFAULT_GRANTED_ROLES] });
    }
  });

  it("answers inside $batch", async () => {
    const id = await profile({ displayName: "p" }, [SEEDED_GROUPS.kioskDevices.id]);
    const r = await h.graph("POST", "/$batch", {
      requests: [
        { id: "1", method: "GET", url: `${DC}/${id}/deviceStatusOverview` },
        { id: "2", method: "GET", url: `${DC}/${id}/deviceStatuses?$top=999` },
      ],
    });
    assert.strictEqual(r.status, 200);
    const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]));
    assert.strictEqual(byId["1"].body.successCount, 8);
    assert.strictEqual(byId["2"].body.value.length, 8);
  });
});
