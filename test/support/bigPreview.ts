// A synthetic `pulumi preview --json` of a large tenant: 1,000 e-mail profiles created or updated and 100
// assignments, with the impact warnings the provider emits for them (facts via renderFact, conflicts pair by
// pair on both assignments, as provider/impact/analyze.ts does). Shape as the real CLI writes it: steps with
// op/urn/old and new inputs, diagnostics with urn/severity/message ("warning: " before the text).
import { type GroupInfo, type ImpactFact, renderFact } from "../../provider/impact/facts";

export const bigUrn = (type: string, name: string) => `urn:pulumi:prod::tenant::pulumi-nodejs:dynamic/intune:${type}::${name}`;

const group = (id: string, displayName: string, users: number, devices = 0): GroupInfo => ({
  id,
  displayName,
  memberCount: users + devices,
  userCount: users,
  deviceCount: devices,
  isDeviceGroup: devices > 0 && users === 0,
});

export const bigGroups = {
  sales: group("00000000-0000-4000-8000-000000000001", "Sales Users", 420),
  field: group("00000000-0000-4000-8000-000000000002", "Field Engineers", 170),
  kiosk: group("00000000-0000-4000-8000-000000000003", "Kiosk Devices", 0, 80),
  allStaff: group("00000000-0000-4000-8000-000000000004", "All Staff", 5200),
  finance: group("00000000-0000-4000-8000-000000000005", "Finance", 60),
};

export interface BigProfile {
  name: string;
  displayName: string;
  platform: "iosIpados" | "androidDeviceAdministrator" | "windows10";
  label: string;
  op: "create" | "update";
}

export interface BigPreview {
  preview: { steps: unknown[]; diagnostics: { urn?: string; severity: string; message: string }[]; changeSummary: Record<string, number> };
  profiles: BigProfile[];
  /** The expected conflict groups: "platform|key|group id" -> every profile (display name) in it. */
  conflictGroups: Map<string, Set<string>>;
  facts: { urn: string; fact: ImpactFact }[];
}

const labels = { iosIpados: "iOS/iPadOS", androidDeviceAdministrator: "Android device administrator (Samsung Knox Standard 5.0+)", windows10: "Windows 10" } as const;

/**
 * Profiles 0–44 iOS, 45–89 Knox, 90–99 Windows are assigned (assignment i to profile i), alternating
 * Sales Users / Field Engineers, every 10th also to Kiosk Devices; profiles 100–989 are unassigned
 * creates, 990–999 assigned profiles whose host name changes (users of All Staff and Finance are prompted);
 * assignment 0 also removes Finance.
 */
export function bigPreview(profileCount = 1000, assignmentCount = 100): BigPreview {
  const steps: unknown[] = [{ op: "same", urn: "urn:pulumi:prod::tenant::pulumi:pulumi:Stack::tenant-prod" }];
  const diagnostics: BigPreview["preview"]["diagnostics"] = [];
  const facts: BigPreview["facts"] = [];
  const profiles: BigProfile[] = [];
  const warn = (urn: string, fact: ImpactFact) => {
    facts.push({ urn, fact });
    diagnostics.push({ urn, severity: "warning", message: `warning: ${renderFact(fact)}\n` });
  };
  for (let i = 0; i < profileCount; i++) {
    const platform = i < 45 ? "iosIpados" : i < 90 ? "androidDeviceAdministrator" : i < 100 ? "windows10" : (["iosIpados", "androidDeviceAdministrator", "windows10"] as const)[i % 3];
    const op = i >= profileCount - 10 ? "update" : "create";
    const p: BigProfile = { name: `mail-${String(i).padStart(4, "0")}`, displayName: `Mail profile ${String(i).padStart(4, "0")} (${platform})`, platform, label: labels[platform], op };
    profiles.push(p);
    const settings = {
      accountName: "Work mail",
      authenticationMethod: "usernameAndPassword",
      durationOfEmailToSync: "userDefined",
      emailAddressSource: "primarySmtpAddress",
      hostName: op === "update" ? "mail.contoso.com" : "outlook.office365.com",
      requireSsl: true,
      usernameSource: "userPrincipalName",
    };
    const inputs = { displayName: p.displayName, platform, scopeTagIds: ["0"], settings };
    const urn = bigUrn("EmailProfile", p.name);
    if (op === "create") steps.push({ op, urn, newState: { inputs } });
    else {
      steps.push({
        op,
        urn,
        diffReasons: ["settings"],
        detailedDiff: { "settings.hostName": { kind: "update", inputDiff: true } },
        oldState: { inputs: { ...inputs, settings: { ...settings, hostName: "outlook.office365.com" } } },
        newState: { inputs },
      });
      warn(urn, { kind: "reconfigurationPrompt", profile: p.displayName, changedSettings: ["settings.hostName"], groups: [bigGroups.allStaff, bigGroups.finance] });
    }
  }
  // Assignments: what each adds, then conflicts between profiles of one platform reaching one group.
  const reach = new Map<number, GroupInfo[]>();
  for (let i = 0; i < assignmentCount; i++) reach.set(i, [i % 2 === 0 ? bigGroups.sales : bigGroups.field, ...(i % 10 === 9 ? [bigGroups.kiosk] : [])]);
  const conflictGroups = new Map<string, Set<string>>();
  for (let i = 0; i < assignmentCount; i++) {
    const p = profiles[i];
    const urn = bigUrn("ProfileAssignment", `${p.name}-assignment`);
    const groups = reach.get(i)!;
    steps.push({
      op: "create",
      urn,
      newState: { inputs: { profileId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", targets: groups.map((g) => ({ filterType: "none", groupId: g.id, kind: "group" })) } },
    });
    warn(urn, { kind: "newRecipients", profile: p.displayName, platform: p.label, groups, allUsers: false, allDevices: false });
    if (p.platform === "iosIpados") warn(urn, { kind: "duplicateAccountBlocked", profile: p.displayName, hostName: "outlook.office365.com", addressSource: "primarySmtpAddress", groups });
    else
      warn(urn, {
        kind: "duplicateAccountOverwritten",
        profile: p.displayName,
        platform: p.label,
        matchedOn: p.platform === "windows10" ? "hostAndAddress" : "address",
        hostName: "outlook.office365.com",
        addressSource: "primarySmtpAddress",
        groups,
      });
    const deviceGroups = groups.filter((g) => g.isDeviceGroup);
    if (deviceGroups.length > 0) warn(urn, { kind: "deviceGroupTarget", profile: p.displayName, groups: deviceGroups });
    const key = p.platform === "androidDeviceAdministrator" ? "address primarySmtpAddress" : "host outlook.office365.com + address primarySmtpAddress";
    for (let j = 0; j < assignmentCount; j++) {
      const q = profiles[j];
      if (j === i || q.platform !== p.platform) continue;
      const overlap = groups.filter((g) => reach.get(j)!.some((h) => h.id === g.id));
      if (overlap.length === 0) continue;
      warn(urn, { kind: "duplicateConflict", profile: p.displayName, otherProfile: q.displayName, platform: p.label, key, groups: overlap });
      for (const g of overlap) {
        const k = `${p.label}|${key}|${g.id}`;
        conflictGroups.set(k, (conflictGroups.get(k) ?? new Set()).add(p.displayName).add(q.displayName));
      }
    }
    if (i === 0) warn(urn, { kind: "accountRemoval", profile: p.displayName, groups: [bigGroups.finance], allUsers: false, allDevices: false });
  }
  const creates = steps.filter((s) => (s as { op: string }).op === "create").length;
  return { preview: { steps, diagnostics, changeSummary: { create: creates, update: profileCount - creates + assignmentCount - assignmentCount, same: 1 } }, profiles, conflictGroups, facts };
}
