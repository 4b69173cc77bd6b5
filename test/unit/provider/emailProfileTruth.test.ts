// The settings model against response bodies shaped like what Intune answers: the live tenant (every
// property, unset booleans false, flags in bit order, description null, annotations), the schema-shaped
// answer (unset nullable properties null), and a sparse answer (unset properties absent). The bodies are
// written here from the published facts (docs/graph-behaviour.md), not copied from anywhere.
import * as assert from "assert";
import type { EmailProfileInputs } from "../../../provider/email/inputs";
import { checkEmailProfileInputs, declaredOf, inputsAsObserved, observeProfile, planIsEmpty, planProfile, baselineOf } from "../../../provider/email";

type Props = Record<string, any>;

const iosType = "#microsoft.graph.iosEasEmailProfileConfiguration";

/** A GET of an iOS profile whose create sent only `sent`, as each kind of tenant answers it. */
function iosAnswer(dialect: "live" | "schema" | "sparse", sent: Props): Props {
  const unset: Props =
    dialect === "sparse"
      ? {}
      : {
          usernameAADSource: null,
          userDomainNameSource: null,
          customDomainName: null,
          authenticationMethod: dialect === "live" ? "usernameAndPassword" : null,
          blockMovingMessagesToOtherEmailAccounts: dialect === "live" ? false : null,
          blockSendingEmailFromThirdPartyApps: dialect === "live" ? false : null,
          blockSyncingRecentlyUsedEmailAddresses: dialect === "live" ? false : null,
          durationOfEmailToSync: "userDefined",
          easServices: dialect === "live" ? "calendars,contacts,email,notes,reminders" : null,
          easServicesUserOverrideEnabled: dialect === "live" ? false : null,
          requireSmime: dialect === "live" ? false : null,
          requireSsl: false,
          smimeEnablePerMessageSwitch: dialect === "live" ? false : null,
          smimeSigningEnabled: dialect === "live" ? false : null,
          useOAuth: dialect === "live" ? false : null,
          signingCertificateType: dialect === "live" ? "none" : null,
          encryptionCertificateType: dialect === "live" ? "none" : null,
          perAppVPNProfileId: null,
        };
  const body: Props = {
    "@odata.type": iosType,
    id: "4f1e0b7a-0000-4000-8000-000000000001",
    createdDateTime: "2026-11-30T10:00:00Z",
    lastModifiedDateTime: "2026-11-30T10:00:00Z",
    version: 1,
    supportsScopeTags: true,
    roleScopeTagIds: ["0"],
    description: dialect === "sparse" ? undefined : null,
    ...unset,
    ...sent,
  };
  if (dialect === "live") {
    body["@odata.context"] = "https://127.0.0.1:8443/beta/$metadata#deviceManagement/deviceConfigurations/$entity";
    body["@microsoft.graph.tips"] = "Use $select to choose only the properties your app needs.";
  }
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

const program = {
  displayName: "iOS mail",
  platform: "iosIpados",
  settings: { hostName: "outlook.office365.com", accountName: "Work", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName", easServices: ["email", "calendars"] },
};

function checked(p: Props): EmailProfileInputs {
  const result = checkEmailProfileInputs(p);
  assert.deepStrictEqual(result.failures, []);
  assert.ok(result.valid);
  return result.inputs;
}

/** What the create sends on the wire for the program (flags comma-joined). */
function wireOf(inputs: Props): Props {
  return { displayName: inputs.displayName, ...inputs.settings, easServices: (inputs.settings.easServices as string[]).join(",") };
}

for (const dialect of ["live", "schema", "sparse"] as const) {
  describe(`EmailProfile truth model, tenant answering like "${dialect}"`, () => {
    const inputs = checked(program);
    const declared = declaredOf(inputs);
    // The service re-orders flags by bit value whatever order was sent.
    const afterCreate = iosAnswer(dialect, { ...wireOf(inputs), easServices: "calendars,email" });
    const observed = observeProfile("iosIpados", afterCreate, {});
    const baseline = baselineOf(observed);

    it("declares only what the program set: no filled-in settings, flags in bit order", () => {
      assert.deepStrictEqual(Object.keys(inputs.settings).sort(), Object.keys(program.settings).sort());
      assert.deepStrictEqual(inputs.settings.easServices, ["calendars", "email"]);
      assert.strictEqual(inputs.scopeTagIds, undefined);
    });

    it("sees no change right after the create, and refresh reports exactly the declared inputs", () => {
      assert.ok(planIsEmpty(planProfile("iosIpados", declared, observed, baseline, declared)));
      const asObserved = inputsAsObserved("iosIpados", declared, observed, baseline);
      assert.deepStrictEqual(asObserved, { displayName: "iOS mail", platform: "iosIpados", settings: inputs.settings });
    });

    it("ignores annotations and members that are not settings", () => {
      assert.ok(!("@odata.context" in observed.settings) && !("@microsoft.graph.tips" in observed.settings) && !("version" in observed.settings));
    });

    it("a portal change of a declared setting is drift and is put back to the declared value", () => {
      const now = observeProfile("iosIpados", { ...afterCreate, hostName: "mail.evil.example" }, {});
      const plan = planProfile("iosIpados", declared, now, baseline, declared);
      assert.deepStrictEqual(plan.settings, { hostName: "outlook.office365.com" });
      assert.strictEqual((inputsAsObserved("iosIpados", declared, now, baseline).settings as Props).hostName, "mail.evil.example");
    });

    if (dialect !== "sparse") {
      it("a portal change of an undeclared setting is drift against the baseline and is put back to it", () => {
        const before = afterCreate.requireSmime;
        const now = observeProfile("iosIpados", { ...afterCreate, requireSmime: true }, {});
        const plan = planProfile("iosIpados", declared, now, baseline, declared);
        assert.deepStrictEqual(plan.settings, { requireSmime: before });
        assert.deepStrictEqual(plan.changed, ["settings.requireSmime"]);
        assert.strictEqual((inputsAsObserved("iosIpados", declared, now, baseline).settings as Props).requireSmime, true);
      });
    } else {
      it("an undeclared setting the tenant never reported cannot drift (nothing to compare with)", () => {
        const now = observeProfile("iosIpados", { ...afterCreate, requireSmime: true }, {});
        assert.ok(planIsEmpty(planProfile("iosIpados", declared, now, baseline, declared)));
      });
    }

    it("removing a setting from the program stops managing it: nothing is written for it", () => {
      const fewer = declaredOf(checked({ ...program, settings: { ...program.settings, easServices: undefined } }));
      const plan = planProfile("iosIpados", fewer, observed, baseline, declared);
      assert.deepStrictEqual(plan.settings, {});
      assert.deepStrictEqual(plan.unmanaged, ["settings.easServices"]);
    });

    it("scope tags are a set, and an undeclared description answered as null is no change", () => {
      const tagged = declaredOf(checked({ ...program, scopeTagIds: ["7", "3", "7"] }));
      const now = observeProfile("iosIpados", { ...afterCreate, roleScopeTagIds: ["3", "7"] }, {});
      assert.ok(planIsEmpty(planProfile("iosIpados", tagged, now, baselineOf(now), tagged)));
      const none = declaredOf(checked({ ...program, scopeTagIds: [] }));
      assert.ok(planIsEmpty(planProfile("iosIpados", none, observed, baseline, none)), "[] means the Default tag \"0\"");
    });

    it("a declared empty description is the tenant's null: no change, and refresh keeps the declared \"\"", () => {
      const empty = declaredOf(checked({ ...program, description: "" }));
      assert.ok(planIsEmpty(planProfile("iosIpados", empty, observed, baseline, empty)));
      assert.strictEqual(inputsAsObserved("iosIpados", empty, observed, baseline).description, "");
    });

    it("scope tags in the tenant's order, or an empty answer for the Default tag, are no change", () => {
      const tagged = declaredOf(checked({ ...program, scopeTagIds: ["3", "7"] }));
      const reordered = observeProfile("iosIpados", { ...afterCreate, roleScopeTagIds: ["7", "3"] }, {});
      assert.ok(planIsEmpty(planProfile("iosIpados", tagged, reordered, baselineOf(reordered), tagged)));
      assert.deepStrictEqual(inputsAsObserved("iosIpados", tagged, reordered, baselineOf(reordered)).scopeTagIds, ["3", "7"]);
      const defaultTag = declaredOf(checked({ ...program, scopeTagIds: ["0"] }));
      const emptyAnswer = observeProfile("iosIpados", { ...afterCreate, roleScopeTagIds: [] }, {});
      assert.ok(planIsEmpty(planProfile("iosIpados", defaultTag, emptyAnswer, baselineOf(emptyAnswer), defaultTag)));
    });

    it("a changed declared value is planned as a PATCH of that setting only", () => {
      const changed = declaredOf(checked({ ...program, settings: { ...program.settings, durationOfEmailToSync: "oneWeek" } }));
      const plan = planProfile("iosIpados", changed, observed, baseline, declared);
      assert.deepStrictEqual(plan.settings, { durationOfEmailToSync: "oneWeek" });
      assert.deepStrictEqual(plan.top, {});
    });
  });
}
