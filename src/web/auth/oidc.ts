/**
 * OIDC sign-in with openid-client (v6): authorization code flow with PKCE (S256), state and nonce, a confidential
 * client authenticating with `client_secret_basic`. openid-client validates the ID token (signature, issuer,
 * audience, expiry, nonce) and the authorization response (state, `iss`); this module only keeps the one-time
 * values between the redirect and the callback and turns the result into claims.
 *
 * Discovery runs on first use, is cached, retried a few times, and not cached when it fails (the next sign-in tries
 * again: the IdP may have been down when the console started).
 */
import * as client from 'openid-client';
import type { Claims } from './claims.js';

/** What the flow needs from `web.oidc` and `web.publicUrl`. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Without a secret the client is public (`none`): PKCE still protects the code. */
  clientSecret?: string;
  scopes: readonly string[];
  /** `<publicUrl>/auth/oidc/callback`: registered at the IdP, and what the token request sends. */
  redirectUri: string;
  /** Claims the console needs (rolesClaim, personClaim): fetched from userinfo when the ID token lacks them. */
  neededClaims: readonly string[];
}

/** The one-time values of a sign-in in progress, kept in the (server-side) session between redirect and callback. */
export interface PendingOidc {
  state: string;
  nonce: string;
  verifier: string;
  /** Epoch ms: a pending sign-in older than {@link PENDING_TTL_MS} is refused. */
  createdAt: number;
}

/** How long the user may take at the IdP. */
export const PENDING_TTL_MS = 10 * 60_000;

/** Coded failures of the flow. `message` is safe to log (no tokens, codes or secrets). */
export class OidcError extends Error {
  constructor(
    readonly code: 'OIDC_UNAVAILABLE' | 'OIDC_NO_PENDING' | 'OIDC_EXPIRED' | 'OIDC_IDP_ERROR' | 'OIDC_INVALID_RESPONSE',
    message: string,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

/** The result of a completed sign-in. */
export interface OidcIdentity {
  sub: string;
  /** ID token claims, completed from userinfo for any needed claim the ID token lacked. */
  claims: Claims;
}

/** The flow. */
export interface OidcClient {
  /** Discover the IdP now (the sign-in page calls it so a broken IdP shows up before the redirect). */
  ready(): Promise<void>;
  /** Start a sign-in: the IdP URL to redirect to and the values to keep in the session. */
  begin(): Promise<{ url: string; pending: PendingOidc }>;
  /** Finish a sign-in from the callback's query string; `pending` must be the session's, and is used once. */
  complete(query: string, pending: PendingOidc | undefined): Promise<OidcIdentity>;
}

/** Options for {@link createOidcClient}. */
export interface OidcClientOptions {
  /** Discovery attempts per call (default 3) and the pause before the second (doubling). */
  attempts?: number;
  retryDelayMs?: number;
  /** HTTP timeout towards the IdP, seconds (default 10). */
  timeoutSeconds?: number;
  now?: () => number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A safe one-line description of an openid-client failure (its messages carry no secrets; responses are not echoed). */
const describe = (err: unknown): string => {
  if (err instanceof client.AuthorizationResponseError) return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  if (err instanceof client.ResponseBodyError) return `${err.error} (HTTP ${err.status})`;
  // openid-client wraps the precise reason (`unexpected "state" response parameter value`) as the cause.
  if (err instanceof Error) return `${'code' in err ? `${String(err.code)}: ` : ''}${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`;
  return String(err);
};

/** The OIDC flow for one configured IdP. */
export function createOidcClient(settings: OidcSettings, opts: OidcClientOptions = {}): OidcClient {
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 500;
  const now = opts.now ?? Date.now;
  const issuer = new URL(settings.issuer);
  // Plain http only towards this machine (tests, a local Keycloak); anything else must be https.
  const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
  let cached: Promise<client.Configuration> | undefined;

  const discover = async (): Promise<client.Configuration> => {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(retryDelayMs * 2 ** (i - 1));
      try {
        return await client.discovery(issuer, settings.clientId, undefined, settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(), {
          timeout: opts.timeoutSeconds ?? 10,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        });
      } catch (err) {
        last = err;
      }
    }
    throw new OidcError('OIDC_UNAVAILABLE', `OIDC discovery at ${issuer.href} failed after ${attempts} attempt(s): ${describe(last)}`);
  };
  const config = (): Promise<client.Configuration> => {
    cached ??= discover().catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };

  return {
    ready: async () => void (await config()),

    async begin() {
      const cfg = await config();
      const pending: PendingOidc = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), createdAt: now() };
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },

    async complete(query, pending) {
      if (!pending) throw new OidcError('OIDC_NO_PENDING', 'no sign-in in progress in this session (opened in another browser, or already used)');
      if (now() - pending.createdAt > PENDING_TTL_MS) throw new OidcError('OIDC_EXPIRED', 'the sign-in took too long; start again');
      const cfg = await config();
      // openid-client sends the callback URL without its query as redirect_uri: use the registered one, never the
      // request's Host header.
      const current = new URL(settings.redirectUri);
      current.search = query.startsWith('?') ? query : `?${query}`;
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(cfg, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        if (err instanceof client.AuthorizationResponseError) throw new OidcError('OIDC_IDP_ERROR', `the identity provider refused the sign-in: ${describe(err)}`);
        throw new OidcError('OIDC_INVALID_RESPONSE', `the sign-in response was not valid: ${describe(err)}`);
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new OidcError('OIDC_INVALID_RESPONSE', 'the token response had no ID token');
      let claims: Claims = { ...idClaims };
      // A dotted claim (`realm_access.roles`) counts as present when its top-level object is.
      if (settings.neededClaims.some((c) => !(c in claims) && !((c.split('.')[0] ?? c) in claims))) {
        try {
          // The subject check binds the userinfo answer to the ID token's user.
          const info = await client.fetchUserInfo(cfg, tokens.access_token, idClaims.sub);
          claims = { ...info, ...idClaims };
        } catch (err) {
          throw new OidcError('OIDC_INVALID_RESPONSE', `the userinfo request failed: ${describe(err)}`);
        }
      }
      return { sub: idClaims.sub, claims };
    },
  };
}
