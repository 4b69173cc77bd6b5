// The sentences reviewers read and the JSON line the review report parses back.
import * as assert from "assert";
import { describeFact, type GroupInfo, IMPACT_MARKER, type ImpactFact, parseFacts, renderFact } from "../../../provider/impact/facts";

const g = (displayName: string, memberCount: number, isDeviceGroup = false): GroupInfo => ({
  id: displayName.toLowerCase().replace(/ /g, "-"),
  displayName,
  memberCount,
  userCount: isDeviceGroup ? 0 : memberCount,
  deviceCount: isDeviceGroup ? memberCount : 0,
  isDeviceGroup,
});

describe("impact facts", () => {
  it("names one group with its count once, and adds an upper bound for several", () => {
    const one = describeFact({ kind: "reconfigurationPrompt", profile: "iOS", changedSettings: ["settings.hostName"], groups: [g("Sales Users", 42)] });
    assert.strictEqual(one, 'changing `settings.hostName` of e-mail profile "iOS": users in "Sales Users" (42 members) will be asked to approve the reconfiguration of their e-mail account');
    const two = describeFact({ kind: "reconfigurationPrompt", profile: "iOS", changedSettings: ["settings.hostName", "settings.requireSsl"], groups: [g("Sales Users", 42), g("Field Engineers", 17)] });
    assert.match(two, /users in "Sales Users" \(42 members\) and "Field Engineers" \(17 members\) \(up to 59 members in all; groups can overlap\) will be asked/);
  });

  it("counts devices for device groups and says all users/all devices", () => {
    const s = describeFact({ kind: "newRecipients", profile: "Knox", platform: "Samsung Knox", groups: [g("Kiosk Devices", 8, true)], allUsers: true, allDevices: false });
    assert.strictEqual(s, 'e-mail profile "Knox" (Samsung Knox) will be delivered to "Kiosk Devices" (8 devices) and all licensed users');
    assert.match(describeFact({ kind: "accountRemoval", profile: "W", groups: [] }), /removed from the devices of no one$/);
  });

  it("says which link of a certificate chain is missing where", () => {
    const root = describeFact({ kind: "certificateChainGap", profile: "iOS", certificateProfile: "Root CA", role: "trustedRoot", missingGroups: [g("Field Engineers", 17)] });
    assert.match(root, /trusted root certificate profile "Root CA" assigned to the same groups, but it is not assigned to "Field Engineers" \(17 members\)/);
  });

  it("names the certificate profile, its root and both sides' groups when they target different kinds of group", () => {
    const s = describeFact({ kind: "certificateTargetKindMismatch", profile: "Work SCEP", trustedRoot: "Work root", targets: "devices", groups: [g("Kiosk Devices", 8, true)], rootGroups: [g("Sales Users", 42)] });
    assert.strictEqual(
      s,
      'certificate profile "Work SCEP" goes to device group(s) "Kiosk Devices" (8 devices) but its trusted root "Work root" only to user group(s) "Sales Users" (42 members): Intune issues no certificate then, since both must target users or both devices',
    );
    const reverse = describeFact({ kind: "certificateTargetKindMismatch", profile: "P", trustedRoot: "R", targets: "users", groups: [g("Sales Users", 42)], rootGroups: [g("Kiosk Devices", 8, true)] });
    assert.match(reverse, /goes to user group\(s\) "Sales Users" .* only to device group\(s\) "Kiosk Devices"/);
  });

  it("round-trips every fact through the warning text, ignoring lines that are not ours", () => {
    const facts: ImpactFact[] = [
      { kind: "duplicateAccountBlocked", profile: "iOS", hostName: "h", addressSource: "primarySmtpAddress", groups: [g("A", 1)] },
      { kind: "duplicateConflict", profile: "K1", otherProfile: "K2", platform: "Knox", key: "address x", groups: [g("B", 2)] },
    ];
    const message = ["some other warning", ...facts.map(renderFact), `${IMPACT_MARKER} {not json`].join("\n");
    assert.deepStrictEqual(parseFacts(message), facts);
    assert.deepStrictEqual(parseFacts("plain text"), []);
  });
});
