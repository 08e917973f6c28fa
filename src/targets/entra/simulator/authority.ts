/**
 * The simulator's Entra authority besides the token endpoint: OpenID Connect discovery
 * (`/{tenant}/v2.0/.well-known/openid-configuration`) and its key set, so Microsoft's own libraries (MSAL,
 * @azure/identity with `authorityHost` and `disableInstanceDiscovery: true`, as for any non-Microsoft host) can use
 * it as their authority. Error bodies are Entra's AADSTS shape.
 */
import { randomUUID } from 'node:crypto';
import type { SimResponse } from './errors.js';

/** An Entra (AADSTS) error response. */
export function aadError(status: number, error: string, code: number, description: string): SimResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {
      error, error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code], timestamp, trace_id: traceId, correlation_id: correlationId, error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

const json = (body: unknown): SimResponse => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });

/** The directory a tenant path segment names (its id, or any verified domain), or undefined. */
export function resolveTenant(seg: string, tenantId: string, verifiedDomains: readonly string[]): string | undefined {
  const s = seg.toLowerCase();
  return s === tenantId.toLowerCase() || verifiedDomains.some((d) => d.toLowerCase() === s) ? tenantId : undefined;
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`. As in Entra, a verified domain resolves to the tenant id in
 * every endpoint, and the multi-tenant aliases answer with the `{tenantid}` issuer template.
 */
export function openIdConfiguration(base: string, seg: string, tenantId: string, verifiedDomains: readonly string[]): SimResponse {
  const alias = ['common', 'organizations', 'consumers'].includes(seg.toLowerCase());
  const id = alias ? seg.toLowerCase() : resolveTenant(seg, tenantId, verifiedDomains);
  if (id === undefined) {
    return aadError(400, 'invalid_tenant', 90002, `Tenant '${seg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const host = new URL(base).host;
  return json({
    token_endpoint: `${base}/${id}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${id}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${alias ? '{tenantid}' : id}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${id}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${id}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${id}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/${id}/kerberos`,
    tenant_region_scope: alias ? null : 'EU',
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: base,
  });
}

/** `GET /{tenant}/discovery/v2.0/keys`: the simulator signs no RS256 id tokens, so the set is empty. */
export function keySet(seg: string, tenantId: string, verifiedDomains: readonly string[]): SimResponse {
  const alias = ['common', 'organizations', 'consumers'].includes(seg.toLowerCase());
  if (!alias && resolveTenant(seg, tenantId, verifiedDomains) === undefined) {
    return aadError(400, 'invalid_tenant', 90002, `Tenant '${seg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  return json({ keys: [] });
}
