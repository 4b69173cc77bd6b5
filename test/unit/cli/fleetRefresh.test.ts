// When `fleet drift` may read a stack itself instead of running a Pulumi engine (cli/fleetRefresh.ts), and
// how it reveals the secrets of `stack export --show-secrets` as the engine hands values to the provider.
import * as assert from "assert";
import { refreshableInProcess, revealed, type StateResource } from "../../../cli/fleetRefresh";
import { typeToken } from "../../../protocol";

const stack: StateResource = { urn: "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t", type: "pulumi:pulumi:Stack", custom: false };
const nodejs: StateResource = { urn: "urn:pulumi:t::p::pulumi:providers:pulumi-nodejs::default", type: "pulumi:providers:pulumi-nodejs", custom: true, id: "1" };
const ours = (kind: Parameters<typeof typeToken>[0], name: string): StateResource => ({ urn: `urn:pulumi:t::p::${typeToken(kind)}::${name}`, type: typeToken(kind), custom: true, id: name });

describe("unit: fleet drift without an engine (which stacks)", () => {
  it("takes a stack of pulumi-intune resources, its stack record, a component and the dynamic providers' provider", () => {
    const component: StateResource = { urn: "urn:pulumi:t::p::intune:index:SecureEmail::se", type: "intune:index:SecureEmail", custom: false };
    const resources = [stack, nodejs, component, ...(["ScopeTag", "EmailProfile", "ProfileAssignment", "TrustedRootCertificate", "CertificateProfile", "DeclaredResources"] as const).map((k) => ours(k, k))];
    assert.strictEqual(refreshableInProcess({ resources }), true);
    assert.strictEqual(refreshableInProcess({}), true, "an empty stack");
  });

  it("leaves a stack with another provider's resource, a pending operation or a resource waiting for deletion to the engine", () => {
    const other: StateResource = { urn: "urn:pulumi:t::p::random:index/randomId:RandomId::r", type: "random:index/randomId:RandomId", custom: true, id: "x" };
    const otherProvider: StateResource = { urn: "urn:pulumi:t::p::pulumi:providers:random::default", type: "pulumi:providers:random", custom: true, id: "1" };
    const otherDynamic: StateResource = { urn: "urn:pulumi:t::p::pulumi-nodejs:dynamic:Resource::d", type: "pulumi-nodejs:dynamic:Resource", custom: true, id: "d" };
    assert.strictEqual(refreshableInProcess({ resources: [stack, nodejs, ours("EmailProfile", "a"), other] }), false);
    assert.strictEqual(refreshableInProcess({ resources: [stack, otherProvider, ours("EmailProfile", "a")] }), false);
    assert.strictEqual(refreshableInProcess({ resources: [stack, nodejs, otherDynamic] }), false, "someone else's dynamic resource");
    assert.strictEqual(refreshableInProcess({ resources: [stack, nodejs, ours("EmailProfile", "a")], pending_operations: [{ type: "creating" }] }), false);
    assert.strictEqual(refreshableInProcess({ resources: [stack, nodejs, { ...ours("EmailProfile", "a"), delete: true }] }), false);
  });

  it("reveals secrets anywhere in a value, and refuses a secret without its plaintext", () => {
    const secret = (v: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });
    assert.deepStrictEqual(revealed({ a: secret("s3cret"), b: [1, secret({ c: true })], d: "plain" }), { a: "s3cret", b: [1, { c: true }], d: "plain" });
    assert.throws(() => revealed({ a: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:x" } }), /without its plaintext/);
  });
});
