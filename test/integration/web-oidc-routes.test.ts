/**
 * The console's OIDC routes over HTTP (no browser) against a real oidc-provider: the page to come back to survives
 * the round trip, the session id changes at sign-in, a callback is used once and only in the session that started
 * it, an ambiguous manager is refused, failures are audited with their code, and an IdP that is down gives a 503
 * page instead of a redirect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES } from '../../src/core/roles.js';
import { cookieClient, signInAtProviderWithFetch, type CookieClient } from '../support/cookie-client.js';
import { startConsole, TEST_PASSWORD, type TestConsole } from '../support/console.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';

const employees: EmployeeSpec[] = [
  // Two persons share mia's address: a manager sign-in cannot tell which one she is.
  { id: 1, first: 'Mia', last: 'Manager', email: 'mia.manager@example.com', department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Mia', last: 'Double', email: 'Mia.Manager@Example.com', department: 'Sales', office: 'Berlin' },
];
const SID = 'cadre_sid';

const audit = async (c: TestConsole, event: string) => {
  const rows: { actor: string; payload: Record<string, unknown> }[] = [];
  for await (const page of c.engine.store.audit.iterate()) {
    for (const r of page) if (r.event === event) rows.push({ actor: r.actor, payload: JSON.parse(r.payload) as Record<string, unknown> });
  }
  return rows;
};

describe('OIDC routes', () => {
  let op: TestOidcProvider;
  let c: TestConsole;
  before(async () => {
    op = await startOidcProvider();
    c = await startConsole({ employees, oidc: op, users: ROLES.map((role) => ({ username: `oidc-${role}`, role, ...(role === 'manager' ? { personId: '1' } : {}) })) });
  });
  after(async () => {
    await c?.close();
    await op?.close();
  });

  /** GET /auth/oidc in a client's session; returns the IdP URL. */
  const start = async (http: CookieClient, next?: string) => {
    const res = await http.request(`${c.url}/auth/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    assert.equal(res.status, 302, res.body.slice(0, 300));
    const idp = res.location ?? '';
    assert.ok(idp.startsWith(`${op.issuer}/`), idp);
    return idp;
  };

  test('the OIDC routes are public (access.ts): registered with web.oidc, anyone may call them', async () => {
    assert.ok(c.routes.includes('GET /auth/oidc') && c.routes.includes('GET /auth/oidc/callback'));
    for (const role of ROLES) {
      const http = cookieClient();
      const form = await http.request(`${c.url}/sign-in`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      assert.equal((await http.request(`${c.url}/sign-in`, { form: { username: `oidc-${role}`, password: TEST_PASSWORD, _csrf: csrf } })).status, 303);
      const startAgain = await http.request(`${c.url}/auth/oidc?next=/x`);
      assert.deepEqual([startAgain.status, startAgain.location], [302, `${c.url}/x`], `${role}: already signed in, sent on`);
      assert.equal((await http.request(`${c.url}/auth/oidc/callback?code=x&state=y`)).status, 400, `${role}: no sign-in pending`);
    }
  });

  test('the sign-in returns to the page asked for, under a new session id', async () => {
    const http = cookieClient();
    const idp = await start(http, '/?tab=upcoming');
    const before = http.cookies(c.url).get(SID);
    assert.ok(before, 'the pending sign-in lives in a session');
    const callback = await signInAtProviderWithFetch(cookieClient(), idp, 'olivia');
    const res = await http.request(callback);
    assert.equal(res.status, 303);
    assert.equal(res.location, `${c.url}/?tab=upcoming`);
    const after = http.cookies(c.url).get(SID);
    assert.ok(after && after !== before, 'session id regenerated');
    const home = await http.request(`${c.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /Olivia Admin/);
    // The principal keeps the groups claim (helpdesk forms may be granted by oidcGroups); the sign-in audits them.
    const raw = decodeURIComponent(after);
    const stored = await c.engine.store.sessions.get(raw.slice(0, raw.lastIndexOf('.')), new Date().toISOString());
    const principal = (JSON.parse(stored?.data ?? '{}') as { principal?: Record<string, unknown> }).principal;
    assert.deepEqual(principal, { id: 'olivia.admin@example.com', name: 'Olivia Admin', role: 'admin', via: 'oidc', groups: ['Cadre-Admins', 'Everyone'] });
    const signIn = (await audit(c, 'web.signIn')).at(-1);
    assert.deepEqual([signIn?.actor, signIn?.payload.sub, signIn?.payload.issuer, signIn?.payload.groups], ['web:olivia.admin@example.com', 'olivia', op.issuer, ['Cadre-Admins', 'Everyone']]);
  });

  test('a callback is used once, and never in another session', async () => {
    const starter = cookieClient();
    const callback = await signInAtProviderWithFetch(cookieClient(), await start(starter), 'olivia');
    // Another browser (an attacker replaying a victim's callback, or a login CSRF) has no pending sign-in.
    const other = cookieClient();
    const stolen = await other.request(callback);
    assert.equal(stolen.status, 400);
    assert.equal((await other.request(`${c.url}/`)).status, 302, 'not signed in');
    // A session that started a different sign-in: state mismatch.
    const third = cookieClient();
    await start(third);
    assert.equal((await third.request(callback)).status, 400);
    // The right session still can, once.
    assert.equal((await starter.request(callback)).status, 303);
    const again = cookieClient();
    await start(again);
    assert.equal((await again.request(callback)).status, 400);
    const failed = await audit(c, 'web.signIn.failed');
    assert.deepEqual(failed.slice(-3).map((f) => f.payload.code), ['OIDC_NO_PENDING', 'OIDC_INVALID_RESPONSE', 'OIDC_INVALID_RESPONSE']);
    assert.ok(failed.every((f) => f.actor === 'web:anonymous' && f.payload.via === 'oidc'));
  });

  test('a sign-in cancelled at the IdP shows a page, audited with the IdP error', async () => {
    const http = cookieClient();
    const callback = await signInAtProviderWithFetch(cookieClient(), await start(http), 'olivia', { abort: true });
    const res = await http.request(callback);
    assert.equal(res.status, 400);
    assert.match(res.body, /identity provider did not complete the sign-in/);
    assert.equal((await audit(c, 'web.signIn.failed')).at(-1)?.payload.code, 'OIDC_IDP_ERROR');
  });

  test('a manager whose e-mail two persons share is refused (nothing is guessed)', async () => {
    const http = cookieClient();
    const res = await http.request(await signInAtProviderWithFetch(cookieClient(), await start(http), 'mia'));
    assert.equal(res.status, 403);
    assert.match(res.body, /several Personio persons/);
    const refused = (await audit(c, 'web.signIn.refused')).at(-1);
    assert.equal(refused?.payload.reason, 'ambiguousPerson');
    assert.deepEqual(refused?.payload.personIds, ['1', '2']);
  });

  test('an IdP that is down gives a 503 page, and the sign-in works once it is back', async () => {
    // Three failed discoveries: the console's three attempts of the first sign-in; the IdP is back for the second.
    const down = await startOidcProvider({ failDiscovery: 3 });
    const console2 = await startConsole({ oidc: down });
    try {
      const http = cookieClient();
      const res = await http.request(`${console2.url}/auth/oidc`);
      assert.equal(res.status, 503);
      assert.match(res.body, /cannot be reached/);
      assert.equal((await audit(console2, 'web.signIn.failed')).at(-1)?.payload.code, 'OIDC_UNAVAILABLE');
      const back = await http.request(`${console2.url}/auth/oidc`);
      assert.equal(back.status, 302);
      assert.ok(back.location?.startsWith(down.issuer));
    } finally {
      await console2.close();
      await down.close();
    }
  });
});
