// Microsoft Entra ID: the token endpoint (client credentials), OpenID discovery, instance discovery and
// the key set, enough for the real ClientSecretCredential. No bearer token, no throttling.
import { checkTokenRequest, openIdConfiguration } from "../auth";
import { GraphErrorFactory } from "../errors";
import { AAD_JSON, type Route } from "./types";

export function identityRoutes(): Route[] {
  return [
    {
      name: "openid-configuration",
      family: "identity",
      method: "GET",
      pattern: /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const tenant = ctx.params[0];
        if (tenant.toLowerCase() !== ctx.env.app.tenantId.toLowerCase() && !["common", "organizations"].includes(tenant.toLowerCase())) {
          throw GraphErrorFactory.aadTenantNotFound(tenant);
        }
        return { status: 200, headers: { "content-type": AAD_JSON }, body: openIdConfiguration(ctx.env.authorityHost, tenant, ctx.env.graphEndpoint) };
      },
    },
    {
      name: "instance-discovery",
      family: "identity",
      method: "GET",
      pattern: /^\/common\/discovery\/instance$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const host = new URL(ctx.env.authorityHost).host;
        return {
          status: 200,
          headers: { "content-type": AAD_JSON },
          body: {
            tenant_discovery_endpoint: `${ctx.env.authorityHost}/${ctx.env.app.tenantId}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
          },
        };
      },
    },
    {
      name: "jwks",
      family: "identity",
      method: "GET",
      pattern: /^\/([^/]+)\/discovery(?:\/v2\.0)?\/keys$/,
      versions: [],
      write: false,
      // Emulator tokens are HMAC-signed; there is no public key to publish.
      handle: () => ({ status: 200, headers: { "content-type": AAD_JSON }, body: { keys: [] } }),
    },
    {
      name: "token",
      family: "identity",
      method: "POST",
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      versions: [],
      write: false,
      handle: (ctx) => {
        const form = new URLSearchParams(ctx.req.bodyText);
        const knownAudiences = [ctx.env.graphEndpoint, "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
        const grant = checkTokenRequest(ctx.env.app, ctx.params[0], form, ctx.req.headers.authorization, knownAudiences);
        const lifetime = ctx.env.config.tokenLifetimeInSeconds;
        const { token } = ctx.env.tokens.issue(grant.audience, ctx.env.config.grantedRoles, lifetime, `${ctx.env.authorityHost}/${ctx.env.app.tenantId}/v2.0`);
        return {
          status: 200,
          headers: { "content-type": AAD_JSON, "cache-control": "no-store, no-cache", pragma: "no-cache" },
          body: { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
        };
      },
    },
  ];
}
