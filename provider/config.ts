// Provider settings: stack config (`intune:*`) first, then environment variables, then cloud defaults.
import { IntuneConfigurationError } from "./errors";

/** National clouds and their Graph and Entra ID endpoints. */
export const IntuneClouds = {
  public: { graphEndpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com" },
  // GCC (moderate) uses the commercial endpoints.
  usgov: { graphEndpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com" },
  usgovhigh: { graphEndpoint: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us" },
  dod: { graphEndpoint: "https://dod-graph.microsoft.us", authorityHost: "https://login.microsoftonline.us" },
  china: { graphEndpoint: "https://microsoftgraph.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn" },
} as const;

export type IntuneCloud = keyof typeof IntuneClouds;

/** Resolved provider settings. `clientSecret` never leaves the provider process. */
export interface IntuneProviderSettings {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly cloud: IntuneCloud;
  /** Graph root without version, e.g. `https://graph.microsoft.com`. */
  readonly graphEndpoint: string;
  readonly authorityHost: string;
}

/** One configuration key: where it is read from and whether it is secret (docs/how-to/configure-credentials.md lists them; a test keeps it so). */
export interface ConfigKeySpec {
  readonly key: string;
  readonly env?: string;
  readonly secret: boolean;
  readonly description: string;
  readonly default: string;
}

export const configKeys: readonly ConfigKeySpec[] = [
  { key: "intune:tenantId", env: "AZURE_TENANT_ID", secret: false, description: "Entra ID tenant (directory) id", default: "- required with a client secret; otherwise from DefaultAzureCredential" },
  { key: "intune:clientId", env: "AZURE_CLIENT_ID", secret: false, description: "Application (client) id of the app registration", default: "- required with a client secret" },
  { key: "intune:clientSecret", env: "AZURE_CLIENT_SECRET", secret: true, description: "Client secret; set with `pulumi config set --secret`", default: "- none: DefaultAzureCredential (workload identity, managed identity, Azure CLI)" },
  { key: "intune:cloud", secret: false, description: "`public`, `usgov`, `usgovhigh`, `dod` or `china`", default: "public" },
  { key: "intune:graphEndpoint", env: "INTUNE_GRAPH_ENDPOINT", secret: false, description: "Graph root URL (https), e.g. the emulator's", default: "- the cloud's Graph endpoint" },
  { key: "intune:authorityHost", env: "AZURE_AUTHORITY_HOST", secret: false, description: "Entra ID authority host (https)", default: "- the cloud's login endpoint" },
];

/** Reads one raw value; Pulumi's `Config.get` fits, and so does a plain map lookup. */
export type ConfigGetter = (key: string) => string | undefined;

function httpsUrl(key: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IntuneConfigurationError(`\`${key}\` must be an absolute https URL, got "${value}"`);
  }
  if (url.protocol !== "https:") {
    // The Graph client only attaches tokens to https hosts, and MSAL only talks to https authorities.
    throw new IntuneConfigurationError(`\`${key}\` must use https, got "${value}"`);
  }
  return value.replace(/\/+$/, "");
}

/** Resolves settings from stack config, then `env`, then the cloud's defaults. */
export function resolveSettings(get: ConfigGetter, env: NodeJS.ProcessEnv = process.env): IntuneProviderSettings {
  const pick = (key: string, envName?: string): string | undefined => {
    const v = get(key) ?? (envName ? env[envName] : undefined);
    return v === undefined || v === "" ? undefined : v;
  };
  const cloudRaw = pick("intune:cloud") ?? "public";
  if (!(cloudRaw in IntuneClouds)) {
    throw new IntuneConfigurationError(
      `\`intune:cloud\` must be one of ${Object.keys(IntuneClouds).join(", ")}, got "${cloudRaw}"`,
    );
  }
  const cloud = cloudRaw as IntuneCloud;
  const graphEndpoint = httpsUrl("intune:graphEndpoint", pick("intune:graphEndpoint", "INTUNE_GRAPH_ENDPOINT") ?? IntuneClouds[cloud].graphEndpoint);
  const authorityHost = httpsUrl("intune:authorityHost", pick("intune:authorityHost", "AZURE_AUTHORITY_HOST") ?? IntuneClouds[cloud].authorityHost);
  const tenantId = pick("intune:tenantId", "AZURE_TENANT_ID");
  const clientId = pick("intune:clientId", "AZURE_CLIENT_ID");
  const clientSecret = pick("intune:clientSecret", "AZURE_CLIENT_SECRET");
  if (clientSecret && (!tenantId || !clientId)) {
    throw new IntuneConfigurationError(
      `a client secret needs \`intune:tenantId\` and \`intune:clientId\` (or AZURE_TENANT_ID and AZURE_CLIENT_ID), got tenantId ${tenantId ? "set" : "missing"} and clientId ${clientId ? "set" : "missing"}`,
    );
  }
  return { tenantId, clientId, clientSecret, cloud, graphEndpoint, authorityHost };
}

/** The Graph hosts that are not Microsoft's own (the emulator), which the Graph client must be told about. */
export function customGraphHosts(settings: IntuneProviderSettings): Set<string> {
  const host = new URL(settings.graphEndpoint).hostname.toLowerCase();
  const known = Object.values(IntuneClouds).map((c) => new URL(c.graphEndpoint).hostname);
  return known.includes(host) ? new Set() : new Set([host]);
}
