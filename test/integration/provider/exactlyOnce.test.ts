// Creates happen exactly once, whatever the tenant does with the answer: the EmailProfile handler
// against the emulator with lost answers, connections dropped before the commit, an interrupted earlier
// run that left a profile behind, and a look-alike made in the portal that must not be taken.
import * as assert from "assert";
import { resolveSettings } from "../../../provider/config";
import { ProviderRun } from "../../../provider/run";
import { handler } from "../../../provider/dispatch";
import { inputs } from "../../support/emailCorpus";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

type Props = Record<string, any>;
const profiles = "/deviceManagement/deviceConfigurations";

describe("integration: exactly-once EmailProfile creates", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  /** A new provider process: a fresh run, as the next `pulumi up` would start. */
  let run: ProviderRun;
  const newRun = () => (run = new ProviderRun(resolveSettings((k) => emu.config[k], {})));
  const profileHandler = () => handler("EmailProfile", run);
  const checked = async (news: Props) => {
    const r = await profileHandler().check({}, news);
    assert.deepStrictEqual(r.failures ?? [], []);
    return r.inputs as Props;
  };
  const named = async (displayName: string) => ((await client.graph("GET", `${profiles}?$top=999`)).body.value as Props[]).filter((p) => p.displayName === displayName);
  const posts = async () => (await client.requests()).filter((r) => r.method === "POST" && r.path.endsWith("/deviceConfigurations"));

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
  });
  beforeEach(() => newRun());
  after(() => emu.close());

  it("an answer lost after the commit is found again: one profile, no second POST", async () => {
    const news = await checked(inputs("windows10", { displayName: "Lost answer" }));
    await client.clearRequests();
    await client.injectFault({ match: { method: "POST", path: "deviceConfigurations$" }, fault: "reset-after", count: 1 });
    const { id } = await profileHandler().create(news);
    assert.deepStrictEqual((await named("Lost answer")).map((p) => p.id), [id]);
    assert.strictEqual((await posts()).length, 1);
  });

  it("a connection dropped before the commit: the lookup finds nothing, so the POST is sent again: one profile", async () => {
    const news = await checked(inputs("iosIpados", { displayName: "Dropped before commit" }));
    await client.clearRequests();
    await client.injectFault({ match: { method: "POST", path: "deviceConfigurations$" }, fault: "reset-before", count: 1 });
    await profileHandler().create(news);
    assert.strictEqual((await named("Dropped before commit")).length, 1);
    assert.strictEqual((await posts()).length, 2);
  });

  it("when every POST fails without a commit, nothing is recorded and the next run creates exactly one", async () => {
    const news = await checked(inputs("iosIpados", { displayName: "Never committed" }));
    await client.injectFault({ match: { method: "POST", path: "deviceConfigurations$" }, fault: "error", count: 3 });
    await assert.rejects(profileHandler().create(news), /after 3 attempts whether Intune committed profile "Never committed" is unknown .*the next `pulumi up` looks for it again/s);
    assert.deepStrictEqual(await named("Never committed"), []);
    newRun();
    await profileHandler().create(news);
    assert.strictEqual((await named("Never committed")).length, 1);
  });

  it("a profile an interrupted run left behind (same content, no assignments) is taken over instead of duplicated", async () => {
    const news = await checked(inputs("androidDeviceAdministrator", { displayName: "Left behind", settings: { syncCalendar: true } }));
    // What the killed run's POST committed: exactly the declared values.
    const left = await client.graph("POST", profiles, {
      "@odata.type": "#microsoft.graph.androidEasEmailProfileConfiguration",
      displayName: "Left behind",
      ...news.settings,
    });
    assert.strictEqual(left.status, 201);
    await client.clearRequests();
    const { id } = await profileHandler().create(news);
    assert.strictEqual(id, left.body.id);
    assert.strictEqual((await posts()).length, 0, "no second profile");
    assert.strictEqual((await named("Left behind")).length, 1);
  });

  it("a look-alike that is assigned, or differs in a declared setting, is never taken: a new profile is created", async () => {
    const news = await checked(inputs("windows10", { displayName: "Look-alike", settings: { syncContacts: true } }));
    const assigned = await client.graph("POST", profiles, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "Look-alike", ...news.settings });
    await client.graph("POST", `${profiles}/${assigned.body.id}/assignments`, {
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "5f1c6a0e-2b7d-4c1e-9a3f-0d8e1b2c3a41" },
    });
    const different = await client.graph("POST", profiles, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "Look-alike", ...news.settings, syncContacts: false });
    const { id } = await profileHandler().create(news);
    assert.ok(![assigned.body.id, different.body.id].includes(id));
    assert.strictEqual((await named("Look-alike")).length, 3);
  });

  it("a lost answer while a portal look-alike exists picks the profile this create made", async () => {
    const news = await checked(inputs("windows10", { displayName: "Twin" }));
    const portal = await client.graph("POST", profiles, { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "Twin", ...news.settings });
    await client.graph("POST", `${profiles}/${portal.body.id}/assignments`, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } });
    await client.injectFault({ match: { method: "POST", path: "deviceConfigurations$" }, fault: "reset-after", count: 1 });
    const { id } = await profileHandler().create(news);
    assert.notStrictEqual(id, portal.body.id);
    assert.strictEqual((await named("Twin")).length, 2);
  });

  it("deleting, in the same run, the old profile that a replacement took over leaves it in place", async () => {
    const news = await checked(inputs("windows10", { displayName: "Renamed resource" }));
    const first = await profileHandler().create(news);
    newRun();
    // The program renamed the resource: Pulumi creates the new one, then deletes the old one.
    const second = await profileHandler().create(news);
    assert.strictEqual(second.id, first.id);
    await profileHandler().delete(first.id, first.outs!);
    assert.strictEqual((await named("Renamed resource")).length, 1);
  });
});
