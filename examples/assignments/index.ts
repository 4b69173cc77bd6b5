// Profiles and their assignments. Stack config says which groups each assignment targets, so you can
// add and remove targets and watch `pulumi preview` say what that does to people, e.g.
//   pulumi config set --path groups.sales <group id>      (likewise field, kiosk, allStaff)
//   pulumi config set --path 'assignments["ios-mail"][0]' sales
import * as pulumi from "@pulumi/pulumi";
import { EmailProfile, type EmailProfileArgs, ProfileAssignment, type ProfileAssignmentTarget } from "pulumi-intune";

interface Config {
  /** Group ids by role (the emulator seeds these groups). */
  groups: { sales: string; field: string; kiosk: string; allStaff: string };
  /** Assignment name -> targets (group roles, or "allDevices"/"allLicensedUsers"). Omitted = no assignment. */
  assignments?: Record<string, string[]>;
  /** iOS profile host name (change it to see the reconfiguration warning). */
  iosHostName?: string;
  /** Certificate profiles that exist in the tenant: the iOS identity certificate and its assignments. */
  iosCertificateId?: string;
  /** Extra targets on the certificate profile itself. */
  certificateAssignment?: string[];
  /** Platform of the Windows profile (change it to see a replacement). */
  windowsPlatform?: "windows10" | "windowsPhone81";
  /** Profiles to leave out of the program (to see what deleting them does); their assignments go too. */
  omit?: string[];
}

const config = new pulumi.Config();
const values: Config = {
  groups: config.requireObject<Config["groups"]>("groups"),
  assignments: config.getObject<Config["assignments"]>("assignments"),
  iosHostName: config.get("iosHostName"),
  iosCertificateId: config.get("iosCertificateId"),
  certificateAssignment: config.getObject<string[]>("certificateAssignment"),
  windowsPlatform: config.get<"windows10" | "windowsPhone81">("windowsPlatform", { allowedValues: ["windows10", "windowsPhone81"] }),
  omit: config.getObject<string[]>("omit"),
};

const omitted = new Set(values.omit ?? []);
/** A profile of this program, unless config leaves it out. */
function profile(name: string, args: EmailProfileArgs): EmailProfile | undefined {
  return omitted.has(name) ? undefined : new EmailProfile(name, args);
}

const iosMail = profile("ios-mail", {
  displayName: "iOS: Exchange for sales",
  platform: "iosIpados",
  settings: {
    hostName: values.iosHostName ?? "outlook.office365.com",
    accountName: "Work mail",
    emailAddressSource: "primarySmtpAddress",
    usernameSource: "userPrincipalName",
    ...(values.iosCertificateId ? { authenticationMethod: "certificate" as const } : {}),
  },
  ...(values.iosCertificateId ? { identityCertificateId: values.iosCertificateId } : {}),
});

const windowsMail = profile("windows-mail", {
  displayName: "Windows 10: Exchange",
  // Config may switch it to "windowsPhone81" (same settings); the cast keeps the settings type.
  platform: (values.windowsPlatform ?? "windows10") as "windows10",
  settings: { hostName: "outlook.office365.com", accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});

// Two Samsung Knox profiles with the same address source on different hosts: Knox matches accounts on
// the address alone, so where both reach a device they overwrite each other.
const knoxA = profile("knox-a", {
  displayName: "Knox: Exchange Online",
  platform: "androidDeviceAdministrator",
  settings: { hostName: "outlook.office365.com", accountName: "Work mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});
const knoxB = profile("knox-b", {
  displayName: "Knox: on-premises Exchange",
  platform: "androidDeviceAdministrator",
  settings: { hostName: "mail.contoso.com", accountName: "Legacy mail", emailAddressSource: "primarySmtpAddress", usernameSource: "userPrincipalName" },
});

const profiles: Record<string, EmailProfile | undefined> = { "ios-mail": iosMail, "windows-mail": windowsMail, "knox-a": knoxA, "knox-b": knoxB };

function targets(roles: string[]): ProfileAssignmentTarget[] {
  return roles.map((r) =>
    r === "allDevices" || r === "allLicensedUsers" ? { kind: r } : { kind: "group" as const, groupId: values.groups[r as keyof Config["groups"]] },
  );
}

for (const [name, roles] of Object.entries(values.assignments ?? {})) {
  // "<profile>" or "<profile>#<n>" (a second assignment resource on the same profile)
  const profile = profiles[name.split("#")[0]];
  if (!profile) continue;
  new ProfileAssignment(`${name.replace("#", "-")}-assignment`, { profileId: profile.id, targets: targets(roles) });
}

if (values.iosCertificateId && values.certificateAssignment) {
  new ProfileAssignment("ios-certificate-assignment", { profileId: values.iosCertificateId, targets: targets(values.certificateAssignment) });
}

export const iosMailId = iosMail?.id;
export const windowsMailId = windowsMail?.id;
