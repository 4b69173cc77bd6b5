// The URN a resource will get, computed in the program so the provider can attach impact warnings to it
// (a dynamic provider is never told the URN of the resource it works on).
import * as pulumi from "@pulumi/pulumi";

/**
 * The URN the resource will get, from Pulumi's own `createUrn` (parent types included), so the provider
 * can attach impact warnings to it: a dynamic provider is never told the URN of what it works on.
 */
export function expectedUrn(type: string, name: string, opts?: pulumi.CustomResourceOptions): pulumi.Output<string> {
  return pulumi.createUrn(name, type, opts?.parent);
}
