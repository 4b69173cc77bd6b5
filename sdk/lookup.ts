// Names instead of ids: resolve an Entra ID group or an Intune scope tag by its display name while the
// program runs, with the same credentials as the provider (stack config `intune:*`, then environment).
import * as pulumi from "@pulumi/pulumi";
import type { IntuneProviderSettings } from "../provider/config";
import type { GraphApiOptions } from "../provider/graph";
import { assertStackBaseline } from "./baseline";

/** Options of {@link lookupGroupByName} and {@link lookupScopeTagByName}. */
export interface LookupByNameOptions {
  /**
   * Connection settings to use instead of the stack config `intune:*` and the environment (tests,
   * tools that are not Pulumi programs).
   * @default - the stack config `intune:*` (`clientSecret` read as a secret), then `AZURE_*` and `INTUNE_GRAPH_ENDPOINT`
   */
  readonly settings?: IntuneProviderSettings;
  /**
   * Tuning of the Graph client (retries, request budget).
   * @default - the provider's defaults
   */
  readonly graphOptions?: GraphApiOptions;
}

type Kind = "group" | "scopeTag";

const what: Record<Kind, { fn: string; noun: string; path: string }> = {
  group: { fn: "lookupGroupByName", noun: "Entra ID group", path: "/groups" },
  scopeTag: { fn: "lookupScopeTagByName", noun: "scope tag", path: "/deviceManagement/roleScopeTags" },
};

/** One answer per settings, kind and name for the whole program run. */
const cache = new Map<string, Promise<string>>();

/**
 * The id of the one object of `kind` whose display name is `displayName`. Fails naming the display name
 * and how many were found when that is not exactly one. Exported for tests; programs use the functions below.
 */
export function resolveIdByName(kind: Kind, displayName: string, settings: IntuneProviderSettings, graphOptions: GraphApiOptions = {}): Promise<string> {
  const { fn, noun, path } = what[kind];
  if (typeof displayName !== "string" || displayName.trim() === "") {
    return Promise.reject(new Error(`${fn}: \`displayName\` must be a non-empty string, got ${JSON.stringify(displayName)}`));
  }
  const key = JSON.stringify([kind, displayName, settings.graphEndpoint, settings.tenantId, settings.clientId]);
  let found = cache.get(key);
  if (!found) {
    found = (async () => {
      // Loaded here, not at module scope: a program that never looks anything up never loads the Graph client.
      const { GraphApi } = await import("../provider/graph");
      const api = new GraphApi(settings, graphOptions);
      const matches = await api.list<{ id: string; displayName: string }>(path, { filter: `displayName eq '${displayName.replace(/'/g, "''")}'` });
      if (matches.length !== 1) {
        const ids = matches.length > 1 ? ` (ids ${matches.map((m) => m.id).sort().join(", ")})` : "";
        throw new Error(`${fn}: expected exactly one ${noun} with display name "${displayName}", found ${matches.length}${ids}`);
      }
      return matches[0].id;
    })();
    // A failed lookup is not cached: the next program run (or a retry) asks again.
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/** Settings from the stack config `intune:*` (the secret unwrapped inside an apply) and the environment. */
function programSettings(opts: LookupByNameOptions): pulumi.Output<IntuneProviderSettings> {
  if (opts.settings) return pulumi.output(opts.settings);
  const config = new pulumi.Config("intune");
  const secret = config.getSecret("clientSecret") ?? pulumi.output(undefined);
  return pulumi.output(secret).apply((clientSecret) => {
    // Lazy for the same reason as the Graph client.
    const { resolveSettings } = require("../provider/config") as typeof import("../provider/config");
    return resolveSettings((key) => {
      if (!key.startsWith("intune:")) return undefined;
      const name = key.slice("intune:".length);
      return name === "clientSecret" ? clientSecret : config.get(name);
    });
  });
}

function lookup(kind: Kind, displayName: pulumi.Input<string>, opts: LookupByNameOptions): pulumi.Output<string> {
  // A tenant stack that overrides the baseline reads nothing either (sdk/baseline.ts).
  assertStackBaseline();
  const id = pulumi
    .all([pulumi.output(displayName), programSettings(opts)])
    .apply(([name, settings]) => resolveIdByName(kind, name, settings, opts.graphOptions));
  // The id is not secret even though the credential that read it is.
  return pulumi.unsecret(id);
}

/**
 * The object id of the Entra ID group with this display name, resolved when the program runs (preview
 * included) through Microsoft Graph with the provider's credentials. Fails when there is not exactly one
 * such group, naming the display name and the count found. Needs `Group.Read.All`.
 *
 * ```ts
 * targets: [{ kind: "group", groupId: lookupGroupByName("Sales Users") }]
 * ```
 */
export function lookupGroupByName(displayName: pulumi.Input<string>, opts: LookupByNameOptions = {}): pulumi.Output<string> {
  return lookup("group", displayName, opts);
}

/**
 * The id of the Intune scope tag with this display name ("Default" is "0"), resolved when the program
 * runs. Fails when there is not exactly one such tag, naming the display name and the count found.
 */
export function lookupScopeTagByName(displayName: pulumi.Input<string>, opts: LookupByNameOptions = {}): pulumi.Output<string> {
  return lookup("scopeTag", displayName, opts);
}
