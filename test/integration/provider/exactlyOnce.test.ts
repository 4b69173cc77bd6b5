// Creates happen exactly once, whatever the tenant does with the answer: the EmailProfile handler
// against the emulator with lost answers, connections dropped before the commit, an interrupted earlier
// run that left a profile behind, and a look-alike made in the portal that must not be taken. Then every
// write of every resource when the tenant commits and the gateway answers 500, 502 or 504: one object
// per create, deletes done (the retry's 404 included), updates converged.
import * as assert from "assert";
import { SEEDED_GROUPS } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { ProviderRun } from "../../../provider/run";
import { handler } from "../../../provider/dispatch";
import { checkProfileAssignmentInputs } from "../../../provider/resources/profileAssignment";
import { inputs } from "../../support/emailCorpus";
import { COMMIT_THEN_5XX, faultProbe } from "../../support/commitFaults";
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

describe("integration: exactly once when the tenant commits, then answers 500, 502 or 504", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  // Short backoffs: the retries are what is tested, not their pacing.
  let run: ProviderRun;
  const newRun = () => (run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { baseDelayInMs: 10 } }));
  const profile = async (news: Props) => {
    const r = await handler("EmailProfile", run).check({}, news);
    assert.deepStrictEqual(r.failures ?? [], []);
    return r.inputs as Props;
  };
  const assignmentInputs = (profileId: string, groupId: string) => {
    const { inputs: checked, failures } = checkProfileAssignmentInputs({ profileId, targets: [{ kind: "group", groupId }] });
    assert.deepStrictEqual(failures, []);
    return checked;
  };
  const list = async (path: string) => (await client.graph("GET", `${path}?$top=999`)).body.value as Props[];
  const profilesNamed = async (name: string) => (await list(profiles)).filter((p) => p.displayName === name);
  const tagsNamed = async (name: string) => (await list("/deviceManagement/roleScopeTags")).filter((t) => t.displayName === name);
  const scep = async (name: string) =>
    (await client.graph("POST", profiles, { "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName: name, scepServerUrls: ["https://scep.contoso.com"] })).body.id as string;
  const identityLink = async (id: string) =>
    (await client.graph("GET", `${profiles}/${id}/microsoft.graph.iosEasEmailProfileConfiguration/identityCertificate`)).body.id as string | undefined;
  let answered: ReturnType<typeof faultProbe>["answered"];
  let inject: ReturnType<typeof faultProbe>["inject"];

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    ({ answered, inject } = faultProbe(client));
  });
  beforeEach(() => newRun());
  afterEach(() => client.clearFaults());
  after(() => emu.close());

  for (const [fault, status] of COMMIT_THEN_5XX) {
    describe(`${fault} (${status} after the commit)`, () => {
      it("on the POST of a profile: the lookup finds it, one profile, no second POST", async () => {
        const name = `Profile ${fault}`;
        const news = await profile(inputs("windows10", { displayName: name }));
        const applied = await inject("POST", "deviceConfigurations$", fault);
        const { id } = await handler("EmailProfile", run).create(news);
        await applied();
        assert.deepStrictEqual((await profilesNamed(name)).map((p) => p.id), [id]);
        assert.deepStrictEqual(await answered("POST", /deviceConfigurations$/), [status]);
      });

      it("on the POST of a profile that binds its certificate (@odata.bind): one profile, linked, no $ref needed", async () => {
        const name = `Certificate ${fault}`;
        const certificate = await scep(`SCEP for ${fault}`);
        const news = await profile(inputs("iosIpados", { displayName: name, settings: { authenticationMethod: "certificate" }, identityCertificateId: certificate }));
        const applied = await inject("POST", "deviceConfigurations$", fault);
        const { id, outs } = await handler("EmailProfile", run).create(news);
        await applied();
        assert.deepStrictEqual((await profilesNamed(name)).map((p) => p.id), [id]);
        assert.strictEqual(await identityLink(id), certificate);
        assert.strictEqual(outs!.identityCertificateId, certificate);
        assert.deepStrictEqual(await answered("PUT", /\$ref$/), [], "the bind was committed with the create");
      });

      it("on the PUT …/$ref that moves a certificate link: linked to the new one", async () => {
        const [a, b] = [await scep(`SCEP A ${fault}`), await scep(`SCEP B ${fault}`)];
        const news = await profile(inputs("iosIpados", { displayName: `Moved link ${fault}`, settings: { authenticationMethod: "certificate" }, identityCertificateId: a }));
        const { id, outs } = await handler("EmailProfile", run).create(news);
        const applied = await inject("PUT", "/\\$ref$", fault);
        const updated = await handler("EmailProfile", run).update(id, outs!, { ...news, identityCertificateId: b });
        await applied();
        assert.strictEqual(await identityLink(id), b);
        assert.strictEqual(updated.outs!.identityCertificateId, b);
      });

      it("on the POST of a scope tag: found by its name, one tag", async () => {
        const name = `Tag ${fault}`;
        const applied = await inject("POST", "roleScopeTags$", fault);
        const { id } = await handler("ScopeTag", run).create({ displayName: name });
        await applied();
        assert.deepStrictEqual((await tagsNamed(name)).map((t) => t.id), [id]);
        assert.deepStrictEqual(await answered("POST", /roleScopeTags$/), [status]);
      });

      it("on the POST of an assignment: found in the profile's list, one assignment", async () => {
        const target = await handler("EmailProfile", run).create(await profile(inputs("windows10", { displayName: `Assigned ${fault}` })));
        const applied = await inject("POST", "/assignments$", fault);
        const { outs } = await handler("ProfileAssignment", run).create(assignmentInputs(target.id, SEEDED_GROUPS.salesUsers.id));
        await applied();
        const live = await list(`${profiles}/${target.id}/assignments`);
        assert.deepStrictEqual(live.map((a) => a.target.groupId), [SEEDED_GROUPS.salesUsers.id]);
        assert.deepStrictEqual(Object.values(outs!.assignmentIds), [live[0].id]);
        assert.deepStrictEqual(await answered("POST", /\/assignments$/), [status]);
      });

      it("on the DELETE of a profile: done, the retry's 404 is not an error, nothing left", async () => {
        const name = `Deleted ${fault}`;
        const { id, outs } = await handler("EmailProfile", run).create(await profile(inputs("windows10", { displayName: name })));
        const applied = await inject("DELETE", `deviceConfigurations/${id}$`, fault);
        await handler("EmailProfile", run).delete(id, outs!);
        await applied();
        assert.deepStrictEqual(await profilesNamed(name), []);
        assert.deepStrictEqual(await answered("DELETE", new RegExp(`${id}$`)), [status, 404]);
      });

      it("on the DELETE of a scope tag: done, nothing left", async () => {
        const name = `Deleted tag ${fault}`;
        const { id, outs } = await handler("ScopeTag", run).create({ displayName: name });
        const applied = await inject("DELETE", `roleScopeTags/${id}$`, fault);
        await handler("ScopeTag", run).delete(id, outs!);
        await applied();
        assert.deepStrictEqual(await tagsNamed(name), []);
        assert.deepStrictEqual(await answered("DELETE", new RegExp(`roleScopeTags/${id}$`)), [status, 404]);
      });

      it("on the DELETE of an assignment: done, nothing left", async () => {
        const target = await handler("EmailProfile", run).create(await profile(inputs("windows10", { displayName: `Unassigned ${fault}` })));
        const { id, outs } = await handler("ProfileAssignment", run).create(assignmentInputs(target.id, SEEDED_GROUPS.fieldEngineers.id));
        const applied = await inject("DELETE", "/assignments/", fault);
        await handler("ProfileAssignment", run).delete(id, outs!);
        await applied();
        assert.deepStrictEqual(await list(`${profiles}/${target.id}/assignments`), []);
        assert.deepStrictEqual(await answered("DELETE", /\/assignments\//), [status, 404]);
      });

      it("on the PATCH of a profile and of a scope tag: both converge to the new values", async () => {
        const news = await profile(inputs("windows10", { displayName: `Patched ${fault}` }));
        const { id, outs } = await handler("EmailProfile", run).create(news);
        const changed = await profile(inputs("windows10", { displayName: `Patched ${fault}`, settings: { durationOfEmailToSync: "oneWeek" } }));
        let applied = await inject("PATCH", `deviceConfigurations/${id}$`, fault);
        const updated = await handler("EmailProfile", run).update(id, outs!, changed);
        await applied();
        assert.strictEqual((await client.graph("GET", `${profiles}/${id}`)).body.durationOfEmailToSync, "oneWeek");
        assert.strictEqual(updated.outs!.settings.durationOfEmailToSync, "oneWeek");
        assert.strictEqual((await profilesNamed(`Patched ${fault}`)).length, 1);

        const tag = await handler("ScopeTag", run).create({ displayName: `Patched tag ${fault}` });
        applied = await inject("PATCH", `roleScopeTags/${tag.id}$`, fault);
        await handler("ScopeTag", run).update(tag.id, tag.outs!, { displayName: `Patched tag ${fault}`, description: "after" });
        await applied();
        assert.deepStrictEqual((await tagsNamed(`Patched tag ${fault}`)).map((t) => t.description), ["after"]);
      });
    });
  }
});
