// The CrossGuard side: the rules of rules.ts and stack.ts as @pulumi/policy policies, typed against our
// resource classes (their static `__pulumiType` lets validateResourceOfType match without instanceof).
import {
  type EnforcementLevel,
  type Policies,
  PolicyPack,
  type PolicyPackConfig,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { CertificateProfile } from "../sdk/certificateProfile";
import { EmailProfile } from "../sdk/emailProfile";
import { ProfileAssignment } from "../sdk/profileAssignment";
import { PROFILE_RULES, type ProfileRule, type RuleConfig, violationMessage } from "./rules";
import { type AssignmentFacts, type CertificateNode, type EmailProfileFacts, STACK_RULES, type StackModel, type StackRule, type TargetFacts } from "./stack";

/** Inputs of an EmailProfile that name certificate profiles (deviceConfigurations, so they have assignments). */
const CERTIFICATE_INPUTS = ["identityCertificateId", "smimeSigningCertificateId", "smimeEncryptionCertificateId"] as const;

/**
 * Reads `obj[key]`, or undefined when the value is unknown during preview: @pulumi/policy's props throw
 * on reading an unknown value, which would turn the whole stack rule into "can't run during preview".
 */
function known<T = unknown>(obj: unknown, key: string): T | undefined {
  try {
    const v = (obj as Record<string, unknown> | undefined)?.[key];
    return v as T | undefined;
  } catch {
    return undefined;
  }
}

function resourcePolicy(rule: ProfileRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: `${rule.description} Source: ${rule.source.name}, ${rule.source.url}`,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema ? { properties: rule.configSchema } : undefined,
    validateResource: validateResourceOfType(EmailProfile, (profile, args, reportViolation) => {
      const config = args.getConfig<RuleConfig>();
      if (!rule.platforms.includes(profile.platform)) args.notApplicable(`the rule does not apply to platform ${profile.platform}`);
      const skip = rule.applies?.(config);
      if (skip) args.notApplicable(skip);
      const settings = (profile.settings ?? {}) as Record<string, unknown>;
      for (const finding of rule.check({ platform: profile.platform, settings }, config)) reportViolation(violationMessage(finding, rule));
    }),
  };
}

/** The model of stack.ts from the resources CrossGuard gives a stack policy (outputs, or inputs at preview). */
/** A resource's own keys: its URN, and its id once known. Ids lower-cased: Graph ids are GUIDs, compared without case. */
const keysOf = (r: PolicyResource): string[] => {
  const id = known<string>(r.props, "id");
  return [`urn:${r.urn}`, ...(typeof id === "string" && id !== "" ? [`id:${id.toLowerCase()}`] : [])];
};

/**
 * The key of what input `input` links to: the resource of this program it comes from (the engine's
 * property dependency; its id is unknown until it exists), else the id the program wrote.
 */
function linkKey(r: PolicyResource, input: string): string | undefined {
  const from = r.propertyDependencies?.[input] ?? [];
  if (from.length > 0) return `urn:${from[0].urn}`;
  const id = known<string>(r.props, input);
  return typeof id === "string" && id !== "" ? `id:${id.toLowerCase()}` : undefined;
}

export function stackModel(resources: readonly PolicyResource[]): StackModel {
  const profiles: EmailProfileFacts[] = [];
  const assignments: AssignmentFacts[] = [];
  const certificates: CertificateNode[] = [];
  for (const r of resources) {
    if (r.isType(EmailProfile)) {
      const links: Record<string, string> = {};
      for (const input of CERTIFICATE_INPUTS) {
        const key = linkKey(r, input);
        if (key) links[input] = key;
      }
      profiles.push({ urn: r.urn, name: r.name, keys: keysOf(r), platform: String(known(r.props, "platform") ?? ""), certificates: links });
    } else if (r.isType(CertificateProfile)) {
      // A trusted root needs no node: its assignments name it by the same URN or id as rootKey.
      const rootKey = linkKey(r, "trustedRootId");
      certificates.push({ keys: keysOf(r), ...(rootKey ? { rootKey } : {}) });
    } else if (r.isType(ProfileAssignment)) {
      const profileId = known<string>(r.props, "profileId");
      // The engine's dependency: which resource of this program the profileId input comes from.
      const from = (r.propertyDependencies?.profileId ?? []).map((d) => `urn:${d.urn}`);
      const rawTargets = known<unknown[]>(r.props, "targets") ?? [];
      const targets: TargetFacts[] = [];
      for (let i = 0; i < (Array.isArray(rawTargets) ? rawTargets.length : 0); i++) {
        const t = known(rawTargets, String(i));
        const kind = known<string>(t, "kind");
        if (typeof kind === "string") targets.push({ kind, groupId: known<string>(t, "groupId") });
      }
      assignments.push({
        urn: r.urn,
        name: r.name,
        profileKeys: [...from, ...(typeof profileId === "string" && profileId !== "" ? [`id:${profileId.toLowerCase()}`] : [])],
        targets,
      });
    }
  }
  return { profiles, assignments, certificates };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: `${rule.description} Source: ${rule.source.name}, ${rule.source.url}`,
    enforcementLevel: rule.enforcementLevel,
    configSchema: rule.configSchema ? { properties: rule.configSchema } : undefined,
    validateStack: (args, reportViolation) => {
      const model = stackModel(args.resources);
      if (model.profiles.length === 0 && model.assignments.length === 0) args.notApplicable("no e-mail profiles or assignments in the stack");
      for (const v of rule.check(model, args.getConfig<RuleConfig>())) reportViolation(v.message, v.urn);
    },
  };
}

/** Every policy of the e-mail baseline, with its default enforcement level. */
export function emailBaselinePolicies(): Policies {
  return [...PROFILE_RULES.map(resourcePolicy), ...STACK_RULES.map(stackPolicy)];
}

/** Options of {@link emailBaselinePack}. */
export interface EmailBaselinePackOptions {
  /** Enforcement level for every rule, replacing the rules' own defaults (per-rule config still wins). */
  readonly enforcementLevel?: EnforcementLevel;
  /** Initial per-rule configuration, as in a `--policy-pack-config` file (which still wins). */
  readonly config?: PolicyPackConfig;
}

/**
 * Starts the e-mail baseline policy pack: call it from the `index.ts` of a policy pack folder
 * (PulumiPolicy.yaml, package.json), then `pulumi preview --policy-pack <folder>`.
 */
export function emailBaselinePack(name = "intune-email-baseline", options: EmailBaselinePackOptions = {}): PolicyPack {
  const policies = emailBaselinePolicies().map((p) => (options.enforcementLevel ? { ...p, enforcementLevel: options.enforcementLevel } : p));
  return new PolicyPack(name, { policies, description: "pulumi-intune: e-mail profile baselines (Microsoft, DISA STIG) and certificate reach" }, options.config);
}
