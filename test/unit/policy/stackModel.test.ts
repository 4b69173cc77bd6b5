// From CrossGuard's resources to the stack model: typed matching by the classes' static __pulumiType,
// assignments tied to profiles by the engine's property dependencies, unknown preview values tolerated.
import * as assert from "assert";
import type { PolicyResource } from "@pulumi/policy";
import { stackModel } from "../../../policy/pack";
import { EmailProfile, ProfileAssignment, ScopeTag } from "../../../sdk";

const type = (kind: string) => `pulumi-nodejs:dynamic/intune:${kind}`;
const resource = (kind: string, name: string, props: Record<string, unknown>, propertyDependencies: Record<string, PolicyResource[]> = {}): PolicyResource =>
  ({
    type: type(kind),
    name,
    urn: `urn:pulumi:s::p::${type(kind)}::${name}`,
    props,
    propertyDependencies,
    dependencies: [],
    opts: {} as PolicyResource["opts"],
    isType: (cls: { __pulumiType?: string }) => cls.__pulumiType === type(kind),
    asType: () => undefined,
  }) as unknown as PolicyResource;

/** Like @pulumi/policy's props at preview: reading an unknown value throws. */
const withUnknown = (props: Record<string, unknown>, unknownKey: string) =>
  new Proxy(props, { get: (t, k) => (k === unknownKey ? (() => { throw new Error(`${String(k)} is unknown`); })() : t[k as string]) });

describe("policy: stack model from CrossGuard resources", () => {
  it("the resource classes carry their type token for typed policies", () => {
    assert.strictEqual(EmailProfile.__pulumiType, type("EmailProfile"));
    assert.strictEqual(ProfileAssignment.__pulumiType, type("ProfileAssignment"));
    assert.strictEqual(ScopeTag.__pulumiType, type("ScopeTag"));
  });

  it("ties a new profile's assignment to it by dependency, and a certificate's by id", () => {
    const mail = resource("EmailProfile", "ios-mail", withUnknown({ platform: "iosIpados", identityCertificateId: "scep-1", settings: {} }, "id"));
    const assignment = resource("ProfileAssignment", "ios-mail-assignment", withUnknown({ targets: [{ kind: "group", groupId: "g1" }] }, "profileId"), { profileId: [mail] });
    const certAssignment = resource("ProfileAssignment", "cert", { profileId: "scep-1", targets: [{ kind: "allLicensedUsers" }] });
    const tag = resource("ScopeTag", "tag", { displayName: "x" });
    const model = stackModel([mail, assignment, certAssignment, tag]);
    assert.deepStrictEqual(model.profiles, [{ urn: mail.urn, name: "ios-mail", keys: [`urn:${mail.urn}`], platform: "iosIpados", certificates: { identityCertificateId: "id:scep-1" } }]);
    assert.deepStrictEqual(
      model.assignments.map((a) => [a.name, a.profileKeys, a.targets]),
      [
        ["ios-mail-assignment", [`urn:${mail.urn}`], [{ kind: "group", groupId: "g1" }]],
        ["cert", ["id:scep-1"], [{ kind: "allLicensedUsers", groupId: undefined }]],
      ],
    );
  });

  it("an existing profile is known by its id too", () => {
    const mail = resource("EmailProfile", "m", { id: "p-1", platform: "windows10", settings: {} });
    assert.deepStrictEqual(stackModel([mail]).profiles[0].keys, [`urn:${mail.urn}`, "id:p-1"]);
  });
});
