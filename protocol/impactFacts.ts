// The impact facts a preview carries from the provider to `pulumi-intune review` (the stack record's
// impact input, and the marker line of older versions' warnings). Sentences are the provider's
// (provider/impact/facts.ts); this is only the shape both sides agree on.

/** A group as the impact messages name it. */
export interface GroupInfo {
  id: string;
  displayName: string;
  /** Transitive members (users and devices). */
  memberCount: number;
  userCount: number;
  deviceCount: number;
  /** A group whose members are devices only. */
  isDeviceGroup: boolean;
}

export type ImpactFact =
  | { kind: "reconfigurationPrompt"; profile: string; changedSettings: string[]; groups: GroupInfo[] }
  | { kind: "newRecipients"; profile: string; platform: string; groups: GroupInfo[]; allUsers?: boolean; allDevices?: boolean }
  | { kind: "duplicateAccountBlocked"; profile: string; hostName: string; addressSource: string; groups: GroupInfo[] }
  | { kind: "duplicateAccountOverwritten"; profile: string; platform: string; matchedOn: "hostAndAddress" | "address"; hostName: string; addressSource: string; groups: GroupInfo[] }
  | { kind: "duplicateConflict"; profile: string; otherProfile: string; platform: string; key: string; groups: GroupInfo[] }
  | { kind: "accountRemoval"; profile: string; groups: GroupInfo[]; allUsers?: boolean; allDevices?: boolean }
  | { kind: "certificateChainGap"; profile: string; certificateProfile: string; role: "identityCertificate" | "trustedRoot"; missingGroups: GroupInfo[] }
  | { kind: "deviceGroupTarget"; profile: string; groups: GroupInfo[] }
  /** The certificate profile `profile` goes only to groups of one kind (users or devices), its trusted root only to the other. */
  | { kind: "certificateTargetKindMismatch"; profile: string; trustedRoot: string; targets: "users" | "devices"; groups: GroupInfo[]; rootGroups: GroupInfo[] }
  | { kind: "excludedWhileIncluded"; profile: string; groups: GroupInfo[] };

/** Marker before the JSON copy of a fact in a warning message. */
export const IMPACT_MARKER = "[pulumi-intune impact]";
