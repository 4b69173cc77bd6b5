// The e-mail baseline of a fleet of Intune tenants: one program, one stack per tenant. Shared values come
// from the project config (Pulumi.yaml); each tenant's stack config (Pulumi.<tenant>.yaml) says how to sign
// in to that tenant (`intune:*`), which of its groups get mail (by display name: group ids differ per
// tenant) and in which rollout wave it is (`pulumi-intune:wave`). Run it over the fleet with
//   npx pulumi-intune fleet preview --stacks 'tenant-*'
//   npx pulumi-intune fleet up --stacks 'tenant-*' --waves canary,rest
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, ProfileAssignment, lookupGroupByName } from "pulumi-intune";

const config = new pulumi.Config();
const hostName = config.require("hostName");
const accountName = config.require("accountName");
const requireSsl = config.requireBoolean("requireSsl");
/** The tenant's groups that get the work mailbox, by display name. */
const mailGroups = config.requireObject<string[]>("mailGroups");
/** A shared mailbox host (optional): a second iOS account for the same groups. */
const sharedMailboxHost = config.get("sharedMailboxHost");

const targets = mailGroups.map((name) => ({ kind: "group" as const, groupId: lookupGroupByName(name) }));

const ios = new EmailProfile("ios-mail", {
  displayName: "iOS: work mail",
  platform: "iosIpados",
  settings: { hostName, accountName, requireSsl, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});
new ProfileAssignment("ios-mail-assignment", { profileId: ios.id, targets });

const windows = new EmailProfile("windows-mail", {
  displayName: "Windows: work mail",
  platform: "windows10",
  settings: { hostName, accountName, requireSsl, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});
new ProfileAssignment("windows-mail-assignment", { profileId: windows.id, targets });

if (sharedMailboxHost) {
  // Created after the work mailbox: if both end up with the same host and address, iOS blocks this one.
  const shared = new EmailProfile(
    "ios-shared-mail",
    {
      displayName: "iOS: shared mailbox",
      platform: "iosIpados",
      settings: { hostName: sharedMailboxHost, accountName: "Shared mail", requireSsl, emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
    },
    { dependsOn: [ios] },
  );
  new ProfileAssignment("ios-shared-mail-assignment", { profileId: shared.id, targets });
}

export const profiles = { ios: ios.id, windows: windows.id };
