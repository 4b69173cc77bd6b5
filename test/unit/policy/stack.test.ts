// The stack rules (targets and certificate reach) on hand-built stack models.
import * as assert from "assert";
import { type AssignmentFacts, type EmailProfileFacts, STACK_RULES, type StackModel } from "../../../policy/stack";
import type { RuleConfig } from "../../../policy/rules";

const rule = (name: string) => STACK_RULES.find((r) => r.name === name)!;
const profile = (name: string, certificates: Record<string, string> = {}, id?: string): EmailProfileFacts => ({
  urn: `urn:${name}`,
  name,
  keys: [`urn:urn:${name}`, ...(id ? [`id:${id}`] : [])],
  platform: "iosIpados",
  certificates,
});
let n = 0;
const assign = (profileKey: string, ...targets: AssignmentFacts["targets"]): AssignmentFacts => ({ urn: `a${++n}`, name: `a${n}`, profileKeys: [profileKey], targets });
const group = (groupId: string) => ({ kind: "group", groupId });
const model = (profiles: EmailProfileFacts[], assignments: AssignmentFacts[]): StackModel => ({ profiles, assignments, certificates: [] });
const check = (name: string, m: StackModel, config: RuleConfig = {}) => rule(name).check(m, config);

describe("policy: stack rules", () => {
  it("every stack rule has a source and a default enforcement level", () => {
    assert.deepStrictEqual(STACK_RULES.map((r) => [r.name, r.enforcementLevel]), [
      ["email-user-targets", "mandatory"],
      ["assignment-include-exclude-same-group", "mandatory"],
      ["email-certificate-reach", "mandatory"],
    ]);
    for (const r of STACK_RULES) assert.ok(r.source.name && r.source.url);
  });

  it("email-user-targets: all devices and configured device groups fail on e-mail profiles only", () => {
    const mail = profile("mail");
    const good = assign("urn:urn:mail", group("users"));
    const allDevices = assign("urn:urn:mail", { kind: "allDevices" });
    const kiosk = assign("urn:urn:mail", group("users"), group("kiosk"));
    const certOnDevices = assign("id:cert", { kind: "allDevices" }); // a certificate profile may go to devices
    const out = check("email-user-targets", model([mail], [good, allDevices, kiosk, certOnDevices]), { deviceGroupIds: ["kiosk"] });
    assert.deepStrictEqual(out.map((v) => v.urn), [allDevices.urn, kiosk.urn]);
    assert.match(out[0].message, /^targets\[0\] must be a user group for e-mail profile "mail" \(rule email-user-targets, .*got allDevices$/);
    assert.match(out[1].message, /^targets\[1\] must be a user group .*got device group "kiosk"$/);
    // Group ids are GUIDs: compared without case.
    assert.strictEqual(check("email-user-targets", model([mail], [assign("urn:urn:mail", group("KIOSK"))]), { deviceGroupIds: ["kiosk"] }).length, 1);
    // Without the device group list, only all devices can be told.
    assert.deepStrictEqual(check("email-user-targets", model([mail], [kiosk])), []);
    // A profile referenced by a known id matches too.
    assert.strictEqual(check("email-user-targets", model([profile("m2", {}, "p-2")], [assign("id:p-2", { kind: "allDevices" })])).length, 1);
  });

  it("assignment-include-exclude-same-group: within one assignment and across two of one profile", () => {
    const inOne = assign("urn:urn:mail", group("sales"), { kind: "exclusionGroup", groupId: "sales" });
    const include = assign("urn:urn:other", group("field"));
    const exclude = assign("urn:urn:other", { kind: "exclusionGroup", groupId: "field" });
    const unrelated = assign("urn:urn:third", { kind: "exclusionGroup", groupId: "sales" });
    const out = check("assignment-include-exclude-same-group", model([], [inOne, include, exclude, unrelated]));
    assert.deepStrictEqual(out.map((v) => v.urn), [inOne.urn, exclude.urn]);
    assert.match(out[0].message, /^targets\[1\] must not exclude a group the profile also includes .*got exclusionGroup "sales"$/);
  });

  describe("email-certificate-reach", () => {
    const certs = { identityCertificateId: "id:scep" };
    it("passes when the certificate and its root reach every group of the e-mail profile", () => {
      const m = model([profile("mail", certs)], [assign("urn:urn:mail", group("sales")), assign("id:scep", group("sales"), group("field")), assign("id:root", { kind: "allLicensedUsers" })]);
      assert.deepStrictEqual(check("email-certificate-reach", m, { trustedRootOf: { scep: "root" } }), []);
    });

    it("fails on the e-mail profile's assignment for each link that misses a group", () => {
      const mailToField = assign("urn:urn:mail", group("sales"), group("field"));
      const m = model([profile("mail", certs)], [mailToField, assign("id:scep", group("sales")), assign("id:root", group("sales"))]);
      const out = check("email-certificate-reach", m, { trustedRootOf: { scep: "root" } });
      assert.deepStrictEqual(out.map((v) => v.urn), [mailToField.urn, mailToField.urn]);
      assert.match(out[0].message, /^targets\[1\] must also be a target of certificate profile "scep" \(identityCertificateId of "mail"\) \(rule email-certificate-reach, .*got group "field"$/);
      assert.match(out[1].message, /must also be a target of its trusted root "root" .*got group "field"$/);
      // An S/MIME certificate with the same root adds its own finding, not the root's again.
      const both = model([profile("mail", { ...certs, smimeSigningCertificateId: "id:smime" })], [mailToField, assign("id:scep", group("sales")), assign("id:smime", group("sales")), assign("id:root", group("sales"))]);
      assert.deepStrictEqual(check("email-certificate-reach", both, { trustedRootOf: { scep: "root", smime: "root" } }).map((v) => /of (certificate profile|its trusted root) "(\w+)"/.exec(v.message)![2]), ["scep", "root", "smime"]);
      // Without the chain in config, only the certificate itself is checked.
      assert.strictEqual(check("email-certificate-reach", m).length, 1);
    });

    it("compares group ids and the configured chain's ids without case", () => {
      const m = model([profile("mail", certs)], [assign("urn:urn:mail", group("ABC")), assign("id:scep", group("abc")), assign("id:root", group("Abc"))]);
      assert.deepStrictEqual(check("email-certificate-reach", m, { trustedRootOf: { SCEP: "ROOT" } }), []);
      const noRoot = model([profile("mail", certs)], [assign("urn:urn:mail", group("ABC")), assign("id:scep", group("abc"))]);
      assert.strictEqual(check("email-certificate-reach", noRoot, { trustedRootOf: { SCEP: "ROOT" } }).length, 1);
    });

    it("an exclusion on the certificate, or all licensed users on the e-mail profile only, misses people", () => {
      const m1 = model([profile("mail", certs)], [assign("urn:urn:mail", group("sales")), assign("id:scep", { kind: "allLicensedUsers" }, { kind: "exclusionGroup", groupId: "sales" })]);
      assert.strictEqual(check("email-certificate-reach", m1).length, 1);
      const m2 = model([profile("mail", certs)], [assign("urn:urn:mail", { kind: "allLicensedUsers" }), assign("id:scep", group("sales"))]);
      assert.match(check("email-certificate-reach", m2)[0].message, /got all licensed users$/);
    });

    it("a certificate no assignment of the stack assigns reaches nobody, unless requireAssignmentsInStack is false", () => {
      const m = model([profile("mail", certs)], [assign("urn:urn:mail", group("sales"))]);
      assert.match(check("email-certificate-reach", m)[0].message, /got group "sales", which no assignment of this stack gives it$/);
      assert.deepStrictEqual(check("email-certificate-reach", m, { requireAssignmentsInStack: false }), []);
    });

    it("certificate resources (issue 18) link by any of their keys and carry their root", () => {
      const m: StackModel = {
        profiles: [profile("mail", certs)],
        assignments: [assign("urn:urn:mail", group("sales")), assign("urn:urn:scep-resource", group("sales"))],
        certificates: [{ keys: ["id:scep", "urn:urn:scep-resource"], rootKey: "urn:urn:pulumi:e2e::p::pulumi-nodejs:dynamic/intune:Certificate::root-resource" }],
      };
      const out = check("email-certificate-reach", m);
      assert.strictEqual(out.length, 1);
      assert.match(out[0].message, /its trusted root root-resource/);
    });
  });
});
