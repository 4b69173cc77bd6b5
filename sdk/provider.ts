// How our resources reach their provider. Pulumi's Node dynamic-provider host evaluates each resource's
// provider-module input (`ProtocolKeys.providerModule`) as a module and calls its `handler()`. pulumi.dynamic.Resource generates that text
// by serializing closures: 3.9 KB here, stored in inputs and outputs of every resource. The file backend
// rewrites the whole snapshot after every step, so at a thousand profiles that text made `up` and
// `destroy` engine-bound. We write the module ourselves instead: 300 bytes that load the installed
// package by name, identical across versions, so old state runs today's code.
//
// The module is also the provider's entry point in the host process, so it is where the host's command
// line is read: Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) is started with
// the engine's address as its last argument and passes it on nowhere — not in the environment, not in
// `configure`'s request, and it does not implement the handshake that carries it for other providers
// (pulumi/pulumi#6065, #18249). The module reads it once and hands it to `configure` explicitly, so
// that the provider can send real warnings (provider/engineLog.ts); nothing in provider/ reads argv.
import * as pulumi from "@pulumi/pulumi";
import { ProtocolKeys, type ResourceKind, typeToken } from "../protocol";
import { assertStackBaseline } from "./baseline";
import { pausePromiseStacks } from "./promiseStacks";

/**
 * The provider module of one kind: the installed package, by name. (This repository's demo stack links
 * node_modules/pulumi-intune to the repository, see scripts/demo.sh.)
 */
export function providerModuleText(kind: ResourceKind): string {
  // Compact on purpose: this text is stored twice per resource and rewritten with every checkpoint.
  return [
    `let impl;const load=()=>impl??=require("pulumi-intune/dist/provider/dispatch.js");`,
    // The host's last argument is the engine's address (see above, and provider/engineLog.ts).
    `exports.handler=()=>{const p={configure:async(req)=>load().configure((k)=>req.config.get(k),{engineAddress:process.argv.at(-1)})};`,
    `for(const m of["check","diff","create","read","update","delete"])p[m]=(...a)=>load().handler(${JSON.stringify(kind)})[m](...a);return p};`,
  ].join("\n");
}

/**
 * Base of our resources: a dynamic resource (see `typeToken` in protocol/, served by
 * Pulumi's Node dynamic-provider host) with a hand-written provider module, see above.
 */
export abstract class IntuneDynamicResource extends pulumi.CustomResource {
  protected constructor(kind: ResourceKind, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    // A tenant stack that overrides the baseline declares nothing (sdk/baseline.ts).
    assertStackBaseline();
    const resume = pausePromiseStacks();
    try {
      super(typeToken(kind), name, { ...props, [ProtocolKeys.providerModule]: providerModuleText(kind) }, opts);
    } finally {
      resume();
    }
  }
}
