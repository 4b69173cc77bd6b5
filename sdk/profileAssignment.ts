import * as pulumi from "@pulumi/pulumi";
import { declaredResources } from "./declared";
import { ProtocolKeys, typeToken } from "../protocol";
import { IntuneDynamicResource } from "./provider";
import { expectedUrn, sourceUrn } from "./urn";

/** One assignment target of a profile. */
export interface ProfileAssignmentTarget {
  /**
   * `group` (include an Entra ID group), `exclusionGroup` (exclude one), `allLicensedUsers` or `allDevices`.
   */
  readonly kind: pulumi.Input<"group" | "exclusionGroup" | "allLicensedUsers" | "allDevices">;
  /**
   * Entra ID group object id; required for `group` and `exclusionGroup`, not allowed otherwise.
   * E-mail profiles usually go to user groups: on a device group they only reach devices with a primary user.
   */
  readonly groupId?: pulumi.Input<string>;
  /**
   * Assignment filter id (`/deviceManagement/assignmentFilters`); not allowed on exclusion groups.
   * @default - no filter
   */
  readonly filterId?: pulumi.Input<string>;
  /**
   * Whether the filter includes or excludes the devices it matches.
   * @default "include" when `filterId` is set, otherwise "none"
   */
  readonly filterType?: pulumi.Input<"none" | "include" | "exclude">;
}

/** Arguments of {@link ProfileAssignment}. */
export interface ProfileAssignmentArgs {
  /**
   * Id of the device configuration to assign: an `EmailProfile`, or the certificate or trusted-root
   * profile it depends on. Changing it replaces this resource.
   */
  readonly profileId: pulumi.Input<string>;
  /** The targets this resource owns on the profile (at least one, each group once). */
  readonly targets: pulumi.Input<pulumi.Input<ProfileAssignmentTarget>[]>;
  /**
   * Take over targets that already exist on the profile (made in the portal, or exported by
   * `pulumi-intune export`) instead of failing the `up`: an existing assignment of the same target
   * becomes owned by this resource as is, with no Graph write when its filter matches; one with another
   * filter is replaced by this target. Pulumi's `import` does not work for dynamic resources.
   * @default false - a target that exists and is not owned by this resource fails the `up`
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * Assigns a profile to groups. Each ProfileAssignment creates and removes only its own assignments, so
 * assignments made in the Intune portal or by another ProfileAssignment on the same profile are never
 * erased; a target that another owner already assigned is refused with a clear error.
 */
export class ProfileAssignment extends IntuneDynamicResource {
  /**
   * The type token, read by typed policies (`validateResourceOfType(ProfileAssignment, …)` of @pulumi/policy 1.18+)
   * to match this class without an instance check.
   */
  public static readonly __pulumiType: string = typeToken("ProfileAssignment");

  /** Id of the assigned device configuration. */
  declare public readonly profileId: pulumi.Output<string>;
  /** The normalised targets, sorted by kind and group id. */
  declare public readonly targets: pulumi.Output<Required<Pick<ProfileAssignmentTarget, "kind" | "filterType">>[]>;
  /** Graph assignment id per owned target (`group:<groupId>`, `allDevices`, …). */
  declare public readonly assignmentIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ProfileAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ProfileAssignment",
      name,
      {
        ...args,
        assignmentIds: undefined,
        // Links to the profile's resource in this program (its id may be unknown during preview) and to
        // this resource, so impact warnings can be computed and attached.
        [ProtocolKeys.urn]: expectedUrn(typeToken("ProfileAssignment"), name, opts),
        // An e-mail profile of this program by identity; a certificate or trusted-root profile by its output's resource.
        [ProtocolKeys.profileUrn]: declaredResources.profileUrnOf(args.profileId) ?? sourceUrn(args.profileId, [typeToken("CertificateProfile"), typeToken("TrustedRootCertificate")]),
      },
      pulumi.mergeOptions({ replaceOnChanges: ["profileId"] }, opts ?? {}),
    );
    declaredResources.addAssignment(this, args);
  }
}
