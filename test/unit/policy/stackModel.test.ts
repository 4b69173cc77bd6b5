// From CrossGuard's resources to the stack model: typed matching by the classes' static __pulumiType,
// assignments tied to profiles by the engine's property dependencies, unknown preview values tolerated.
import * as assert from "assert";
import type { PolicyResource } from "@pulumi/policy";
import { stackModel } from "../../../policy/pack";
import { STACK_RULES } from "../../../policy/stack";
import { CertificateProfile, EmailProfile, ProfileAssignment, ScopeTag, TrustedRootCertificate } from "../../../sdk";

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
    assert.strictEqual(CertificateProfile.__pulumiType, type("CertificateProfile"));
    assert.strictEqual(TrustedRootCertificate.__pulumiType, type("TrustedRootCertificate"));
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
  it("follows certificate links made as code (ids unknown at preview) from e-mail profile to certificate to root", () => {
    const root = resource("TrustedRootCertificate", "root", withUnknown({ platform: "iosIpados", displayName: "Root" }, "id"));
    const scep = resource("CertificateProfile", "scep", withUnknown(withUnknown({ platform: "iosIpados", kind: "scep" }, "id"), "trustedRootId"), { trustedRootId: [root] });
    const mail = resource("EmailProfile", "mail", withUnknown(withUnknown({ platform: "iosIpados", settings: {} }, "id"), "identityCertificateId"), { identityCertificateId: [scep] });
    const assign = (name: string, of: PolicyResource, groups: string[]) =>
      resource("ProfileAssignment", name, withUnknown({ targets: groups.map((groupId) => ({ kind: "group", groupId })) }, "profileId"), { profileId: [of] });
    const model = stackModel([root, scep, mail, assign("mail-a", mail, ["g1", "g2"]), assign("scep-a", scep, ["g1", "g2"]), assign("root-a", root, ["g1"])]);
    assert.deepStrictEqual(model.profiles[0].certificates, { identityCertificateId: `urn:${scep.urn}` });
    assert.deepStrictEqual(model.certificates, [{ keys: [`urn:${scep.urn}`], rootKey: `urn:${root.urn}` }]);
    const reach = STACK_RULES.find((r) => r.name === "email-certificate-reach")!;
    const violations = reach.check(model, {});
    assert.deepStrictEqual(violations.map((v) => v.urn), [`urn:pulumi:s::p::${type("ProfileAssignment")}::mail-a`]);
    assert.match(violations[0].message, /targets\[1\] must also be a target of its trusted root root \(identityCertificateId of "mail"\).*got group "g2"$/);
  });
});
