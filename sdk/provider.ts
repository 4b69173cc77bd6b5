// The dynamic-provider objects handed to Pulumi. Their methods are serialized into state, so they only
// forward to the installed package (`require` at run time): the text stays tiny and identical across
// versions, and a resource in old state runs today's code.
import type * as pulumi from "@pulumi/pulumi";

/** Loads the provider implementation of the installed pulumi-intune package. */
function loadImplementation(): {
  handler(kind: string): Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
  configure(get: (key: string) => string | undefined): void;
} {
  const target = "pulumi-intune/dist/provider/dispatch.js";
  try {
    return require(target);
  } catch (e) {
    // Inside the pulumi-intune repository (its demo stack, main: demo/) the package is the project
    // itself: the nearest directory up from the program whose package.json is pulumi-intune.
    if ((e as { code?: string }).code !== "MODULE_NOT_FOUND" || !String((e as Error).message).includes(target)) throw e;
    const path = require("path");
    const fs = require("fs");
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, "package.json");
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-intune") {
        return require(path.join(dir, "dist", "provider", "dispatch.js"));
      }
      if (path.dirname(dir) === dir) throw e;
    }
  }
}

function shim(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      loadImplementation().configure((key) => req.config.get(key));
    },
    check: (olds, news) => loadImplementation().handler(kind).check(olds, news),
    diff: (id, olds, news) => loadImplementation().handler(kind).diff(id, olds, news),
    create: (inputs) => loadImplementation().handler(kind).create(inputs),
    read: (id, props) => loadImplementation().handler(kind).read(id, props),
    update: (id, olds, news) => loadImplementation().handler(kind).update(id, olds, news),
    delete: (id, props) => loadImplementation().handler(kind).delete(id, props),
  };
}

/** One provider object per kind for the whole program: Pulumi caches serialization by object identity. */
export const providers = {
  ScopeTag: shim("ScopeTag"),
  EmailProfile: shim("EmailProfile"),
  ProfileAssignment: shim("ProfileAssignment"),
  DeclaredResources: shim("DeclaredResources"),
} as const;
