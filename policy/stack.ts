// Rules about the whole stack: who an e-mail profile reaches, and whether its certificates and their
// trusted roots reach the same people. Pure functions over a small model (StackModel) that
// policy/pack.ts builds from CrossGuard's PolicyResource list; the unit tests build it by hand.
//
// Profiles, certificates, roots and assignments are matched by key: `urn:<urn>` when a link (profileId,
// identityCertificateId, trustedRootId, …) comes from a resource of this program (the engine's property
// dependency; its id may be unknown at preview), else `id:<id>` (an object made elsewhere, named by id).
// A CertificateProfile of the program becomes a CertificateNode with both keys and its root's key.
import { type BaselineSource, type RuleConfig, type RuleEnforcementLevel, showValue } from "./rules";

/** Group keys of a target: a group id, or one of the two virtual groups. */
export const ALL_USERS = "*allLicensedUsers";
export const ALL_DEVICES = "*allDevices";

export interface TargetFacts {
  readonly kind: string;
  readonly groupId?: string;
}

export interface AssignmentFacts {
  readonly urn: string;
  readonly name: string;
  /** Keys of the profile it assigns (see above). */
  readonly profileKeys: readonly string[];
  readonly targets: readonly TargetFacts[];
}

export interface EmailProfileFacts {
  readonly urn: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly platform: string;
  /** Certificate references by input name, e.g. identityCertificateId → the certificate profile's key. */
  readonly certificates: Readonly<Record<string, string>>;
}

export interface CertificateNode {
  readonly keys: readonly string[];
  /** Key of the trusted-root profile it chains to, when known. */
  readonly rootKey?: string;
}

export interface StackModel {
  readonly profiles: readonly EmailProfileFacts[];
  readonly assignments: readonly AssignmentFacts[];
  readonly certificates: readonly CertificateNode[];
}

/** A stack rule's violation, attached to one resource. */
export interface StackViolation {
  readonly urn: string;
  readonly message: string;
}

export interface StackRule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: RuleEnforcementLevel;
  readonly source: BaselineSource;
  readonly configSchema?: Record<string, { type: "array" | "boolean" | "object"; items?: { type: "string" }; description: string; additionalProperties?: { type: "string" } }>;
  readonly check: (model: StackModel, config: RuleConfig) => StackViolation[];
}

// Entra ID object ids are GUIDs, which Graph compares without case (the provider stores them lower-case).
const lower = (id: string) => id.toLowerCase();
const groupKey = (t: TargetFacts): string | undefined =>
  t.kind === "allLicensedUsers" ? ALL_USERS : t.kind === "allDevices" ? ALL_DEVICES : t.groupId !== undefined ? lower(t.groupId) : undefined;
const showGroup = (g: string): string => (g === ALL_USERS ? "all licensed users" : g === ALL_DEVICES ? "all devices" : `group ${JSON.stringify(g)}`);

function assignmentsOf(model: StackModel, keys: readonly string[]): AssignmentFacts[] {
  return model.assignments.filter((a) => a.profileKeys.some((k) => keys.includes(k)));
}

/** Included and excluded group keys over all assignments of one profile. */
export function reachOf(assignments: readonly AssignmentFacts[]): { included: Set<string>; excluded: Set<string> } {
  const included = new Set<string>();
  const excluded = new Set<string>();
  for (const a of assignments)
    for (const t of a.targets) {
      const g = groupKey(t);
      if (g === undefined) continue;
      (t.kind === "exclusionGroup" ? excluded : included).add(g);
    }
  return { included, excluded };
}

/** Whether a profile with this reach delivers to the members of `group` (virtual groups cover every group). */
function covers(reach: { included: Set<string>; excluded: Set<string> }, group: string): boolean {
  if (reach.excluded.has(group)) return false;
  if (reach.included.has(group)) return true;
  // All licensed users reaches every user group, all devices every device; an e-mail profile's groups are
  // user groups (email-user-targets), so either virtual group covers a named group.
  if (group === ALL_USERS) return reach.included.has(ALL_USERS);
  if (group === ALL_DEVICES) return reach.included.has(ALL_DEVICES);
  return reach.included.has(ALL_USERS) || reach.included.has(ALL_DEVICES);
}

const isEmailProfileKey = (model: StackModel, keys: readonly string[]): EmailProfileFacts | undefined =>
  model.profiles.find((p) => p.keys.some((k) => keys.includes(k)));

export const STACK_RULES: readonly StackRule[] = [
  {
    name: "email-user-targets",
    description:
      "E-mail profiles are assigned to user groups: never to all devices or to a device group (configured as deviceGroupIds), where they reach only devices with a primary user.",
    enforcementLevel: "mandatory",
    source: { name: "Microsoft Intune: e-mail profiles are deployed to user groups (Add e-mail settings to devices)", url: "https://learn.microsoft.com/mem/intune/configuration/email-settings-configure" },
    configSchema: {
      deviceGroupIds: { type: "array", items: { type: "string" }, description: "Entra ID groups whose members are devices." },
    },
    check: (model, config) => {
      const deviceGroups = new Set((config.deviceGroupIds ?? []).map(lower));
      const out: StackViolation[] = [];
      for (const a of model.assignments) {
        const profile = isEmailProfileKey(model, a.profileKeys);
        if (!profile) continue;
        a.targets.forEach((t, i) => {
          if (t.kind === "allDevices" || (t.kind === "group" && t.groupId !== undefined && deviceGroups.has(lower(t.groupId))))
            out.push({
              urn: a.urn,
              message: `targets[${i}] must be a user group for e-mail profile ${JSON.stringify(profile.name)} (rule email-user-targets, from Microsoft Intune: e-mail profiles apply only to devices with a primary user), got ${t.kind === "allDevices" ? "allDevices" : `device group ${showValue(t.groupId)}`}`,
            });
        });
      }
      return out;
    },
  },
  {
    name: "assignment-include-exclude-same-group",
    description: "No profile includes and excludes the same group (the exclusion wins: nobody in it gets the profile).",
    enforcementLevel: "mandatory",
    source: { name: "Microsoft Intune assignment rules: exclusion takes precedence over inclusion", url: "https://learn.microsoft.com/mem/intune/configuration/device-profile-assign#exclude-groups-from-a-profile-assignment" },
    check: (model) => {
      const out: StackViolation[] = [];
      const seen = new Set<AssignmentFacts>();
      for (const a of model.assignments) {
        if (seen.has(a)) continue;
        // Every assignment of the same profile, this one included (two ProfileAssignments may conflict).
        const siblings = model.assignments.filter((b) => b.profileKeys.some((k) => a.profileKeys.includes(k)));
        siblings.forEach((b) => seen.add(b));
        const { included } = reachOf(siblings);
        for (const b of siblings)
          b.targets.forEach((t, i) => {
            if (t.kind === "exclusionGroup" && t.groupId !== undefined && included.has(lower(t.groupId)))
              out.push({
                urn: b.urn,
                message: `targets[${i}] must not exclude a group the profile also includes (rule assignment-include-exclude-same-group, from Microsoft Intune: exclusion takes precedence), got exclusionGroup ${showValue(t.groupId)}`,
              });
          });
      }
      return out;
    },
  },
  {
    name: "email-certificate-reach",
    description:
      "A certificate-based e-mail profile's certificates, and the trusted roots they chain to, are assigned to every group the e-mail profile reaches.",
    enforcementLevel: "mandatory",
    source: {
      name: "Microsoft Intune: certificate profiles and their trusted root go to the same groups as the e-mail profile (IntuneDocs #2252)",
      url: "https://learn.microsoft.com/mem/intune/protect/certificates-configure",
    },
    configSchema: {
      trustedRootOf: { type: "object", additionalProperties: { type: "string" }, description: "Certificate profile id → the trusted-root profile id it chains to." },
      requireAssignmentsInStack: { type: "boolean", description: "Count a certificate no ProfileAssignment of this stack assigns as reaching nobody (default true)." },
    },
    check: (model, config) => {
      const out: StackViolation[] = [];
      const requireInStack = config.requireAssignmentsInStack ?? true;
      const rootOf = (certKey: string): string | undefined => {
        const node = model.certificates.find((c) => c.keys.includes(certKey));
        if (node?.rootKey) return node.rootKey;
        const id = certKey.startsWith("id:") ? certKey.slice(3) : undefined;
        const root = id !== undefined ? Object.entries(config.trustedRootOf ?? {}).find(([cert]) => lower(cert) === id)?.[1] : undefined;
        return root !== undefined ? `id:${lower(root)}` : undefined;
      };
      const keysOf = (key: string): string[] => model.certificates.find((c) => c.keys.includes(key))?.keys.slice() ?? [key];
      // An id quoted, a resource of this stack by its name (the URN's last part).
      const showKey = (key: string) => (key.startsWith("id:") ? JSON.stringify(key.slice(3)) : key.slice(4).split("::").pop()!);
      for (const profile of model.profiles) {
        const profileAssignments = assignmentsOf(model, profile.keys);
        // Each certificate and root once per profile (an identity and an S/MIME certificate often share a root).
        const checked = new Set<string>();
        for (const [property, certKey] of Object.entries(profile.certificates)) {
          const chain: { what: string; key: string }[] = [{ what: `certificate profile ${showKey(certKey)}`, key: certKey }];
          const root = rootOf(certKey);
          if (root) chain.push({ what: `its trusted root ${showKey(root)}`, key: root });
          for (const link of chain) {
            if (checked.has(link.key)) continue;
            checked.add(link.key);
            const linkAssignments = assignmentsOf(model, keysOf(link.key));
            if (linkAssignments.length === 0 && !requireInStack) continue;
            const linkReach = reachOf(linkAssignments);
            for (const a of profileAssignments)
              a.targets.forEach((t, i) => {
                const g = groupKey(t);
                if (t.kind === "exclusionGroup" || g === undefined || covers(linkReach, g)) return;
                out.push({
                  urn: a.urn,
                  message: `targets[${i}] must also be a target of ${link.what} (${property} of ${JSON.stringify(profile.name)}) (rule email-certificate-reach, from Microsoft Intune: certificate, trusted root and e-mail profile go to the same groups), got ${showGroup(g)}${linkAssignments.length === 0 ? ", which no assignment of this stack gives it" : ""}`,
                });
              });
          }
        }
      }
      return out;
    },
  },
];
