// Impact facts grouped into findings a reviewer can read: one per consequence and group of people
// (a duplicate-account conflict names every profile sharing the key on that group, once, instead of one
// warning per pair of profiles), ranked biggest consequence first.
import { type GroupInfo, type ImpactFact, quotedList, who } from "../provider/impact/facts";
import { intuneKind } from "./previewJson";
import type { ResourceChange, ReviewReport } from "./review";

export type Severity = "blocked" | "overwritten" | "removal" | "prompt" | "delivery";

/** Worst first: a blocked account, one overwritten, one removed, a prompt to approve, a delivery. */
export const severities: readonly Severity[] = ["blocked", "overwritten", "removal", "prompt", "delivery"];

export interface Finding {
  kind: ImpactFact["kind"] | "delete";
  severity: Severity;
  /** Members (users and devices) of the group this finding is about; 0 when not known. */
  people: number;
  /** All licensed users or all devices: more than any group. */
  everyone: boolean;
  /** Who, as the sentence names them: `"Sales Users" (42 members)`. */
  audience: string;
  /** The group's id (for the diagram), when the finding is about one group. */
  group?: GroupInfo;
  /** Every profile (display name) in the finding, sorted. */
  profiles: string[];
  /** Names of the resources whose change causes it. */
  resources: string[];
  /** For certificate gaps: the certificate profile the chain needs. */
  certificate?: { name: string; role: "identityCertificate" | "trustedRoot" };
  /** The sentence; `names` renders the profile list (the comment may shorten it). */
  sentence: (names: (profiles: readonly string[]) => string) => string;
}

interface Audience {
  key: string;
  label: string;
  people: number;
  everyone: boolean;
  group?: GroupInfo;
}

function audiences(groups: readonly GroupInfo[], extra: { allUsers?: boolean; allDevices?: boolean } = {}): Audience[] {
  const out: Audience[] = groups.map((g) => ({ key: `g:${g.id}`, label: who([g]), people: g.memberCount, everyone: false, group: g }));
  if (extra.allUsers) out.push({ key: "allLicensedUsers", label: "all licensed users", people: 0, everyone: true });
  if (extra.allDevices) out.push({ key: "allDevices", label: "all devices", people: 0, everyone: true });
  return out;
}

const profileWord = (n: number) => (n === 1 ? "profile" : `${n} profiles`);

interface Acc {
  kind: Finding["kind"];
  severity: Severity;
  audience: Audience;
  profiles: Map<string, string>;
  resources: Set<string>;
  fact: ImpactFact;
}

/** Profile names with what differs between them (platform, changed settings), grouped: `"a", "b" (iOS/iPadOS); "c" (Windows 10)`. */
function byDetail(profiles: Map<string, string>, names: (p: readonly string[]) => string): string {
  const groups = new Map<string, string[]>();
  for (const [p, d] of [...profiles].sort((a, b) => a[0].localeCompare(b[0]))) groups.set(d, [...(groups.get(d) ?? []), p]);
  return [...groups]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([d, ps]) => (d ? `${names(ps)} (${d})` : names(ps)))
    .join("; ");
}

function sentence(a: Acc): Finding["sentence"] {
  const f = a.fact;
  const n = a.profiles.size;
  const sorted = [...a.profiles.keys()].sort();
  const aud = a.audience.label;
  return (names) => {
    switch (f.kind) {
      case "duplicateConflict":
        return `${n} ${f.platform} profiles have the same duplicate-account key (${f.key}) and all reach ${aud}: they will overwrite or block each other on those devices: ${names(sorted)}`;
      case "newRecipients":
        return `${aud} will receive ${n === 1 ? "e-mail profile" : `${n} e-mail profiles`} ${byDetail(a.profiles, names)}`;
      case "duplicateAccountBlocked":
        return `on iOS/iPadOS, devices in ${aud} that already have an account for host "${f.hostName}" and the same address (${f.addressSource}) will have ${profileWord(n)} ${names(sorted)} blocked until the user removes that account by hand (Company Portal tells them to)`;
      case "duplicateAccountOverwritten":
        return f.matchedOn === "address"
          ? `on Samsung Knox, an existing account with the same e-mail address (${f.addressSource}) on devices in ${aud} will be overwritten by ${profileWord(n)} ${names(sorted)}, whatever its host`
          : `on Windows, an account the user made for host "${f.hostName}" with the same address (${f.addressSource}) on devices in ${aud} will be overwritten by ${profileWord(n)} ${names(sorted)}`;
      case "accountRemoval":
        return `the e-mail account of ${profileWord(n)} ${names(sorted)} will be removed from the devices of ${aud}`;
      case "reconfigurationPrompt":
        return `users in ${aud} will be asked to approve the reconfiguration of their e-mail account for ${profileWord(n)} ${byDetail(a.profiles, names)}`;
      case "certificateChainGap":
        return `certificate authentication of ${profileWord(n)} ${names(sorted)} needs the ${f.role === "trustedRoot" ? "trusted root certificate profile" : "certificate profile"} "${f.certificateProfile}" assigned to ${aud} too, but it is not: mail will not connect there`;
      case "excludedWhileIncluded":
        return `${profileWord(n)} ${names(sorted)} both include${n === 1 ? "s" : ""} and exclude${n === 1 ? "s" : ""} ${aud}: the exclusion wins, so no one there gets ${n === 1 ? "it" : "them"}`;
      case "deviceGroupTarget":
        return `${profileWord(n)} ${names(sorted)} target${n === 1 ? "s" : ""} device group ${aud}: e-mail profiles apply only to devices with a primary user there (user groups are the usual target)`;
      case "certificateTargetKindMismatch":
        return `certificate ${profileWord(n)} ${names(sorted)} go${n === 1 ? "es" : ""} to ${f.targets === "users" ? "user" : "device"} group ${aud}, but ${n === 1 ? "its" : "their"} trusted root "${f.trustedRoot}" only to ${f.targets === "users" ? "device" : "user"} groups (${who(f.rootGroups)}): no certificate is issued there`;
    }
  };
}

/** The ranking: all users/devices first, then members reached, then severity, then kind and text. */
export function compareFindings(a: Finding, b: Finding): number {
  const plain = (f: Finding) => f.sentence((p) => quotedList(p));
  return (
    Number(b.everyone) - Number(a.everyone) ||
    b.people - a.people ||
    severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
    a.kind.localeCompare(b.kind) ||
    plain(a).localeCompare(plain(b))
  );
}

/** Groups the report's facts (and deletes, which the engine does not ask the provider about) into ranked findings. */
export function findings(report: ReviewReport): Finding[] {
  const acc = new Map<string, Acc>();
  const add = (key: string, kind: Finding["kind"], severity: Severity, audience: Audience, fact: ImpactFact, r: ResourceChange, profiles: [string, string][]) => {
    const k = `${kind}|${key}|${audience.key}`;
    const a = acc.get(k) ?? { kind, severity, audience, profiles: new Map(), resources: new Set(), fact };
    for (const [p, d] of profiles) if (!a.profiles.has(p)) a.profiles.set(p, d);
    a.resources.add(r.name);
    acc.set(k, a);
  };
  const groupsById = new Map<string, GroupInfo>();
  for (const r of report.resources) {
    for (const f of r.impact) {
      for (const g of "groups" in f ? f.groups : f.missingGroups) groupsById.set(g.id.toLowerCase(), g);
      switch (f.kind) {
        case "duplicateConflict":
          for (const au of audiences(f.groups))
            add(`${f.platform}|${f.key}`, f.kind, f.platform.startsWith("iOS") ? "blocked" : "overwritten", au, f, r, [
              [f.profile, ""],
              [f.otherProfile, ""],
            ]);
          break;
        case "newRecipients":
          for (const au of audiences(f.groups, f)) add("", f.kind, "delivery", au, f, r, [[f.profile, f.platform]]);
          break;
        case "duplicateAccountBlocked":
          for (const au of audiences(f.groups)) add(`${f.hostName.toLowerCase()}|${f.addressSource}`, f.kind, "blocked", au, f, r, [[f.profile, ""]]);
          break;
        case "duplicateAccountOverwritten":
          for (const au of audiences(f.groups))
            add(`${f.platform}|${f.matchedOn}|${f.matchedOn === "address" ? "" : f.hostName.toLowerCase()}|${f.addressSource}`, f.kind, "overwritten", au, f, r, [[f.profile, ""]]);
          break;
        case "accountRemoval":
          for (const au of audiences(f.groups, f)) add("", f.kind, "removal", au, f, r, [[f.profile, ""]]);
          break;
        case "reconfigurationPrompt":
          for (const au of audiences(f.groups)) add("", f.kind, "prompt", au, f, r, [[f.profile, `changing ${f.changedSettings.map((s) => `\`${s}\``).join(", ")}`]]);
          break;
        case "certificateChainGap":
          for (const au of audiences(f.missingGroups)) add(`${f.role}|${f.certificateProfile}`, f.kind, "blocked", au, f, r, [[f.profile, ""]]);
          break;
        case "deviceGroupTarget":
          for (const au of audiences(f.groups)) add("", f.kind, "delivery", au, f, r, [[f.profile, ""]]);
          break;
        case "certificateTargetKindMismatch":
          // Nothing is issued, so certificate authentication fails there: as bad as a gap in the chain.
          for (const au of audiences(f.groups)) add(`${f.trustedRoot}|${f.targets}`, f.kind, "blocked", au, f, r, [[f.profile, ""]]);
          break;
        case "excludedWhileIncluded":
          for (const au of audiences(f.groups)) add("", f.kind, "removal", au, f, r, [[f.profile, ""]]);
          break;
      }
    }
  }
  const out: Finding[] = [...acc.values()].map((a) => ({
    kind: a.kind,
    severity: a.severity,
    people: a.audience.people,
    everyone: a.audience.everyone,
    audience: a.audience.label,
    group: a.audience.group,
    profiles: [...a.profiles.keys()].sort(),
    resources: [...a.resources].sort(),
    certificate: a.fact.kind === "certificateChainGap" ? { name: a.fact.certificateProfile, role: a.fact.role } : undefined,
    sentence: sentence(a),
  }));
  // Deletes: what the report's notes say, with member counts where the preview named the groups elsewhere.
  for (const r of report.resources) {
    for (const note of r.notes) {
      const ids = [...note.matchAll(/group ([0-9a-f-]{36})/gi)].map((m) => m[1].toLowerCase());
      const known = ids.map((id) => groupsById.get(id)).filter((g): g is GroupInfo => g !== undefined);
      const named = ids.reduce((t, id) => (groupsById.has(id) ? t.replace(`group ${id}`, who([groupsById.get(id)!])) : t), note);
      out.push({
        kind: "delete",
        severity: "removal",
        people: known.reduce((s, g) => s + g.memberCount, 0),
        everyone: /all licensed users|all devices/.test(note),
        audience: "",
        profiles: [],
        resources: [r.name],
        sentence: () => `\`${r.name}\` (${intuneKind(r.type) ?? r.type}): ${named}`,
      });
    }
  }
  return out.sort(compareFindings);
}
