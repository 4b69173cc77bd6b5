// Everything that crosses a process boundary between the program (sdk/), the provider process
// (provider/) and the tools that read Pulumi's output (cli/): resource kinds and type tokens, the
// `__` keys the SDK adds to inputs and the provider adds to outputs, the stack record's shape and the
// impact facts it carries. A leaf module: it imports nothing, so cli/ can load it without
// @pulumi/pulumi. Each `__` key is spelled here and nowhere else.
export type { GroupInfo, ImpactFact } from "./impactFacts";
export { IMPACT_MARKER } from "./impactFacts";
import type { ImpactFact } from "./impactFacts";

/** Our resource kinds, as in the type token `pulumi-nodejs:dynamic/intune:<kind>`. */
export type ResourceKind = "ScopeTag" | "EmailProfile" | "ProfileAssignment" | "DeclaredResources" | "TrustedRootCertificate" | "CertificateProfile";

/** The kinds people declare (module `intune`); the stack record lives in module `pulumi-intune`. */
export type UserResourceKind = Exclude<ResourceKind, "DeclaredResources">;

/**
 * The type token of one of our resources: `pulumi-nodejs:dynamic/intune:EmailProfile`, or
 * `pulumi-nodejs:dynamic/pulumi-intune:DeclaredResources` for the stack record (its own module, so it
 * is never counted or shown as one of the user's resources).
 */
export function typeToken(kind: ResourceKind): string {
  return `pulumi-nodejs:dynamic/${kind === "DeclaredResources" ? "pulumi-intune" : "intune"}:${kind}`;
}

/** The stack record's type token (see {@link DeclaredResourcesInputs}). */
export const DECLARED_RESOURCES_TYPE = typeToken("DeclaredResources");

/** The stack record's resource name and Graph-less id. */
export const DECLARED_RESOURCES_NAME = "pulumi-intune";

/** The user-declared kind of a type token, e.g. `…/intune:EmailProfile` → `EmailProfile`; undefined for others. */
export function userKindOfType(type: string): string | undefined {
  const m = /^pulumi-nodejs:dynamic\/intune:(\w+)$/.exec(type);
  return m?.[1];
}

/**
 * Keys that are not the user's arguments: Pulumi's own (the provider module) and ours. The prefix hides
 * them in Pulumi's displays; the provider strips them before validation.
 */
export const ProtocolKeys = {
  /** Pulumi's dynamic-provider host: the provider module's text (sdk/provider.ts writes it). */
  providerModule: "__provider",
  /** Program → provider: the URN the resource will get (a dynamic provider is never told it). */
  urn: "__urn",
  /** Program → provider: the URN of the EmailProfile a ProfileAssignment's `profileId` comes from. */
  profileUrn: "__profileUrn",
  /** Program → provider: the URN of the CertificateProfile an EmailProfile's `identityCertificateId` comes from (chain rule). */
  identityCertificateUrn: "__identityCertificateUrn",
  /** Program → provider: the URN of the TrustedRootCertificate a CertificateProfile's `trustedRootId` comes from. */
  trustedRootUrn: "__trustedRootUrn",
  /** Program → provider: the platforms of the certificate profiles an input links, by input (platform rule at preview). */
  linkedPlatforms: "__linkedPlatforms",
  /** Provider → review (preview JSON): the stack record's input with every impact fact of the run. */
  impact: "__impact",
  /** Provider → provider (state): an EmailProfile's declared inputs at the last write. */
  declared: "__declared",
  /** Provider → provider (state): the tenant's answer after the last write (the drift baseline). */
  baseline: "__baseline",
} as const;

/** Whether an input or output key is one of the keys above, not a user argument or tenant property. */
export function isProtocolKey(key: string): boolean {
  return key.startsWith("__");
}

/** The user's arguments only: every protocol key removed. */
export function withoutProtocolKeys<T extends Record<string, unknown>>(props: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!isProtocolKey(k)) out[k] = v;
  return out;
}

/** The links the SDK adds to a resource's inputs; they survive `check` and are kept in state. */
export type LinkKeys = {
  /** See {@link ProtocolKeys.urn}. */
  readonly [ProtocolKeys.urn]?: string;
  /** See {@link ProtocolKeys.profileUrn}. */
  readonly [ProtocolKeys.profileUrn]?: string;
  /** See {@link ProtocolKeys.identityCertificateUrn}. */
  readonly [ProtocolKeys.identityCertificateUrn]?: string;
  /** See {@link ProtocolKeys.trustedRootUrn}. */
  readonly [ProtocolKeys.trustedRootUrn]?: string;
};

/** The link keys, in the order the provider carries them through `check`, `create`, `update` and `read`. */
export const linkKeys = [ProtocolKeys.urn, ProtocolKeys.profileUrn, ProtocolKeys.identityCertificateUrn, ProtocolKeys.trustedRootUrn] as const satisfies readonly (keyof LinkKeys)[];

/** The state keys of an EmailProfile's drift model (JSON text each). */
export type EmailProfileStateKeys = {
  readonly [ProtocolKeys.declared]?: string;
  readonly [ProtocolKeys.baseline]?: string;
};

/** An e-mail profile as the stack record lists it. */
export interface DeclaredProfileRecord {
  readonly urn: string;
  readonly id?: string;
  readonly displayName: string;
  readonly platform: string;
}

/** A ProfileAssignment as the stack record lists it. */
export interface DeclaredAssignmentRecord {
  readonly urn: string;
  readonly profileId?: string;
  readonly targets: readonly { kind: string; groupId?: string }[];
}

/**
 * The stack record's inputs: what the program declares (written by the SDK) and, after `check`, the
 * run's impact facts as JSON text (written by the provider, read by `pulumi-intune review`).
 */
export interface DeclaredResourcesInputs {
  readonly profiles: readonly DeclaredProfileRecord[];
  readonly assignments: readonly DeclaredAssignmentRecord[];
  /** See {@link ProtocolKeys.impact}: `JSON.stringify(ImpactByUrn)`. */
  readonly [ProtocolKeys.impact]?: string;
}

/** The facts of a run by resource URN ("" for none), as carried in the stack record's {@link ProtocolKeys.impact} input. */
export type ImpactByUrn = Record<string, ImpactFact[]>;
