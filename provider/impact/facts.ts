// What a change will do to people, as facts. Each fact becomes one Pulumi warning (human sentence plus
// a machine-readable line that the review report parses).

import { type GroupInfo, IMPACT_MARKER, type ImpactFact } from "../../protocol";

export { type GroupInfo, IMPACT_MARKER, type ImpactFact };

/** Groups as a reader names them: `"Sales Users" (42 members), "Kiosk Devices" (8 devices) and all devices`. */
export function who(groups: GroupInfo[], extra: { allUsers?: boolean; allDevices?: boolean } = {}): string {
  const parts = groups.map((g) => `"${g.displayName}" (${g.memberCount} ${g.isDeviceGroup ? "devices" : "members"})`);
  if (extra.allUsers) parts.push("all licensed users");
  if (extra.allDevices) parts.push("all devices");
  if (parts.length === 0) return "no one";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** `"a", "b" and "c"`. */
export function quotedList(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 1 ? (q[0] ?? "") : `${q.slice(0, -1).join(", ")} and ${q[q.length - 1]}`;
}

function total(groups: GroupInfo[]): string {
  const n = groups.reduce((s, g) => s + g.memberCount, 0);
  return `${n} member${n === 1 ? "" : "s"}`;
}

const kindWord = (targets: "users" | "devices") => (targets === "users" ? "user" : "device");

/** The sentence a reviewer reads. */
export function describeFact(f: ImpactFact): string {
  switch (f.kind) {
    case "reconfigurationPrompt":
      return `changing ${f.changedSettings.map((s) => `\`${s}\``).join(", ")} of e-mail profile "${f.profile}": users in ${who(f.groups)}${f.groups.length > 1 ? ` (up to ${total(f.groups)} in all; groups can overlap)` : ""} will be asked to approve the reconfiguration of their e-mail account`;
    case "newRecipients":
      return `e-mail profile "${f.profile}" (${f.platform}) will be delivered to ${who(f.groups, f)}`;
    case "duplicateAccountBlocked":
      return `on iOS/iPadOS, devices in ${who(f.groups)} that already have an account for host "${f.hostName}" and the same address (${f.addressSource}) will have profile "${f.profile}" blocked until the user removes that account by hand (Company Portal tells them to)`;
    case "duplicateAccountOverwritten":
      return f.matchedOn === "address"
        ? `on Samsung Knox, an existing account with the same e-mail address (${f.addressSource}) on devices in ${who(f.groups)} will be overwritten by profile "${f.profile}", whatever its host`
        : `on Windows, an account the user made for host "${f.hostName}" with the same address (${f.addressSource}) on devices in ${who(f.groups)} will be overwritten by profile "${f.profile}"`;
    case "duplicateConflict":
      return `profiles "${f.profile}" and "${f.otherProfile}" (${f.platform}) have the same duplicate-account key (${f.key}) and both reach ${who(f.groups)}: they will overwrite or block each other on those devices`;
    case "accountRemoval":
      return `the e-mail account of profile "${f.profile}" will be removed from the devices of ${who(f.groups, f)}`;
    case "certificateChainGap":
      return `certificate authentication of profile "${f.profile}" needs its ${f.role === "trustedRoot" ? "trusted root certificate profile" : "certificate profile"} "${f.certificateProfile}" assigned to the same groups, but it is not assigned to ${who(f.missingGroups)}: mail will not connect there`;
    case "excludedWhileIncluded":
      return `profile "${f.profile}" both includes and excludes ${who(f.groups)}: in Intune the exclusion wins, so no one in ${f.groups.length === 1 ? "that group" : "those groups"} gets the profile`;
    case "deviceGroupTarget":
      return `profile "${f.profile}" targets device group(s) ${who(f.groups)}: e-mail profiles apply only to devices with a primary user there (user groups are the usual target)`;
    case "certificateTargetKindMismatch":
      return `certificate profile "${f.profile}" goes to ${kindWord(f.targets)} group(s) ${who(f.groups)} but its trusted root "${f.trustedRoot}" only to ${kindWord(f.targets === "users" ? "devices" : "users")} group(s) ${who(f.rootGroups)}: Intune issues no certificate then, since both must target users or both devices`;
  }
}

/** The warning text: sentence, then the fact as one JSON line for machines. */
export function renderFact(f: ImpactFact): string {
  return `${describeFact(f)}\n${IMPACT_MARKER} ${JSON.stringify(f)}`;
}

/** Facts found in a diagnostic message (what the review report reads back). */
export function parseFacts(message: string): ImpactFact[] {
  const out: ImpactFact[] = [];
  for (const line of message.split("\n")) {
    const i = line.indexOf(IMPACT_MARKER);
    if (i < 0) continue;
    try {
      out.push(JSON.parse(line.slice(i + IMPACT_MARKER.length).trim()) as ImpactFact);
    } catch {
      // not ours
    }
  }
  return out;
}
