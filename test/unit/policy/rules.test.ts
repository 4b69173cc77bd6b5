// Each profile rule's predicate, on a profile that meets it and on ones that break it, and the message format.
import * as assert from "assert";
import { hostAllowed, PROFILE_RULES, type ProfileFacts, type RuleConfig, violationMessage } from "../../../policy/rules";

const rule = (name: string) => {
  const r = PROFILE_RULES.find((x) => x.name === name);
  assert.ok(r, name);
  return r;
};
const ios = (settings: Record<string, unknown>): ProfileFacts => ({ platform: "iosIpados", settings });
const findings = (name: string, p: ProfileFacts, config: RuleConfig = {}) => rule(name).check(p, config);
const messages = (name: string, p: ProfileFacts, config: RuleConfig = {}) => findings(name, p, config).map((f) => violationMessage(f, rule(name)));

describe("policy: profile rules", () => {
  it("every rule has a description, a public source and a default enforcement level", () => {
    assert.deepStrictEqual(
      PROFILE_RULES.map((r) => [r.name, r.enforcementLevel]),
      [
        ["email-ssl-required", "mandatory"],
        ["email-modern-authentication", "advisory"],
        ["ios-email-block-moving-messages", "mandatory"],
        ["ios-email-block-third-party-apps", "mandatory"],
        ["email-smime-required", "disabled"],
        ["email-allowed-host-names", "mandatory"],
      ],
    );
    for (const r of PROFILE_RULES) assert.ok(r.description && r.source.name && r.source.url, r.name);
  });

  it("email-ssl-required: only requireSsl true passes; false and not set fail, naming both", () => {
    assert.deepStrictEqual(findings("email-ssl-required", ios({ requireSsl: true })), []);
    assert.deepStrictEqual(messages("email-ssl-required", ios({ requireSsl: false })), [
      `settings.requireSsl must be true (rule email-ssl-required, from ${rule("email-ssl-required").source.name}), got false`,
    ]);
    assert.match(messages("email-ssl-required", ios({}))[0], /got not set$/);
  });

  it("email-modern-authentication: certificate, derived credential or iOS OAuth pass; passwords fail", () => {
    for (const ok of [{ authenticationMethod: "certificate" }, { authenticationMethod: "derivedCredential" }, { authenticationMethod: "usernameAndPassword", useOAuth: true }])
      assert.deepStrictEqual(findings("email-modern-authentication", ios(ok)), [], JSON.stringify(ok));
    assert.match(messages("email-modern-authentication", ios({ authenticationMethod: "usernameAndPassword" }))[0], /^settings\.authenticationMethod must be "certificate" or "derivedCredential", or useOAuth true .*got "usernameAndPassword"$/);
    assert.match(messages("email-modern-authentication", ios({}))[0], /got not set$/);
    // Android has no OAuth switch: only a certificate passes there.
    const android = { platform: "androidEnterpriseWorkProfileGmail", settings: { authenticationMethod: "usernameAndPassword", useOAuth: true } };
    assert.match(messages("email-modern-authentication", android)[0], /must be "certificate" .*got "usernameAndPassword"/);
    assert.ok(!rule("email-modern-authentication").platforms.includes("windows10"), "Windows profiles cannot use certificates");
  });

  it("the iOS STIG rules want both Mail restrictions set to true, and apply to iOS only", () => {
    assert.deepStrictEqual(findings("ios-email-block-moving-messages", ios({ blockMovingMessagesToOtherEmailAccounts: true })), []);
    assert.match(messages("ios-email-block-moving-messages", ios({ blockMovingMessagesToOtherEmailAccounts: false }))[0], /^settings\.blockMovingMessagesToOtherEmailAccounts must be true .*AIOS-26-011400.*got false$/);
    assert.deepStrictEqual(findings("ios-email-block-third-party-apps", ios({ blockSendingEmailFromThirdPartyApps: true })), []);
    assert.match(messages("ios-email-block-third-party-apps", ios({}))[0], /^settings\.blockSendingEmailFromThirdPartyApps must be true .*PreventAppSheet.*got not set$/);
    assert.deepStrictEqual(rule("ios-email-block-moving-messages").platforms, ["iosIpados"]);
    assert.deepStrictEqual(rule("ios-email-block-third-party-apps").platforms, ["iosIpados"]);
  });

  it("email-smime-required: off by default, wants requireSmime true on the platforms that have it", () => {
    assert.deepStrictEqual(findings("email-smime-required", ios({ requireSmime: true })), []);
    assert.match(messages("email-smime-required", ios({ requireSmime: false }))[0], /^settings\.requireSmime must be true .*got false$/);
    assert.deepStrictEqual([...rule("email-smime-required").platforms].sort(), ["androidDeviceAdministrator", "iosIpados"]);
  });

  it("email-allowed-host-names: not applicable without a list; hosts match case-insensitively, wildcards match subdomains only", () => {
    const r = rule("email-allowed-host-names");
    assert.strictEqual(r.applies?.({}), "no allowedHostNames configured");
    assert.strictEqual(r.applies?.({ allowedHostNames: ["a.example"] }), undefined);
    const config = { allowedHostNames: ["outlook.office365.com", "*.contoso.com"] };
    assert.deepStrictEqual(findings("email-allowed-host-names", ios({ hostName: "Outlook.Office365.com" }), config), []);
    assert.deepStrictEqual(findings("email-allowed-host-names", ios({ hostName: "mail.eu.contoso.com" }), config), []);
    assert.match(messages("email-allowed-host-names", ios({ hostName: "mail.example.net" }), config)[0], /^settings\.hostName must be one of "outlook\.office365\.com", "\*\.contoso\.com" \(rule email-allowed-host-names, .*got "mail\.example\.net"$/);
    assert.strictEqual(hostAllowed("contoso.com", ["*.contoso.com"]), false);
    assert.strictEqual(hostAllowed("evilcontoso.com", ["*.contoso.com"]), false);
    assert.strictEqual(hostAllowed("mail.contoso.com.", ["mail.contoso.com"]), true);
  });
});
