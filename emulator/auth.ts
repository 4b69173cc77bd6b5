// Microsoft Entra ID's side of the client-credentials flow, as far as MSAL needs it: OpenID discovery,
// the v2.0 token endpoint, and access tokens that only this emulator recognises. Tokens are JWT-shaped
// (MSAL and tools can decode them) and HMAC-signed with a key derived from the app's credentials, so
// they stay valid across a restart with the same credentials and are useless anywhere else.
import * as crypto from "crypto";
import { type EmulatorHttpError, GraphErrorFactory } from "./errors";
import type { Clock } from "./throttle";

/** The app registration the emulator's tenant knows. */
export interface AppRegistration {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Claims of an emulator access token (the subset Graph looks at). */
export interface AccessTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly appid: string;
  readonly azp: string;
  readonly tid: string;
  readonly oid: string;
  readonly sub: string;
  readonly idtyp: "app";
  readonly roles: readonly string[];
  readonly ver: "1.0";
  readonly uti: string;
}

/** The application permissions a new emulator grants (everything the provider needs). */
export const DEFAULT_GRANTED_ROLES: readonly string[] = [
  "DeviceManagementConfiguration.ReadWrite.All",
  "DeviceManagementRBAC.ReadWrite.All",
  "Group.Read.All",
];

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** Issues and checks access tokens. */
export class TokenService {
  private readonly key: Buffer;
  /** Stable per app: the service principal's object id. */
  readonly servicePrincipalId: string;

  constructor(private readonly app: AppRegistration, private readonly clock: Clock) {
    this.key = crypto.createHash("sha256").update(`pulumi-intune-emulator|${app.tenantId}|${app.clientId}|${app.clientSecret}`).digest();
    const h = crypto.createHash("sha256").update(`sp|${app.tenantId}|${app.clientId}`).digest("hex");
    this.servicePrincipalId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A signed token for `audience`, valid for `lifetimeInSeconds`. */
  issue(audience: string, roles: readonly string[], lifetimeInSeconds: number, issuer: string): { token: string; claims: AccessTokenClaims } {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + lifetimeInSeconds,
      appid: this.app.clientId,
      azp: this.app.clientId,
      tid: this.app.tenantId,
      oid: this.servicePrincipalId,
      sub: this.servicePrincipalId,
      idtyp: "app",
      roles: [...roles],
      ver: "1.0",
      uti: crypto.randomBytes(16).toString("base64url"),
    };
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "pulumi-intune-emulator" }));
    const payload = b64url(JSON.stringify(claims));
    const signature = crypto.createHmac("sha256", this.key).update(`${header}.${payload}`).digest("base64url");
    return { token: `${header}.${payload}.${signature}`, claims };
  }

  /** The claims of a token this emulator issued, or the Graph 401 to answer with. */
  verify(token: string, acceptedAudiences: readonly string[]): AccessTokenClaims {
    const parts = token.split(".");
    if (parts.length !== 3) throw GraphErrorFactory.tokenInvalid("JWT is not well formed: it must have three segments.");
    const expected = crypto.createHmac("sha256", this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const actual = Buffer.from(parts[2], "base64url");
    if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
      throw GraphErrorFactory.tokenInvalid("Invalid signature.");
    }
    let claims: AccessTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as AccessTokenClaims;
    } catch {
      throw GraphErrorFactory.tokenInvalid("JWT payload is not valid JSON.");
    }
    if (Math.floor(this.clock.now() / 1000) >= claims.exp) throw GraphErrorFactory.tokenExpired();
    if (claims.tid !== this.app.tenantId) throw GraphErrorFactory.tokenInvalid("The token was issued for a different tenant.");
    if (!acceptedAudiences.some((a) => a.replace(/\/$/, "").toLowerCase() === String(claims.aud).replace(/\/$/, "").toLowerCase())) {
      throw GraphErrorFactory.tokenInvalid("Invalid audience.");
    }
    return claims;
  }
}

/** The OpenID Connect discovery document for `tenant` at `authorityHost`. */
export function openIdConfiguration(authorityHost: string, tenant: string, graphHost: string): Record<string, unknown> {
  const base = `${authorityHost}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${graphHost}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "ver"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: new URL(authorityHost).host,
    cloud_graph_host_name: new URL(graphHost).host,
    msgraph_host: new URL(graphHost).host,
    rbac_url: graphHost,
  };
}

/** What a token request asks for, after the checks Entra ID makes. */
export interface TokenGrant {
  readonly audience: string;
}

/**
 * Checks a client-credentials token request (form fields, or HTTP Basic for the client) in Entra ID's
 * order: tenant, grant type, client, secret, scope. Returns the audience, or throws the AADSTS error.
 */
export function checkTokenRequest(
  app: AppRegistration,
  tenant: string,
  form: URLSearchParams,
  authorizationHeader: string | undefined,
  knownAudiences: readonly string[],
): TokenGrant {
  if (tenant.toLowerCase() !== app.tenantId.toLowerCase()) throw GraphErrorFactory.aadTenantNotFound(tenant);
  const grantType = form.get("grant_type");
  if (!grantType) throw GraphErrorFactory.aadMissingParameter("grant_type");
  if (grantType !== "client_credentials") throw GraphErrorFactory.aadUnsupportedGrantType(grantType);
  let clientId = form.get("client_id");
  let clientSecret = form.get("client_secret");
  if (authorizationHeader?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(authorizationHeader.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    clientId = decodeURIComponent(decoded.slice(0, colon));
    clientSecret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (!clientId) throw GraphErrorFactory.aadMissingParameter("client_id");
  if (clientId.toLowerCase() !== app.clientId.toLowerCase()) throw GraphErrorFactory.aadApplicationNotFound(clientId, tenant);
  if (!clientSecret) throw GraphErrorFactory.aadMissingClientSecret();
  if (!safeEqual(clientSecret, app.clientSecret)) throw GraphErrorFactory.aadInvalidClientSecret(app.clientId);
  const scope = form.get("scope");
  if (!scope) throw GraphErrorFactory.aadMissingParameter("scope");
  const resources = scope.split(/\s+/).filter((s) => s && !["openid", "profile", "offline_access"].includes(s));
  if (resources.length !== 1 || !resources[0].endsWith("/.default")) throw GraphErrorFactory.aadInvalidScope(scope);
  const audience = resources[0].slice(0, -"/.default".length);
  if (!knownAudiences.some((a) => a.replace(/\/$/, "").toLowerCase() === audience.replace(/\/$/, "").toLowerCase())) {
    throw GraphErrorFactory.aadResourceNotFound(audience, tenant);
  }
  return { audience };
}

function safeEqual(a: string, b: string): boolean {
  const x = crypto.createHash("sha256").update(a).digest();
  const y = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** Whether the roles include any of `anyOf`; the 403 to throw otherwise. */
export function requireRole(roles: readonly string[], anyOf: readonly string[]): EmulatorHttpError | undefined {
  return anyOf.some((r) => roles.includes(r)) ? undefined : GraphErrorFactory.forbidden(anyOf);
}
