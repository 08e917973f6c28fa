/**
 * A real OpenID Provider for tests: the `oidc-provider` package (v9), in process with its own HTTP server on
 * 127.0.0.1:<random port>. Its protocol code is the package's, not ours, so the console's OIDC client is tested
 * against someone else's reading of the specs.
 *
 * - One confidential client (`client_secret_basic`, authorization code only) with PKCE required: the package only
 *   requires PKCE for public clients by default, so a console that forgot PKCE would pass; here it is refused.
 * - devInteractions: the package's own login and consent pages (any password; the login names the account), so
 *   Chromium can click through a real IdP. {@link signInAtProvider} does that for a Playwright page.
 * - Test users with `email`, `name` and a `groups` claim. `claimsIn: 'id_token'` (default) puts every claim into
 *   the ID token as Entra ID and Keycloak do; `'userinfo'` keeps the ID token to `sub` (the package's conformant
 *   default), so the client must fetch the claims from the userinfo endpoint.
 * - http issuer: the package accepts any web URI as issuer (https is a deployment concern); the console's client
 *   allows plain http only for loopback issuers.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ProviderAccount } from 'oidc-provider';
import type { Page } from 'playwright-core';
import { OIDC_USERS, type OidcTestUser } from './oidc-users.js';

export { OIDC_ROLE_MAP, OIDC_USERS, type OidcTestUser } from './oidc-users.js';

/** Options for {@link startOidcProvider}. */
export interface OidcProviderOptions {
  users?: readonly OidcTestUser[];
  /** Where the user's claims travel (default `id_token`). */
  claimsIn?: 'id_token' | 'userinfo';
  clientId?: string;
  /** Answer the first n discovery requests with 503 (the IdP is down when the console starts). */
  failDiscovery?: number;
}

/** A running provider. */
export interface TestOidcProvider {
  /** The issuer (`http://127.0.0.1:<port>`), also the discovery base. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Register an exact redirect URI (the console's port is known only once it listens). */
  allowRedirect(uri: string): void;
  /** Protocol errors the provider reported (authorization, token, server errors), for assertions and debugging. */
  errors: string[];
  /** Authorization requests the provider accepted: their parameters (to check PKCE method, nonce, state). */
  authorizations: Record<string, string>[];
  /** Discovery requests received so far (including failed ones). */
  discoveries(): number;
  close(): Promise<void>;
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** Start the provider. */
export async function startOidcProvider(opts: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const users = new Map((opts.users ?? OIDC_USERS).map((u) => [u.login, u]));
  const clientId = opts.clientId ?? 'cadre-console';
  const clientSecret = randomBytes(24).toString('base64url');
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const redirects = new Set<string>();
  const userinfo = opts.claimsIn === 'userinfo';

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      // Replaced by the allow-list below; the package needs one valid URI at registration.
      redirect_uris: ['http://127.0.0.1/auth/oidc/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    async findAccount(_ctx: unknown, id: string): Promise<ProviderAccount | undefined> {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name, groups: user.groups }),
      };
    },
    // In the ID token, groups come with every sign-in (Entra's "groups claim", Keycloak's group mapper); for userinfo
    // they belong to the profile scope, since claims of the openid scope always travel in the ID token.
    claims: userinfo
      ? { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] }
      : { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: userinfo,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    jwks: { keys: [{ ...signing, use: 'sig', alg: 'RS256', kid: 'test-signing' }] },
  });
  provider.Client.prototype.redirectUriAllowed = (value: string) => redirects.has(value);

  const errors: string[] = [];
  const authorizations: Record<string, string>[] = [];
  const onError = (kind: string) => (...args: unknown[]) => {
    const err = args.find((a): a is Error => a instanceof Error);
    errors.push(`${kind}: ${err ? `${err.message}${'error_description' in err ? ` (${String(err.error_description)})` : ''}` : 'unknown'}`);
  };
  for (const e of ['authorization.error', 'grant.error', 'server_error', 'userinfo.error', 'discovery.error']) provider.on(e, onError(e));
  provider.on('authorization.accepted', (...args: unknown[]) => {
    const ctx = args[0] as { oidc?: { params?: Record<string, unknown> } } | undefined;
    const params = ctx?.oidc?.params ?? {};
    authorizations.push(Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string')) as Record<string, string>);
  });
  const handle = provider.callback();
  let failDiscovery = opts.failDiscovery ?? 0;
  let discoveries = 0;
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/.well-known/openid-configuration')) {
      discoveries += 1;
      if (failDiscovery > 0) {
        failDiscovery -= 1;
        res.writeHead(503, { 'retry-after': '0' }).end('down for the test');
        return;
      }
    }
    handle(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    allowRedirect: (uri) => void redirects.add(uri),
    errors,
    authorizations,
    discoveries: () => discoveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * On a page showing the provider's devInteractions login form, sign in as `login` and grant consent. Returns when
 * the browser has left the provider (the consent form was submitted).
 */
export async function signInAtProvider(page: Page, login: string, shot?: (step: string) => Promise<unknown>): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: devInteractions ignores it');
  await shot?.('idp-login');
  await page.locator('button[type="submit"]').click();
  // The consent page (first sign-in of this account at this client).
  const consent = page.locator('input[name="prompt"][value="consent"]');
  await consent.waitFor({ state: 'attached' });
  await shot?.('idp-consent');
  const idp = new URL(page.url()).origin;
  await Promise.all([
    page.waitForURL((url) => url.origin !== idp),
    page.locator('button[type="submit"]').click(),
  ]);
}
