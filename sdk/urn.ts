// The URN a resource will get, computed in the program so the provider can attach impact warnings to it
// (a dynamic provider is never told the URN of the resource it works on).
import * as pulumi from "@pulumi/pulumi";

/** `urn:pulumi:<stack>::<project>::<parent types$><type>::<name>`, from the parent's URN when there is one. */
export function expectedUrn(type: string, name: string, opts?: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const parent = opts?.parent;
  if (!parent) return pulumi.output(`urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`);
  return parent.urn.apply((parentUrn) => {
    // urn:pulumi:<stack>::<project>::<qualified type>::<name>
    const [stackPart, project, qualifiedType] = parentUrn.split("::");
    const prefix = `${stackPart}::${project}`;
    // The root stack resource does not prefix its children's types.
    const chain = qualifiedType === "pulumi:pulumi:Stack" ? type : `${qualifiedType}$${type}`;
    return `${prefix}::${chain}::${name}`;
  });
}

/** The URN of the resource an output comes from, when it is one of ours of `type` (else undefined). */
export function sourceUrn(value: pulumi.Input<unknown>, type: string): pulumi.Output<string | undefined> {
  const out = pulumi.output(value) as pulumi.Output<unknown> & { resources?: () => Set<pulumi.Resource> | Promise<Set<pulumi.Resource>> };
  if (typeof out.resources !== "function") return pulumi.output(undefined);
  // Output.resources() is internal API (a Set, or a promise of one); without it the provider falls
  // back to looking the profile up by id.
  const found = Promise.resolve(out.resources()).then((set) => [...set].find((r) => (r as unknown as { __pulumiType?: string }).__pulumiType === type));
  return pulumi.output(found).apply((r) => (r ? r.urn : undefined)) as unknown as pulumi.Output<string | undefined>;
}
