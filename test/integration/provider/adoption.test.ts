// Adoption of portal-made objects by every resource, and the name lookups, against the emulator: no
// Graph write when the program matches the tenant, only the differing part otherwise, clear refusals.
import * as assert from "assert";
import { SEEDED_GROUPS, seedDeviceConfiguration, seedPortalAssignment } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { handler } from "../../../provider/dispatch";
import { ProviderRun } from "../../../provider/run";
import { resolveIdByName } from "../../../sdk/lookup";
import { impactSettled } from "../../../provider/impact/analyze";
import { UNKNOWN } from "../../../provider/validation";
import { EmulatorClient, type LoggedRequest } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

type Props = Record<string, any>;
const writes = (log: LoggedRequest[]) =>
  log.filter((r) => ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) && !/oauth2/.test(r.path) && !(r.path.endsWith("/$batch") && ((r.body as { requests?: { method: string }[] })?.requests ?? []).every((q) => q.method === "GET")));
const FILTER = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/** What `run` writes to stderr (where impact warnings go when no engine is connected). */
async function stderrOf(providerRun: ProviderRun, run: () => Promise<unknown>): Promise<string> {
  const original = process.stderr.write.bind(process.stderr);
  let text = "";
  process.stderr.write = ((chunk: string | Uint8Array) => ((text += String(chunk)), true)) as typeof process.stderr.write;
  try {
    await run();
    // Impact work runs beside the engine; what it says is final once it has settled.
    await impactSettled(providerRun);
  } finally {
    process.stderr.write = original;
  }
  return text;
}

describe("integration: adoption and lookups by name", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  let run: ProviderRun;
  const freshRun = () => (run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 } }));
  const checked = async (kind: string, news: Props) => {
    const r = await handler(kind, run).check({}, news);
    assert.deepStrictEqual(r.failures ?? [], []);
    return r.inputs as Props;
  };

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    freshRun();
  });
  after(() => emu.close());

  describe("ScopeTag adoptExistingId", () => {
    it("takes over a matching tag without a write, and refresh keeps the adoption", async () => {
      const tag = emu.server.store.addRoleScopeTag({ displayName: "Portal tag", description: "made by hand" });
      const inputs = await checked("ScopeTag", { displayName: "Portal tag", description: "made by hand", adoptExistingId: String(tag.id) });
      await client.clearRequests();
      const { id, outs } = await handler("ScopeTag", run).create(inputs);
      assert.strictEqual(id, tag.id);
      assert.deepStrictEqual(writes(await client.requests()), []);
      const read = await handler("ScopeTag", run).read(id, outs!);
      assert.deepStrictEqual(read.inputs, inputs);
      assert.deepStrictEqual(await handler("ScopeTag", run).diff(id, read.inputs!, inputs), { changes: false });
    });

    it("writes only what differs", async () => {
      const tag = emu.server.store.addRoleScopeTag({ displayName: "Drifted tag", description: "old" });
      const inputs = await checked("ScopeTag", { displayName: "Drifted tag", description: "new", adoptExistingId: String(tag.id) });
      await client.clearRequests();
      await handler("ScopeTag", run).create(inputs);
      assert.deepStrictEqual(writes(await client.requests()).map((r) => [r.method, r.body]), [["PATCH", { description: "new" }]]);
    });

    it("refuses the built-in tag 0 at check, and a missing tag at create", async () => {
      const r = await handler("ScopeTag", run).check({}, { displayName: "Mine", adoptExistingId: "0" });
      assert.match(r.failures![0].reason, /`adoptExistingId` "0" is the built-in Default scope tag; it cannot be adopted/);
      const bad = await handler("ScopeTag", run).check({}, { displayName: "Mine", adoptExistingId: "tag-1" });
      assert.match(bad.failures![0].reason, /`adoptExistingId` must be a scope tag id \(digits, e\.g\. "3"\), got "tag-1"/);
      await assert.rejects(() => handler("ScopeTag", run).create({ displayName: "Mine", adoptExistingId: "999" }), /`adoptExistingId` must name an existing scope tag, got "999" \(Graph answered 404\)/);
    });
  });

  describe("ProfileAssignment adoptExisting", () => {
    let profileId: string;
    beforeEach(() => {
      profileId = String(
        seedDeviceConfiguration(emu.server.store, {
          "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration",
          displayName: `Adopted ${Math.random()}`,
          hostName: "outlook.office365.com",
          accountName: "Work mail",
          emailAddressSource: "primarySmtpAddress",
          usernameSource: "userPrincipalName",
        }).entity.id,
      );
      seedPortalAssignment(emu.server.store, profileId, {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        groupId: SEEDED_GROUPS.salesUsers.id,
        deviceAndAppManagementAssignmentFilterId: FILTER,
        deviceAndAppManagementAssignmentFilterType: "include",
      });
      seedPortalAssignment(emu.server.store, profileId, { groupId: SEEDED_GROUPS.kioskDevices.id, exclude: true });
    });
    const targets = () => [
      { kind: "group", groupId: SEEDED_GROUPS.salesUsers.id, filterId: FILTER, filterType: "include" },
      { kind: "exclusionGroup", groupId: SEEDED_GROUPS.kioskDevices.id },
    ];

    it("owns existing targets as they are, without a write; refresh and diff show nothing", async () => {
      const inputs = await checked("ProfileAssignment", { profileId, targets: targets(), adoptExisting: true });
      await client.clearRequests();
      const { id, outs } = await handler("ProfileAssignment", run).create(inputs);
      assert.deepStrictEqual(writes(await client.requests()), []);
      const live = (await client.graph("GET", `/deviceManagement/deviceConfigurations/${profileId}/assignments`)).body.value as Props[];
      assert.deepStrictEqual(Object.values(outs!.assignmentIds).sort(), live.map((a) => a.id).sort());
      const read = await handler("ProfileAssignment", run).read(id, outs!);
      assert.deepStrictEqual(read.inputs, inputs);
      assert.deepStrictEqual(await handler("ProfileAssignment", run).diff(id, read.inputs!, inputs), { changes: false });
      // Owned now: deleting the resource removes them.
      await handler("ProfileAssignment", run).delete(id, outs!);
      assert.deepStrictEqual((await client.graph("GET", `/deviceManagement/deviceConfigurations/${profileId}/assignments`)).body.value, []);
    });

    it("adds targets that do not exist and replaces one whose filter differs", async () => {
      const news = [
        { kind: "group", groupId: SEEDED_GROUPS.salesUsers.id, filterId: FILTER, filterType: "exclude" },
        { kind: "exclusionGroup", groupId: SEEDED_GROUPS.kioskDevices.id },
        { kind: "allDevices" },
      ];
      const inputs = await checked("ProfileAssignment", { profileId, targets: news, adoptExisting: true });
      await client.clearRequests();
      await handler("ProfileAssignment", run).create(inputs);
      const w = writes(await client.requests()).map((r) => `${r.method} ${r.path.replace(/^.*\/assignments/, "assignments")}`);
      assert.strictEqual(w.filter((x) => x.startsWith("DELETE")).length, 1, w.join("\n"));
      assert.strictEqual(w.filter((x) => x.startsWith("POST")).length, 2, w.join("\n"));
      const live = (await client.graph("GET", `/deviceManagement/deviceConfigurations/${profileId}/assignments`)).body.value as Props[];
      const sales = live.find((a) => a.target.groupId === SEEDED_GROUPS.salesUsers.id)!;
      assert.strictEqual(sales.target.deviceAndAppManagementAssignmentFilterType, "exclude");
      assert.strictEqual(live.length, 3);
    });

    it("at preview, speaks only of the targets adoption adds, also for a profile adopted in the same program", async () => {
      freshRun();
      const profileUrn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/intune:EmailProfile::adopted";
      await checked("EmailProfile", {
        displayName: "Adopted",
        platform: "windows10",
        settings: { hostName: "outlook.office365.com", accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
        adoptExistingId: profileId,
        __urn: profileUrn,
      });
      const said = await stderrOf(run, () =>
        checked("ProfileAssignment", {
          profileId: UNKNOWN, // the adopted profile's id output, unknown at preview
          targets: [...targets(), { kind: "group", groupId: SEEDED_GROUPS.allStaff.id }],
          adoptExisting: true,
          __urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/intune:ProfileAssignment::adopted-assignments",
          __profileUrn: profileUrn,
        }),
      );
      assert.match(said, /will be delivered to "All Staff" \(120 members\)/);
      assert.doesNotMatch(said, /Sales Users|Kiosk Devices/);
      // Without adoptExisting every target is new.
      freshRun();
      const plain = await stderrOf(run, () => checked("ProfileAssignment", { profileId, targets: targets(), __urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/intune:ProfileAssignment::plain" }));
      assert.match(plain, /will be delivered to "Sales Users"/);
    });

    it("without adoptExisting still refuses a target it does not own, and says how to adopt", async () => {
      const inputs = await checked("ProfileAssignment", { profileId, targets: targets() });
      await assert.rejects(() => handler("ProfileAssignment", run).create(inputs), /already has an assignment for (group|exclusionGroup):.*Or set `adoptExisting: true` to take it over/);
    });
  });

  describe("lookups by display name", () => {
    const settings = () => resolveSettings((k) => emu.config[k], {});

    it("resolves a seeded group and a scope tag (Default is 0) to their ids", async () => {
      assert.strictEqual(await resolveIdByName("group", "Sales Users", settings()), SEEDED_GROUPS.salesUsers.id);
      assert.strictEqual(await resolveIdByName("group", "Kiosk Devices", settings()), SEEDED_GROUPS.kioskDevices.id);
      assert.strictEqual(await resolveIdByName("group", "O'Brien's team", settings()).catch((e: Error) => e.message), 'lookupGroupByName: expected exactly one Entra ID group with display name "O\'Brien\'s team", found 0');
      assert.strictEqual(await resolveIdByName("scopeTag", "Default", settings()), "0");
      const tag = emu.server.store.addRoleScopeTag({ displayName: "Lookup tag" });
      assert.strictEqual(await resolveIdByName("scopeTag", "Lookup tag", settings()), tag.id);
    });

    it("fails naming the display name and the count when there is not exactly one", async () => {
      await assert.rejects(() => resolveIdByName("group", "Nobody", settings()), /^Error: lookupGroupByName: expected exactly one Entra ID group with display name "Nobody", found 0$/);
      emu.server.store.addGroup({ id: "9a9a9a9a-1111-4222-8333-944444444444", displayName: "Field Engineers", description: "second", memberKind: "user", memberCount: 1 });
      await assert.rejects(
        () => resolveIdByName("group", "Field Engineers", settings()),
        new RegExp(`found 2 \\(ids ${SEEDED_GROUPS.fieldEngineers.id}, 9a9a9a9a-1111-4222-8333-944444444444\\)`),
      );
      await assert.rejects(() => resolveIdByName("scopeTag", "Nope", settings()), /lookupScopeTagByName: expected exactly one scope tag with display name "Nope", found 0/);
    });
  });
});
