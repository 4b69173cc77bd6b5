// Rollout status of device configurations, derived from the tenant itself: nothing is stored.
//
// The derivation, in full (docs/how-to/run-the-emulator.md says the same in short):
// - Devices. Member i (0-based) of group G is one synthetic device, whose id, name and user are derived
//   from G's id and i only, so every read gives the same answer. A user group has one device per user
//   (that user is its primary user); a device group's devices have no user. Groups do not share members.
// - Which devices a profile reaches: the members of its included groups (group targets whose intent is
//   not "remove"); "all devices" and "all licensed users" targets stand for every group's members; then the
//   members of its exclusion groups are taken away. Configuration Manager collections reach nobody.
// - Status per device: succeeded ("compliant") unless one of the duplicate-account and certificate rules
//   of Intune's "Add e-mail settings to devices" page applies:
//   1. iOS/iPadOS (iosEasEmailProfileConfiguration): when another iOS e-mail profile with the same host
//      name (case-insensitive) and the same emailAddressSource also reaches the device, the profile created
//      later is blocked there: "error". The earlier one stays "compliant".
//   2. Samsung Knox (androidEasEmailProfileConfiguration): two such profiles with the same
//      emailAddressSource on one device are both "conflict".
//   3. authenticationMethod "certificate": when the identityCertificate link is missing, dangles, or its
//      certificate profile does not reach the device or is itself "error" there (rule 4), the e-mail
//      profile is "error" there: the certificate was not delivered.
//   4. A certificate profile (SCEP, PKCS) whose rootCertificate link is set: when the link dangles (the root
//      was deleted) or the trusted root does not reach the device, the profile is "error" there: the
//      device cannot validate the chain, so no certificate is issued (Microsoft: deploy the trusted root
//      to the same groups as the SCEP profile). A profile without a root link is not judged by this rule.
//   An error beats a conflict. Device platforms are not modelled: every device a profile reaches counts
//   as one of the profile's platform, so there is no "notApplicable" and nothing is "pending".
import * as crypto from "crypto";
import { shortTypeName } from "../schema/index";
import type { StoredDeviceConfiguration, StoredGroup } from "./store";

/** One synthetic managed device (member `index` of group `groupId`). */
export interface SyntheticDevice {
  readonly id: string;
  readonly deviceDisplayName: string;
  readonly groupId: string;
  readonly index: number;
  /** The primary user; null for members of device groups. */
  readonly user: { readonly id: string; readonly displayName: string; readonly userPrincipalName: string } | null;
}

/** What is derived for one device: Graph's complianceStatus value. */
export type DerivedStatusValue = "compliant" | "error" | "conflict";

/** Why a device is not "compliant", naming the other profile involved (emulator-internal; Graph has no such field). */
export interface DerivedStatusReason {
  readonly rule: "duplicateAccountBlocked" | "duplicateAddressConflict" | "certificateNotDelivered" | "rootNotDelivered";
  /** The other device configuration: the earlier / conflicting e-mail profile, the certificate profile, or the trusted root (null: no link). */
  readonly otherProfileId: string | null;
}

export interface DerivedDeviceStatus {
  readonly device: SyntheticDevice;
  readonly status: DerivedStatusValue;
  readonly reasons: readonly DerivedStatusReason[];
}

const IOS = "iosEasEmailProfileConfiguration";
const KNOX = "androidEasEmailProfileConfiguration";

/** A stable UUID-shaped id from a seed (not random: the same device always has the same id). */
function stableId(seed: string): string {
  const h = crypto.createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The synthetic members of a group, in order. */
export function devicesOfGroup(group: StoredGroup): SyntheticDevice[] {
  const groupId = String(group.entity.id);
  const short = groupId.slice(0, 8).toLowerCase();
  const out: SyntheticDevice[] = [];
  for (let i = 0; i < group.memberCount; i++) {
    const n = String(i + 1).padStart(3, "0");
    out.push({
      id: stableId(`device:${groupId.toLowerCase()}:${i}`),
      deviceDisplayName: `DEV-${short}-${n}`,
      groupId,
      index: i,
      user:
        group.memberKind === "user"
          ? { id: stableId(`user:${groupId.toLowerCase()}:${i}`), displayName: `User ${n} of ${String(group.entity.displayName)}`, userPrincipalName: `user${n}.${short}@contoso.example` }
          : null,
    });
  }
  return out;
}

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

/** Derives device statuses for every profile of a tenant snapshot (configurations in creation order). */
export class DeviceStatusDerivation {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly profiles: StoredDeviceConfiguration[];
  private readonly order = new Map<string, number>();
  private readonly reachCache = new Map<string, Map<string, SyntheticDevice>>();
  private readonly groupDevices = new Map<string, SyntheticDevice[]>();
  private readonly rootErrorCache = new Map<string, Set<string>>();

  constructor(configurations: readonly StoredDeviceConfiguration[], groups: readonly StoredGroup[]) {
    for (const g of groups) this.groups.set(String(g.entity.id).toLowerCase(), g);
    // Creation order: createdDateTime, then the order the tenant keeps them in.
    this.profiles = configurations
      .map((c, i) => ({ c, i }))
      .sort((a, b) => String(a.c.entity.createdDateTime ?? "").localeCompare(String(b.c.entity.createdDateTime ?? "")) || a.i - b.i)
      .map(({ c }) => c);
    this.profiles.forEach((p, i) => this.order.set(String(p.entity.id).toLowerCase(), i));
  }

  private membersOf(groupId: string): SyntheticDevice[] {
    const k = groupId.toLowerCase();
    let found = this.groupDevices.get(k);
    if (!found) {
      const g = this.groups.get(k);
      found = g ? devicesOfGroup(g) : [];
      this.groupDevices.set(k, found);
    }
    return found;
  }

  private profile(id: string): StoredDeviceConfiguration | undefined {
    const i = this.order.get(id.toLowerCase());
    return i === undefined ? undefined : this.profiles[i];
  }

  /** The devices a profile reaches, by device id (empty for an unknown profile). */
  reach(profileId: string): Map<string, SyntheticDevice> {
    const k = profileId.toLowerCase();
    const cached = this.reachCache.get(k);
    if (cached) return cached;
    const result = new Map<string, SyntheticDevice>();
    const stored = this.profile(profileId);
    const excluded: string[] = [];
    for (const a of stored?.assignments ?? []) {
      if (a.intent === "remove") continue;
      const target = (a.target ?? {}) as Record<string, unknown>;
      const type = shortTypeName(String(target["@odata.type"] ?? ""));
      let included: string[] = [];
      if (type === "exclusionGroupAssignmentTarget") excluded.push(String(target.groupId));
      else if (type === "groupAssignmentTarget") included = [String(target.groupId)];
      else if (type === "allDevicesAssignmentTarget" || type === "allLicensedUsersAssignmentTarget") {
        included = [...this.groups.values()].map((g) => String(g.entity.id));
      }
      for (const g of included) for (const d of this.membersOf(g)) result.set(d.id, d);
    }
    for (const g of excluded) for (const d of this.membersOf(g)) result.delete(d.id);
    this.reachCache.set(k, result);
    return result;
  }

  /** The root link of a certificate profile, when set: its target id, and whether that target exists. */
  private rootLink(stored: StoredDeviceConfiguration): { id: string; root: StoredDeviceConfiguration | undefined } | undefined {
    const ref = stored.references.rootCertificate;
    if (!ref || ref.collection !== "deviceConfigurations") return undefined;
    return { id: ref.id, root: this.profile(ref.id) };
  }

  /** Rule 4: the devices a certificate profile reaches but cannot be issued on (its linked root does not reach them). */
  private rootErrors(profileId: string): Set<string> {
    const k = profileId.toLowerCase();
    const cached = this.rootErrorCache.get(k);
    if (cached) return cached;
    const out = new Set<string>();
    const stored = this.profile(profileId);
    const link = stored ? this.rootLink(stored) : undefined;
    if (link) {
      const rootReach = link.root ? this.reach(link.id) : new Map<string, SyntheticDevice>();
      for (const id of this.reach(profileId).keys()) if (!rootReach.has(id)) out.add(id);
    }
    this.rootErrorCache.set(k, out);
    return out;
  }

  /** Status of each device a profile reaches, in group-member order; undefined for an unknown profile. */
  statuses(profileId: string): DerivedDeviceStatus[] | undefined {
    const stored = this.profile(profileId);
    if (!stored) return undefined;
    const me = stored.entity;
    const myId = String(me.id);
    const myType = shortTypeName(String(me["@odata.type"] ?? ""));
    const myOrder = this.order.get(myId.toLowerCase())!;
    const others = this.profiles.filter((p) => String(p.entity.id).toLowerCase() !== myId.toLowerCase());
    // Profiles that can collide with this one on a device, with the rule they trip.
    const rivals: { id: string; rule: DerivedStatusReason["rule"] }[] = [];
    if (myType === IOS) {
      for (const o of others) {
        const e = o.entity;
        if (shortTypeName(String(e["@odata.type"])) !== IOS) continue;
        if (lower(e.hostName) !== lower(me.hostName) || e.emailAddressSource !== me.emailAddressSource) continue;
        // Only an earlier profile blocks this one; this one blocks the later ones.
        if (this.order.get(String(e.id).toLowerCase())! < myOrder) rivals.push({ id: String(e.id), rule: "duplicateAccountBlocked" });
      }
    } else if (myType === KNOX) {
      for (const o of others) {
        const e = o.entity;
        if (shortTypeName(String(e["@odata.type"])) === KNOX && e.emailAddressSource === me.emailAddressSource) rivals.push({ id: String(e.id), rule: "duplicateAddressConflict" });
      }
    }
    let certificate: { id: string | null; reach: Map<string, SyntheticDevice>; notIssued: Set<string> } | undefined;
    if (me.authenticationMethod === "certificate") {
      const ref = stored.references.identityCertificate;
      const target = ref && ref.collection === "deviceConfigurations" ? this.profile(ref.id) : undefined;
      certificate = { id: ref?.id ?? null, reach: target ? this.reach(ref!.id) : new Map(), notIssued: target ? this.rootErrors(ref!.id) : new Set() };
    }
    const root = this.rootLink(stored);
    const notIssued = this.rootErrors(myId);
    const out: DerivedDeviceStatus[] = [];
    for (const device of this.reach(myId).values()) {
      const reasons: DerivedStatusReason[] = [];
      for (const r of rivals) if (this.reach(r.id).has(device.id)) reasons.push({ rule: r.rule, otherProfileId: r.id });
      if (certificate && (!certificate.reach.has(device.id) || certificate.notIssued.has(device.id))) reasons.push({ rule: "certificateNotDelivered", otherProfileId: certificate.id });
      if (root && notIssued.has(device.id)) reasons.push({ rule: "rootNotDelivered", otherProfileId: root.id });
      const status: DerivedStatusValue = reasons.some((r) => r.rule !== "duplicateAddressConflict") ? "error" : reasons.length > 0 ? "conflict" : "compliant";
      out.push({ device, status, reasons });
    }
    return out;
  }
}
