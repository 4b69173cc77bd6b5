// The URN a resource will get, computed in the program so the provider can attach impact warnings to it
// (a dynamic provider is never told the URN of the resource it works on).
import * as pulumi from "@pulumi/pulumi";

/**
 * The URN the resource will get, from Pulumi's own `createUrn` (parent types included), so the provider
 * can attach impact warnings to it: a dynamic provider is never told the URN of what it works on.
 */
export function expectedUrn(type: string, name: string, opts?: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const urn = pulumi.createUrn(name, type, opts?.parent);
  if (!opts?.parent) return urn;
  // An input that depends on a component's URN depends on every child of that component (Pulumi expands
  // component dependencies), so two children of one component would wait for each other forever: keep
  // the value (a URN is known even at preview), drop the dependency.
  return pulumi.output(new Promise<string>((resolve) => urn.apply(resolve)));
}

/** The URN of the resource an output comes from, when it is one of ours of `type` (else undefined). */
export function sourceUrn(value: pulumi.Input<unknown>, type: string | readonly string[]): pulumi.Output<string | undefined> {
  const types: readonly string[] = typeof type === "string" ? [type] : type;
  const out = pulumi.output(value) as pulumi.Output<unknown> & { resources?: () => Set<pulumi.Resource> | Promise<Set<pulumi.Resource>> };
  if (typeof out.resources !== "function") return pulumi.output(undefined);
  // Output.resources() is internal API (a Set, or a promise of one); without it the provider falls
  // back to looking the profile up by id.
  const found = Promise.resolve(out.resources()).then((set) => [...set].find((r) => types.includes(String((r as unknown as { __pulumiType?: string }).__pulumiType))));
  return pulumi.output(found).apply((r) => (r ? r.urn : undefined)) as unknown as pulumi.Output<string | undefined>;
}
