import * as pulumi from "@pulumi/pulumi";
import { typeToken } from "../protocol";
import { IntuneDynamicResource } from "./provider";

/** Arguments of {@link ScopeTag}. */
export interface ScopeTagArgs {
  /**
   * Name shown in the Intune admin center; unique in the tenant. "Default" is the built-in tag (id "0"),
   * which cannot be managed but can be referenced in `scopeTagIds`.
   */
  readonly displayName: pulumi.Input<string>;
  /**
   * Free text for admins.
   * @default - no description
   */
  readonly description?: pulumi.Input<string>;
  /**
   * Take over an existing scope tag with this id instead of creating one (Pulumi's `import` does not work
   * for dynamic resources). The first `up` writes only what differs from these arguments, nothing when
   * they match. The built-in Default tag "0" cannot be adopted.
   * @default - a new scope tag is created
   */
  readonly adoptExistingId?: pulumi.Input<string>;
}

/**
 * An Intune role scope tag (`/deviceManagement/roleScopeTags`). Scope tags limit which admins see a
 * profile; put the tag's `id` in an e-mail profile's `scopeTagIds`.
 */
export class ScopeTag extends IntuneDynamicResource {
  /**
   * The type token, read by typed policies (`validateResourceOfType(ScopeTag, …)` of @pulumi/policy 1.18+)
   * to match this class without an instance check.
   */
  public static readonly __pulumiType: string = typeToken("ScopeTag");

  /** Name shown in the Intune admin center. */
  declare public readonly displayName: pulumi.Output<string>;
  /** Free text for admins. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** Always false for tags managed here; true only for the built-in "Default" tag. */
  declare public readonly isBuiltIn: pulumi.Output<boolean>;

  constructor(name: string, args: ScopeTagArgs, opts?: pulumi.CustomResourceOptions) {
    super("ScopeTag", name, { ...args, isBuiltIn: undefined }, opts);
  }
}
