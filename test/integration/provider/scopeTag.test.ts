// The ScopeTag handler against the emulator, through the real ClientSecretCredential and Graph client.
import * as assert from "assert";
import { scopeTagHandler } from "../../../provider/resources/scopeTag";
import { isGraphRequestError } from "../../../provider/errors";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";
import { releaseProvider, useProvider } from "../../support/providerSession";

describe("integration: ScopeTag handler", () => {
  let emu: TestEmulator;
  let client: EmulatorClient;

  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    useProvider(emu, { maxAttempts: 4, baseDelayInMs: 1000, limits: { writesPerWindow: 100, requestsPerWindow: 1000, windowInMs: 20_000 } });
  });
  after(async () => {
    releaseProvider();
    await emu.close();
  });

  it("creates, reads, updates and deletes a tag", async () => {
    const { id, outs } = await scopeTagHandler.create({ displayName: "Integration", description: "first" });
    assert.match(id, /^\d+$/);
    assert.deepStrictEqual(outs, { displayName: "Integration", description: "first", isBuiltIn: false });

    const read = await scopeTagHandler.read(id, outs!);
    assert.deepStrictEqual(read.inputs, { displayName: "Integration", description: "first" });

    await scopeTagHandler.update(id, { displayName: "Integration", description: "first" }, { displayName: "Integration", description: "second" });
    const live = await client.graph("GET", `/deviceManagement/roleScopeTags/${id}`);
    assert.strictEqual(live.body.description, "second");

    await scopeTagHandler.delete(id, {});
    assert.strictEqual((await client.graph("GET", `/deviceManagement/roleScopeTags/${id}`)).status, 404);
    // A second delete of a gone tag succeeds: 404 counts as done.
    await scopeTagHandler.delete(id, {});
    assert.deepStrictEqual(await scopeTagHandler.read(id, {}), { id: "" });
  });

  it("reports drift through the inputs that read returns", async () => {
    const { id } = await scopeTagHandler.create({ displayName: "Drifty" });
    await client.graph("PATCH", `/deviceManagement/roleScopeTags/${id}`, { description: "set in the portal" });
    const read = await scopeTagHandler.read(id, {});
    assert.deepStrictEqual(read.inputs, { displayName: "Drifty", description: "set in the portal" });
    const diff = await scopeTagHandler.diff(id, read.inputs!, { displayName: "Drifty" });
    assert.notDeepStrictEqual(diff, { changes: false });
    await scopeTagHandler.delete(id, {});
  });

  it("recovers a create whose response was lost after the commit, without a duplicate", async () => {
    await client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "reset-after", count: 1 });
    const { id } = await scopeTagHandler.create({ displayName: "Lost response" });
    const all = (await client.graph("GET", "/deviceManagement/roleScopeTags")).body.value.filter((t: any) => t.displayName === "Lost response");
    assert.deepStrictEqual(all.map((t: any) => t.id), [id]);
    await scopeTagHandler.delete(id, {});
  });

  it("retries 429 with Retry-After and succeeds", async () => {
    await client.clearRequests();
    await client.injectFault({ match: { method: "POST", path: "roleScopeTags" }, fault: "throttle", retryAfterInSeconds: 1, count: 2 });
    const { id } = await scopeTagHandler.create({ displayName: "Throttled" });
    const posts = (await client.requests()).filter((r) => r.method === "POST" && r.path.includes("roleScopeTags"));
    assert.deepStrictEqual(posts.map((r) => r.status), [429, 429, 201]);
    await scopeTagHandler.delete(id, {});
  });

  it("surfaces a duplicate name as a GraphRequestError with status and code", async () => {
    const { id } = await scopeTagHandler.create({ displayName: "Twice" });
    await assert.rejects(
      () => scopeTagHandler.create({ displayName: "Twice" }),
      (e: unknown) => isGraphRequestError(e) && e.statusCode === 400 && /roleScopeTags/.test(e.message),
    );
    await scopeTagHandler.delete(id, {});
  });
});
