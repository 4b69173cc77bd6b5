// What the impact analysis of one run has seen, looked up and said. One instance per provider run
// (ProviderRun.impact), so nothing leaks between runs or depends on module load order.
import type { GraphApi } from "../graph";
import type { GroupInfo, ImpactFact } from "./facts";

/** What the impact rules need to know about an e-mail profile. */
export interface ProfileFacts {
  urn?: string;
  id?: string;
  displayName: string;
  platform: import("../email/platforms").EmailPlatform;
  hostName?: string;
  emailAddressSource?: string;
  identityCertificateId?: string;
  /** The URN of the identity CertificateProfile when the program made it (its id may be unknown at preview). */
  identityCertificateUrn?: string;
}

/** A certificate or trusted-root profile of the program, for the chain rule. */
export interface CertificateFacts {
  urn: string;
  displayName: string;
  /** The URN of the TrustedRootCertificate a certificate profile links (when the program made it). */
  trustedRootUrn?: string;
}

/** A target as the analysis sees it (normalised ProfileAssignment target). */
export interface TargetFacts {
  kind: string;
  groupId?: string;
}

export interface AssignmentRecord {
  urn?: string;
  profileUrn?: string;
  profileId?: string;
  targets: TargetFacts[];
}

export class ImpactState {
  /** The resources the engine has checked or diffed in this run, by URN and by Graph id. */
  readonly profilesByUrn = new Map<string, ProfileFacts>();
  readonly profilesById = new Map<string, ProfileFacts>();
  readonly assignmentsByUrn = new Map<string, AssignmentRecord>();
  /** Certificate and trusted-root profiles of the program, by URN. */
  readonly certificatesByUrn = new Map<string, CertificateFacts>();
  /** Group names and member counts of this run, by lower-case id: a fetch in flight is shared. */
  readonly groups = new Map<string, Promise<GroupInfo>>();
  /** Every fact said in this run, per resource URN ("" when none), for the review's machine channel. */
  readonly factsByUrn = new Map<string, ImpactFact[]>();
  /** Sentences already said per resource: the engine can ask about one resource twice (check and diff). */
  readonly said = new Set<string>();
  /**
   * The facts the stack record's `check` put into its inputs in this run (JSON), if it ran: only a diff of
   * those is a change. A refresh diffs the record against the inputs of the last `up` without a check.
   */
  factsCarried?: string;
  /** Computations queued by `safely`, run by the stack record once the whole program is known. */
  readonly pending: (() => Promise<void>)[] = [];
}

/** What impact analysis needs of a run (ProviderRun is one): its state and its Graph access. */
export interface ImpactRun {
  readonly impact: ImpactState;
  readonly graph: GraphApi;
}
