// Two iOS e-mail profiles assigned to one group. The second profile's host name comes from stack config
// (`pulumi config set secondHostName …`): a different host is healthy; the same host and address as the
// first profile makes iOS block the second one on every device of the group, which
// `pulumi-intune status --stack <stack>` reports (exit 2) naming both profiles.
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, ProfileAssignment } from "pulumi-intune";

const config = new pulumi.Config();
/** The group both profiles go to; default: the emulator's seeded "Field Engineers" (17 users). */
const groupId = config.get("groupId") ?? "8a2d4e6f-3c5b-4d7a-8e9f-1a2b3c4d5e62";
const hostName = config.get("hostName") ?? "outlook.office365.com";
const secondHostName = config.get("secondHostName") ?? "mail.contoso.com";

const first = new EmailProfile("ios-mail", {
  displayName: "iOS: Exchange Online",
  platform: "iosIpados",
  settings: { hostName, accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});

// Created after the first profile, so that on a shared host it is the one iOS blocks.
const second = new EmailProfile(
  "ios-mail-2",
  {
    displayName: "iOS: second mailbox",
    platform: "iosIpados",
    settings: { hostName: secondHostName, accountName: "Second mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
  },
  { dependsOn: [first] },
);

new ProfileAssignment("ios-mail-assignment", { profileId: first.id, targets: [{ kind: "group", groupId }] });
new ProfileAssignment("ios-mail-2-assignment", { profileId: second.id, targets: [{ kind: "group", groupId }] });

export const firstId = first.id;
export const secondId = second.id;
