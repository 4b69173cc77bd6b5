// The demo stack: what a platform team declares for Intune e-mail, after Microsoft's "Add e-mail
// settings to devices using Intune": a scope tag, an Exchange profile for iOS/iPadOS, Windows 10 and
// Samsung Knox, and their assignments. `npm run demo` runs it against the local emulator; point the
// intune:* config at a real tenant (and the group ids below at real groups) to run it for real.
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, ProfileAssignment, ScopeTag } from "../index";

const config = new pulumi.Config();
/** Entra ID groups that receive the profiles (demo.sh sets the emulator's seeded groups). */
const salesGroupId = config.require("salesGroupId");
const fieldGroupId = config.require("fieldGroupId");
/** Change it (`pulumi config set exchangeHost …`) to see the reconfiguration warning at preview. */
const exchangeHost = config.get("exchangeHost") ?? "outlook.office365.com";

const mailAdmins = new ScopeTag("mail-admins", {
  displayName: "EMEA mail admins",
  description: "Admins who manage e-mail profiles in EMEA",
});

const common = {
  hostName: exchangeHost,
  accountName: "Contoso mail",
  emailAddressSource: "primarySmtpAddress",
  usernameSource: "userPrincipalName",
  durationOfEmailToSync: "oneMonth",
} as const;

const ios = new EmailProfile("ios-mail", {
  displayName: "iOS/iPadOS: Exchange Online",
  description: "Built-in Mail app on iOS 11+ and iPadOS 13+",
  platform: "iosIpados",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, requireSsl: true, easServices: ["email", "calendars", "contacts"] },
});

const windows = new EmailProfile("windows-mail", {
  displayName: "Windows 10: Exchange Online",
  platform: "windows10",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, syncCalendar: true, syncContacts: true, syncTasks: true },
});

const knox = new EmailProfile("knox-mail", {
  displayName: "Samsung Knox: Exchange Online",
  platform: "androidDeviceAdministrator",
  scopeTagIds: [mailAdmins.id],
  settings: { ...common, usernameSource: "userPrincipalName", requireSsl: true, syncCalendar: true, syncContacts: true },
});

new ProfileAssignment("ios-mail-assignment", { profileId: ios.id, targets: [{ kind: "group", groupId: salesGroupId }] });
new ProfileAssignment("windows-mail-assignment", { profileId: windows.id, targets: [{ kind: "group", groupId: salesGroupId }] });
new ProfileAssignment("knox-mail-assignment", {
  profileId: knox.id,
  targets: [
    { kind: "group", groupId: fieldGroupId },
    { kind: "exclusionGroup", groupId: salesGroupId },
  ],
});

export const mailAdminsScopeTagId = mailAdmins.id;
export const profileIds = { ios: ios.id, windows: windows.id, knox: knox.id };
