/**
 * The console's OIDC flow (src/web/auth/oidc.ts) against a real oidc-provider: PKCE S256, state and nonce checked,
 * claims from the ID token or from userinfo, one-time use, coded failures, and discovery retried and not cached
 * while the IdP is down.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createOidcClient, OidcError, PENDING_TTL_MS, type OidcClientOptions, type PendingOidc } from '../../src/web/auth/oidc.js';
import { cookieClient, signInAtProviderWithFetch } from '../support/cookie-client.js';
import { startOidcProvider, type OidcProviderOptions, type TestOidcProvider } from '../support/oidc-provider.js';

const REDIRECT = 'http://127.0.0.1:9/auth/oidc/callback'; // never requested: the test stops at the redirect
const coded = (code: string, msg?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OidcError, String(e));
  assert.equal(e.code, code, e.message);
  if (msg) assert.match(e.message, msg);
  return true;
};

describe('OIDC client against oidc-provider', () => {
  const providers: TestOidcProvider[] = [];
  after(async () => {
    for (const p of providers) await p.close();
  });
  const setup = async (o: OidcProviderOptions = {}, c: OidcClientOptions = {}) => {
    const op = await startOidcProvider(o);
    providers.push(op);
    op.allowRedirect(REDIRECT);
    const rp = createOidcClient({ issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, scopes: ['openid', 'profile', 'email'], redirectUri: REDIRECT, neededClaims: ['groups', 'email'] }, { retryDelayMs: 10, ...c });
    return { op, rp };
  };
  /** Begin, sign in at the provider, return the callback's query and the pending values. */
  const flow = async (rp: ReturnType<typeof createOidcClient>, login = 'olivia', abort = false) => {
    const { url, pending } = await rp.begin();
    const back = new URL(await signInAtProviderWithFetch(cookieClient(), url, login, { abort }));
    assert.equal(back.origin + back.pathname, REDIRECT);
    return { url: new URL(url), pending, query: back.search };
  };

  test('code flow with PKCE S256, state and nonce; the groups claim from the ID token', async () => {
    const { op, rp } = await setup();
    const { url, pending, query } = await flow(rp);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), pending.state);
    assert.equal(url.searchParams.get('nonce'), pending.nonce);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT);
    assert.equal(url.searchParams.get('scope'), 'openid profile email');
    const id = await rp.complete(query, pending);
    assert.equal(id.sub, 'olivia');
    assert.deepEqual(id.claims.groups, ['Cadre-Admins', 'Everyone']);
    assert.equal(id.claims.email, 'Olivia.Admin@example.com');
    assert.equal(id.claims.iss, op.issuer);
    assert.deepEqual(op.errors, []);
  });

  test('claims the ID token lacks are fetched from userinfo', async () => {
    const { rp } = await setup({ claimsIn: 'userinfo' });
    const { pending, query } = await flow(rp, 'hank');
    const id = await rp.complete(query, pending);
    assert.deepEqual(id.claims.groups, ['Helpdesk']);
    assert.equal(id.claims.email, 'hank.help@example.com');
  });

  test('the callback is refused without the session\'s pending values, when they are old, or another session\'s', async () => {
    let clock = Date.now();
    const { rp } = await setup({}, { now: () => clock });
    const a = await flow(rp);
    await assert.rejects(rp.complete(a.query, undefined), coded('OIDC_NO_PENDING'));
    clock += PENDING_TTL_MS + 1;
    await assert.rejects(rp.complete(a.query, a.pending), coded('OIDC_EXPIRED'));
    clock = Date.now();
    const b = await flow(rp, 'hank');
    const other: PendingOidc = { ...b.pending, createdAt: clock };
    await assert.rejects(rp.complete(a.query, other), coded('OIDC_INVALID_RESPONSE', /state/i), 'a code delivered to another sign-in');
  });

  test('a wrong nonce or PKCE verifier is refused; a code is used once', async () => {
    const { rp } = await setup();
    const n = await flow(rp);
    await assert.rejects(rp.complete(n.query, { ...n.pending, nonce: 'forged-nonce' }), coded('OIDC_INVALID_RESPONSE', /nonce/i));
    const v = await flow(rp);
    await assert.rejects(rp.complete(v.query, { ...v.pending, verifier: 'x'.repeat(43) }), coded('OIDC_INVALID_RESPONSE', /invalid_grant/));
    const ok = await flow(rp);
    await rp.complete(ok.query, ok.pending);
    await assert.rejects(rp.complete(ok.query, ok.pending), coded('OIDC_INVALID_RESPONSE', /invalid_grant/), 'code replay');
  });

  test('a sign-in cancelled at the IdP is a coded IdP error', async () => {
    const { rp } = await setup();
    const c = await flow(rp, 'olivia', true);
    await assert.rejects(rp.complete(c.query, c.pending), coded('OIDC_IDP_ERROR', /access_denied/));
  });

  test('discovery is retried, a failure is not cached, a success is', async () => {
    const retried = await setup({ failDiscovery: 2 }, { attempts: 3 });
    await retried.rp.ready();
    assert.equal(retried.op.discoveries(), 3);

    const once = await setup({ failDiscovery: 1 }, { attempts: 1 });
    await assert.rejects(once.rp.ready(), coded('OIDC_UNAVAILABLE', /failed after 1 attempt/));
    await once.rp.ready();
    await once.rp.begin();
    assert.equal(once.op.discoveries(), 2);
  });

  test('plain http is allowed only towards a loopback issuer', async () => {
    const rp = createOidcClient({ issuer: 'http://idp.example.invalid/realms/acme', clientId: 'c', clientSecret: 's', scopes: ['openid'], redirectUri: REDIRECT, neededClaims: [] }, { attempts: 1 });
    await assert.rejects(rp.ready(), coded('OIDC_UNAVAILABLE', /HTTPS/i));
  });
});
