import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, ScopeTag } from "../../../sdk";
import { pausePromiseStacks } from "../../../sdk/promiseStacks";

describe("unit: SDK constructors and Pulumi's per-promise stack traces", () => {
  before(() =>
    pulumi.runtime.setMocks({
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: () => ({}),
    }),
  );

  it("pauses stack traces only until resumed", () => {
    const before = Error.stackTraceLimit;
    const resume = pausePromiseStacks();
    assert.strictEqual(Error.stackTraceLimit, 0);
    assert.strictEqual(new Error("x").stack, "Error: x");
    resume();
    assert.strictEqual(Error.stackTraceLimit, before);
    assert.match(new Error("y").stack ?? "", /promiseStacks\.test/);
  });

  it("a constructed resource leaves the process's stack limit as it was", async () => {
    const before = Error.stackTraceLimit;
    const tag = new ScopeTag("tag", { displayName: "Tag" });
    const profile = new EmailProfile("p", { displayName: "P", platform: "windows10", settings: { hostName: "outlook.office365.com", accountName: "Work", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" } });
    assert.strictEqual(Error.stackTraceLimit, before);
    // Outputs still resolve as usual.
    assert.strictEqual(await new Promise((r) => tag.id.apply(r)), "tag-id");
    assert.strictEqual(await new Promise((r) => profile.displayName.apply(r)), "P");
  });

  it("a constructor that throws restores the limit and keeps Pulumi's message", () => {
    const before = Error.stackTraceLimit;
    assert.throws(
      () => new ScopeTag("bad", { displayName: "Bad" }, { parent: {} as pulumi.Resource }),
      /Resource parent is not a valid Resource/,
    );
    assert.strictEqual(Error.stackTraceLimit, before);
  });
});
