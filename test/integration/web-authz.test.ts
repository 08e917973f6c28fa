/**
 * The authorisation matrix: every registered route (collected with the app's onRoute hook), called as anonymous and
 * as every role, is allowed or denied exactly as `src/web/access.ts` says. Generic: routes other modules add are
 * covered as soon as they are registered; a route without a table row fails start-up and therefore this test.
 *
 * Allowed: any status but 401/403 (a 404 for a person outside a manager's scope, or a 400 for an empty form, is
 * an allowed call that the route itself answered), and for anonymous no redirect to the sign-in page.
 * Denied: 401 or 403, or for an anonymous page view the redirect to the sign-in page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, type Role } from '../../src/core/roles.js';
import { accessFor, allows } from '../../src/web/access.js';
import { buildApp } from '../../src/web/app.js';
import { startWebHarness, TEST_SESSION_SECRET, type WebHarness } from '../support/web.js';

/** Values for path parameters: a real person (in the manager's scope), a real form; anything else gets a harmless word. */
const PARAMS: Readonly<Record<string, string>> = { id: '3', personId: '3', target: 'erp', formId: 'edit-title', '*': 'cadre.css' };

/** A form every role that may open forms can use, so the form routes answer with real data, not "no such form". */
const FORMS = `forms:
  - { id: edit-title, type: edit, roles: [admin, helpdesk, manager], attributes: [title] }
`;

const resolvePath = (url: string): string => url
  .replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(PARAMS[name] ?? 'x'))
  .replace(/\*/g, PARAMS['*'] as string);

describe('web console authorisation matrix', () => {
  let h: WebHarness;
  const routes: { method: string; url: string }[] = [];

  before(async () => {
    h = await startWebHarness({ extra: FORMS, onRoute: (method, url) => routes.push({ method, url }) });
    // Person 3 has an account in erp, so the helpdesk pages render a real form for them.
    await h.engine.store.accounts.upsert({ target: 'erp', anchor: 'authz-3', personId: '3', enabled: true, attributes: { title: 'Rep' }, entitlements: [] });
  });
  after(async () => h?.close());

  test('every registered route has a row, and the collected set is not empty', () => {
    assert.ok(routes.length >= 8, `collected ${routes.length} routes`);
    for (const r of routes) assert.notEqual(accessFor(r.method, r.url), undefined, `${r.method} ${r.url} has a row`);
  });

  test('every route as every role and anonymous: allow or deny as the table says', async () => {
    const failures: string[] = [];
    const callers: (Role | undefined)[] = [undefined, ...ROLES];
    for (const r of routes.filter((x) => x.method !== 'HEAD')) {
      const access = accessFor(r.method, r.url);
      assert.ok(access);
      const path = resolvePath(r.url);
      for (const role of callers) {
        // A fresh session per call: some routes change the session (sign-out, sign-in).
        const c = role === undefined ? h.client() : await h.signIn(role);
        const res = r.method === 'GET' ? await c.get(path) : await c.post(path, {});
        const toSignIn = res.statusCode >= 300 && res.statusCode < 400 && String(res.headers.location ?? '').startsWith('/sign-in');
        const denied = res.statusCode === 401 || res.statusCode === 403 || (role === undefined && toSignIn && r.url !== '/sign-in' && r.url !== '/sign-out');
        const expectAllow = allows(access, role);
        if (expectAllow === denied) failures.push(`${r.method} ${path} as ${role ?? 'anonymous'}: expected ${expectAllow ? 'allow' : 'deny'}, got ${res.statusCode}${toSignIn ? ' → sign-in' : ''}`);
        if (res.statusCode >= 500) failures.push(`${r.method} ${path} as ${role ?? 'anonymous'}: ${res.statusCode}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a route without a row in the table makes start-up fail', async () => {
    await assert.rejects(buildApp(h.engine, {
      sessionSecret: TEST_SESSION_SECRET,
      areas: [(app) => { app.get('/no-row-for-this', async () => 'x'); }],
    }), /GET \/no-row-for-this has no row in src\/web\/access\.ts/);
  });
});
