// The ScopeTag handler against the emulator, through the real ClientSecretCredential and Graph client.
import * as assert from "assert";
import { ProviderRun } from "../../../provider/run";
import { handler } from "../../../provider/dispatch";
import { resolveSettings } from "../../../provider/config";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

describe("integration: ScopeTag handler", () => {
  let emu: TestEmulator;
  let client: EmulatorClient;
  let run: ProviderRun;
  const tags = () => handler("ScopeTag", run);

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), {
      graphOptions: { maxAttempts: 4, baseDelayInMs: 1000, limits: { writesPerWindow: 100, requestsPerWindow: 1000, windowInMs: 20_000 } },
    });
  });
  after(() => emu.close());

  it("creates, reads, updates and deletes a tag", async () => {
    const { id, outs } = await tags().create({ displayName: "Integration", description: "first" });
    assert.match(id, /^\d+$/);
    assert.deepStrictEqual(outs, { displayName: "Integration", description: "first", isBuiltIn: false });

    const read = await tags().read(id, outs!);
    assert.deepStrictEqual(read.inputs, { displayName: "Integration", description: "first" });

    await tags().update(id, { displayName: "Integration", description: "first" }, { displayName: "Integration", description: "second" });
    const live = await client.graph("GET", `/deviceManagement/roleScopeTags/${id}`);
    assert.strictEqual(live.body.description, "second");

    await tags().delete(id, {});
    assert.strictEqual((await client.graph("GET", `/deviceManagement/roleScopeTags/${id}`)).status, 404);
    // A second delete of a gone tag succeeds: 404 counts as done.
    await tags().delete(id, {});
    assert.deepStrictEqual(await tags().read(id, {}), { id: "" });
  });

  it("reports drift through the inputs that read returns", async () => {
    const { id } = await tags().create({ displayName: "Drifty" });
    await client.graph("PATCH", `/deviceManagement/roleScopeTags/${id}`, { description: "set in the portal" });
    const read = await tags().read(id, {});
    assert.deepStrictEqual(read.inputs, { displayName: "Drifty", description: "set in the portal" });
    const diff = await tags().diff(id, read.inputs!, { displayName: "Drifty" });
    assert.notDeepStrictEqual(diff, { changes: false });
    await tags().delete(id, {});
  });

  it("takes over the tag a killed run committed (same name and description), and names the id of another one", async () => {
    // What a SIGKILL after the commit leaves: the tag exists, no state records it.
    const left = await client.graph("POST", "/deviceManagement/roleScopeTags", { displayName: "Left behind", description: "mail admins" });
    assert.strictEqual(left.status, 201, JSON.stringify(left.body));
    const { id } = await tags().create({ displayName: "Left behind", description: "mail admins" });
    assert.strictEqual(id, left.body.id);
    const named = (await client.graph("GET", "/deviceManagement/roleScopeTags")).body.value.filter((t: any) => t.displayName === "Left behind");
    assert.deepStrictEqual(named.map((t: any) => t.id), [id]);

    // Another description: somebody else's tag, not taken over; the message says how to adopt it.
    await assert.rejects(tags().create({ displayName: "Left behind", description: "other" }), (e: Error) => {
      assert.strictEqual(e.name, "IntuneValidationError");
      assert.match(e.message, new RegExp(`\`displayName\` must be unique in the tenant, got "Left behind", which scope tag "${id}" has already .*adoptExistingId: "${id}"`));
      return true;
    });
    await tags().delete(id, {});
  });

  it("recovers a create whose response was lost after the commit, without a duplicate", async () => {
    await client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "reset-after", count: 1 });
    const { id } = await tags().create({ displayName: "Lost response" });
    const all = (await client.graph("GET", "/deviceManagement/roleScopeTags")).body.value.filter((t: any) => t.displayName === "Lost response");
    assert.deepStrictEqual(all.map((t: any) => t.id), [id]);
    await tags().delete(id, {});
  });

  it("retries 429 with Retry-After and succeeds", async () => {
    await client.clearRequests();
    await client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "throttle", retryAfterInSeconds: 1, count: 2 });
    const { id } = await tags().create({ displayName: "Throttled" });
    const posts = (await client.requests()).filter((r) => r.method === "POST" && r.path.includes("roleScopeTags"));
    assert.deepStrictEqual(posts.map((r) => r.status), [429, 429, 201]);
    await tags().delete(id, {});
  });

  it("refuses a second tag of one name in one run, naming the id the first one holds", async () => {
    const { id } = await tags().create({ displayName: "Twice" });
    await assert.rejects(
      () => tags().create({ displayName: "Twice" }),
      (e: Error) => e.name === "IntuneValidationError" && new RegExp(`must be unique in the tenant, got "Twice", which scope tag "${id}" has already`).test(e.message),
    );
    await tags().delete(id, {});
  });
});
