// What this program declares of pulumi-intune, registered once as a stack-level record after the
// program has declared everything. The engine never calls a dynamic provider for a delete, so without
// it a preview could not say who loses an e-mail account when a profile or an assignment is removed:
// the record's `check` sees the previous declarations (its old inputs) next to the current ones.
import { DECLARED_RESOURCES_NAME } from "../protocol";
import * as pulumi from "@pulumi/pulumi";
import { IntuneDynamicResource } from "./provider";

interface DeclaredProfile {
  urn: pulumi.Input<string>;
  id: pulumi.Input<string>;
  displayName: pulumi.Input<string>;
  platform: pulumi.Input<string>;
}

interface DeclaredAssignment {
  urn: pulumi.Input<string>;
  profileId: pulumi.Input<string>;
  targets: pulumi.Input<unknown>;
}

/**
 * The stack-level record resource itself: module `pulumi-intune`, not `intune`, so it is never counted
 * or shown as one of the user's resources (cli/previewJson.ts knows its type token).
 */
class DeclaredResourcesRecord extends IntuneDynamicResource {
  constructor(inputs: { profiles: DeclaredProfile[]; assignments: DeclaredAssignment[] }) {
    super("DeclaredResources", DECLARED_RESOURCES_NAME, inputs, {});
  }
}

/** The declarations of one program run: filled as resources are constructed, registered at the end. */
class DeclaredResources {
  private readonly profiles: DeclaredProfile[] = [];
  private readonly assignments: DeclaredAssignment[] = [];
  private registered = false;

  addProfile(resource: pulumi.CustomResource & { id: pulumi.Output<string> }, args: { displayName: pulumi.Input<string>; platform: pulumi.Input<string> }): void {
    this.profiles.push({ urn: resource.urn, id: resource.id, displayName: args.displayName, platform: args.platform });
  }

  /**
   * The URN of the EmailProfile of this program whose `id` output is `profileId` itself (the usual
   * `profileId: profile.id`), so impact analysis at preview knows the profile before it has an id.
   * Public API only: an output's source resources are internal to @pulumi/pulumi. Any other value
   * (a plain id, a derived output) gives undefined, and the provider looks the profile up by id.
   */
  profileUrnOf(profileId: pulumi.Input<string>): pulumi.Output<string> | undefined {
    return this.profiles.find((p) => p.id === profileId)?.urn as pulumi.Output<string> | undefined;
  }

  addAssignment(resource: pulumi.CustomResource, args: { profileId: pulumi.Input<string>; targets: pulumi.Input<unknown> }): void {
    this.assignments.push({ urn: resource.urn, profileId: args.profileId, targets: args.targets });
  }

  /**
   * Registers the record when the program has declared everything: Node emits `beforeExit` once the
   * event loop is empty, and the Pulumi runtime waits for resources registered then (pulumi/pulumi#20070).
   * Hooked as soon as the SDK is loaded, not at the first profile: a program that now declares no
   * profile or assignment (only scope tags, or nothing) still registers the record, so removing the
   * last ones is warned about too. Outside a Pulumi run (no resource monitor) nothing is registered.
   */
  constructor() {
    process.on("beforeExit", () => {
      if (this.registered || !pulumi.runtime.hasMonitor()) return;
      this.registered = true;
      new DeclaredResourcesRecord({ profiles: this.profiles, assignments: this.assignments });
    });
  }
}

/** This program's declarations (one per program run). */
export const declaredResources = new DeclaredResources();
