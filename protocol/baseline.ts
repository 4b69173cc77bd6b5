// One baseline, per-tenant values. The project's config (Pulumi.yaml `config:`) holds the shared values;
// each tenant stack's config (Pulumi.<stack>.yaml) may override them, except the keys the baseline lists
// under `pulumi-intune:mandatory`: a tenant stack that sets one of those is refused before its preview or
// update runs, naming the stack and the key. The one rule for both places that refuse: the program
// (sdk/baseline.ts, for a plain `pulumi preview`/`up`) and `pulumi-intune fleet preview|up`
// (cli/fleetRun.ts, before it starts the stack's operation). Pure functions over the parsed YAML.

/** The project config key that lists the mandatory keys (a list, or one comma-separated string). */
export const MANDATORY_KEY = "pulumi-intune:mandatory";

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

/** `hostName` -> `fleet:hostName` (Pulumi's rule: a key without a namespace is the project's). */
export const qualify = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`);

/** A project config entry's value: `key: value`, or `key: { value: … }` / `{ default: … }`. */
function entryValue(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("value" in o) return o.value;
    if ("default" in o) return o.default;
  }
  return v;
}

/** The mandatory keys named by the project config (Pulumi.yaml `config:`), qualified and sorted. */
export function mandatoryKeys(project: string, projectConfig: unknown): string[] {
  if (projectConfig === undefined || projectConfig === null) return [];
  if (typeof projectConfig !== "object" || Array.isArray(projectConfig)) throw new BaselineError(`Pulumi.yaml \`config\` must be a map of keys to values; got ${JSON.stringify(projectConfig)}`);
  const raw = entryValue((projectConfig as Record<string, unknown>)[MANDATORY_KEY]);
  if (raw === undefined || raw === null) return [];
  const list = typeof raw === "string" ? raw.split(",") : Array.isArray(raw) ? raw : undefined;
  if (!list || list.some((k) => typeof k !== "string" || k.trim() === ""))
    throw new BaselineError(`\`${MANDATORY_KEY}\` in Pulumi.yaml must list config keys (a list, or "a,b"); got ${JSON.stringify(raw)}`);
  return [...new Set((list as string[]).map((k) => qualify(project, k.trim())))].sort();
}

/**
 * The keys of `stackConfig` (a stack's `config:` map) that the baseline makes mandatory, as one error per
 * key: "stack `tenant-b` sets mandatory baseline key `fleet:hostName` …". Empty when the stack complies.
 */
export function mandatoryViolations(stack: string, project: string, mandatory: readonly string[], stackConfig: Readonly<Record<string, unknown>> | undefined): string[] {
  const set = new Set(mandatory);
  return Object.keys(stackConfig ?? {})
    .map((k) => qualify(project, k))
    .filter((k) => set.has(k))
    .sort()
    .map((k) => `stack \`${stack}\` sets mandatory baseline key \`${k}\` (Pulumi.${stack}.yaml); the baseline in Pulumi.yaml decides it for every tenant (\`${MANDATORY_KEY}\`): remove it from the stack's config`);
}

/**
 * The baseline's verdict on one stack: one message per mandatory key its config sets (see
 * {@link mandatoryViolations}), empty when it complies or the project names no mandatory key.
 * @param projectConfig - Pulumi.yaml's `config:` map
 * @param stackConfig - Pulumi.<stack>.yaml's `config:` map
 */
export function baselineViolations(stack: string, project: string, projectConfig: unknown, stackConfig: Readonly<Record<string, unknown>> | undefined): string[] {
  const mandatory = mandatoryKeys(project, projectConfig);
  return mandatory.length === 0 ? [] : mandatoryViolations(stack, project, mandatory, stackConfig);
}
