// EmailProfile check: a corpus of bad inputs across all platforms, each failing at preview with the
// property path, the rule and the bad value; good inputs (minimal, with certificates, unknown) pass.
import * as assert from "assert";
import { checkEmailProfileInputs } from "../../../provider/email";
import { UNKNOWN } from "../../../provider/validation";

import { badInputs as rows, inputs, platforms } from "../../support/emailCorpus";

describe("EmailProfile check: bad inputs fail at preview", () => {
  // Counting the rows alone would hold with the check switched off: count the rows the check rejects on
  // their property, where the same profile without the row's change passes (so the change is the cause).
  it(`rejects at least 60 bad inputs over all six platforms, each because of its change (${rows.length} rows)`, () => {
    const caught = rows.filter(([, platform, change, property]) => {
      // Rows whose change is the platform itself are compared with a supported platform.
      const control = (platforms as readonly string[]).includes(platform) ? platform : "iosIpados";
      const withoutChange = checkEmailProfileInputs(inputs(control)).failures.filter((f) => f.property === property);
      const withChange = checkEmailProfileInputs(inputs(platform, change)).failures.filter((f) => f.property === property);
      return withoutChange.length === 0 && withChange.length > 0;
    });
    const missed = rows.filter((r) => !caught.includes(r)).map((r) => r[0]);
    assert.deepStrictEqual(missed, [], "rows not rejected because of their change");
    assert.ok(caught.length >= 60, `${caught.length}`);
    for (const p of platforms) assert.ok(caught.filter((r) => r[1] === p).length >= 8, p);
  });
  for (const [label, platform, change, property, reason] of rows) {
    it(label, () => {
      const { failures } = checkEmailProfileInputs(inputs(platform, change));
      const hit = failures.find((f) => f.property === property);
      assert.ok(hit, `no failure on ${property}: ${JSON.stringify(failures)}`);
      assert.match(hit!.reason, reason);
      // Every message names its property (or the setting it depends on) in backticks and the bad value.
      assert.match(hit!.reason, /`[\w.[\]]+`/);
      assert.match(hit!.reason, /got |is not a setting of|legacy/);
    });
  }
});

describe("EmailProfile check: good inputs pass and are normalised", () => {
  for (const p of platforms) {
    it(`${p}: minimal settings`, () => {
      const { failures, inputs: out } = checkEmailProfileInputs(inputs(p));
      assert.deepStrictEqual(failures, []);
      // Only what was declared: nothing filled in, no scope tags when none were given.
      assert.strictEqual(out.scopeTagIds, undefined);
      assert.deepStrictEqual(Object.keys(out.settings as object).sort(), Object.keys(inputs(p).settings as object).sort());
      assert.strictEqual((out.settings as Record<string, unknown>).hostName, "outlook.office365.com");
    });
  }
  it("accepts values unknown during preview anywhere, including certificate links and required settings", () => {
    const { failures } = checkEmailProfileInputs(
      inputs("iosIpados", { settings: { hostName: UNKNOWN, authenticationMethod: UNKNOWN, easServices: UNKNOWN }, identityCertificateId: UNKNOWN, scopeTagIds: [UNKNOWN] }),
    );
    assert.deepStrictEqual(failures, []);
  });
  it("accepts certificate authentication with its certificate, and S/MIME with both certificates", () => {
    const { failures } = checkEmailProfileInputs(
      inputs("iosIpados", {
        settings: { authenticationMethod: "certificate", requireSmime: true, smimeEncryptByDefaultEnabled: true },
        identityCertificateId: "id",
        smimeSigningCertificateId: "s",
        smimeEncryptionCertificateId: "e",
      }),
    );
    assert.deepStrictEqual(failures, []);
  });
  it("accepts an IPv4 address as host and sorts flags the way the tenant returns them", () => {
    const { failures, inputs: out } = checkEmailProfileInputs(inputs("iosIpados", { settings: { hostName: "10.0.0.5", easServices: ["email", "calendars"] } }));
    assert.deepStrictEqual(failures, []);
    assert.deepStrictEqual((out.settings as Record<string, unknown>).easServices, ["calendars", "email"]);
  });
});
