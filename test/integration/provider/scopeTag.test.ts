// The ScopeTag handler against the emulator, through the real ClientSecretCredential and Graph client.
import * as assert from "assert";
import { ProviderRun } from "../../../provider/run";
import { handler } from "../../../provider/dispatch";
import { resolveSettings } from "../../../provider/config";
import { isGraphRequestError } from "../../../provider/errors";
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

  it("surfaces a duplicate name as a GraphRequestError with status and code", async () => {
    const { id } = await tags().create({ displayName: "Twice" });
    await assert.rejects(
      () => tags().create({ displayName: "Twice" }),
      (e: unknown) => isGraphRequestError(e) && e.statusCode === 400 && /roleScopeTags/.test(e.message),
    );
    await tags().delete(id, {});
  });
});
