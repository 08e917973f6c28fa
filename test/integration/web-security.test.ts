/**
 * Console security: session fixation, CSRF, the sign-in rate limit, idle and absolute time-outs (on the console's
 * injected clock), helmet headers and cookie flags, escaping, and the generic sign-in failure.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { removeUser } from '../../src/engine/web-users.js';
import { csrfOf, startWebHarness, type WebHarness } from '../support/web.js';

const MIN = 60_000;

async function withHarness(opts: Parameters<typeof startWebHarness>[0], fn: (h: WebHarness) => Promise<void>): Promise<void> {
  const h = await startWebHarness(opts);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const signedIn = async (c: ReturnType<WebHarness['client']>): Promise<boolean> => (await c.get('/')).statusCode === 200;

describe('web console security', () => {
  test('session fixation: the session id changes at sign-in, and the old one is worthless', () => withHarness({}, async (h) => {
    const c = h.client();
    await c.get('/sign-in');
    const before = c.sid();
    assert.ok(before, 'the sign-in page starts an anonymous session (it carries the CSRF secret)');
    const res = await c.post('/sign-in', { username: h.users.admin.username, password: h.users.admin.password });
    assert.equal(res.statusCode, 303);
    const afterSid = c.sid();
    assert.ok(afterSid);
    assert.notEqual(afterSid, before);
    assert.equal(await signedIn(c), true);
    // An attacker who planted the old id gets nothing.
    const attacker = h.client();
    attacker.cookies.set('cadre_sid', before as string);
    const r = await attacker.get('/');
    assert.equal(r.statusCode, 302);
    assert.match(String(r.headers.location), /^\/sign-in/);
  }));

  test('CSRF: a POST without or with a wrong token is refused (403), with the right one it goes through', () => withHarness({}, async (h) => {
    const c = await h.signIn('admin');
    const none = await c.post('/sign-out', {}, { csrf: false });
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /form expired or was not sent from this console/);
    assert.equal((await c.post('/sign-out', {}, { csrf: 'forged-token-value' })).statusCode, 403);
    // A token from another session does not fit this one.
    const other = await h.signIn('auditor');
    assert.equal((await c.post('/sign-out', {}, { csrf: await other.csrfToken() })).statusCode, 403);
    assert.equal(await signedIn(c), true, 'still signed in: the forged sign-outs did nothing');
    assert.equal((await c.post('/sign-out', {})).statusCode, 303);
    assert.equal(await signedIn(c), false);
    // Anonymous state changes too: the language switch and the sign-in itself need the token.
    const anon = h.client();
    assert.equal((await anon.post('/lang', { lang: 'de' }, { csrf: false })).statusCode, 403);
    assert.equal((await anon.post('/sign-in', { username: h.users.admin.username, password: h.users.admin.password }, { csrf: false })).statusCode, 403);
    // htmx sends the token as a header.
    const token = await c.csrfToken();
    const viaHeader = await c.request('POST', '/lang', { form: { lang: 'de', next: '/sign-in' }, headers: { 'x-csrf-token': token } });
    assert.equal(viaHeader.statusCode, 303);
  }));

  test('sign-in rate limit: the 6th attempt in the window is refused with 429, even with the right password', () => withHarness({ web: { signInRateLimit: { max: 5, window: '1m' } } }, async (h) => {
    const c = h.client();
    for (let i = 1; i <= 5; i += 1) {
      const r = await c.post('/sign-in', { username: h.users.admin.username, password: `wrong-password-${i}` });
      assert.equal(r.statusCode, 400, `attempt ${i}`);
    }
    const sixth = await c.post('/sign-in', { username: h.users.admin.username, password: h.users.admin.password });
    assert.equal(sixth.statusCode, 429);
    assert.match(sixth.body, /Too many sign-in attempts/);
    assert.equal(await signedIn(c), false);
  }));

  test('idle time-out: rolling with use, ends after 30 minutes without', () => withHarness({ web: { idleTimeout: '30m', absoluteTimeout: '12h' } }, async (h) => {
    const c = await h.signIn('helpdesk');
    for (let i = 0; i < 4; i += 1) {
      h.clock.advance(25 * MIN);
      assert.equal(await signedIn(c), true, `still signed in after ${(i + 1) * 25} minutes of steady use`);
    }
    h.clock.advance(31 * MIN);
    const r = await c.get('/');
    assert.equal(r.statusCode, 302);
    assert.match(String(r.headers.location), /^\/sign-in/);
  }));

  test('absolute time-out: ends after the limit however busy the session is', () => withHarness({ web: { idleTimeout: '30m', absoluteTimeout: '1h' } }, async (h) => {
    const c = await h.signIn('auditor');
    h.clock.advance(25 * MIN);
    assert.equal(await signedIn(c), true);
    h.clock.advance(25 * MIN);
    assert.equal(await signedIn(c), true);
    h.clock.advance(11 * MIN);
    assert.equal(await signedIn(c), false, '61 minutes after sign-in');
  }));

  test('helmet headers and a strict CSP on every page; cookie flags', () => withHarness({}, async (h) => {
    const c = h.client();
    const r = await c.get('/sign-in');
    const csp = String(r.headers['content-security-policy']);
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"]) {
      assert.ok(csp.split(';').includes(d), `CSP has ${d}: ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(r.headers['referrer-policy'], 'same-origin');
    assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS on plain http');
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /cadre_sid=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.doesNotMatch(r.body, /<script>(?!<\/script>)|\son\w+="/, 'no inline script or event handler');
    assert.doesNotMatch(r.body, /style="/, 'no inline style');
    for (const asset of ['/assets/cadre.css', '/assets/cadre.js', '/assets/htmx.min.js']) assert.equal((await c.get(asset)).statusCode, 200, asset);
  }));

  test('behind https (publicUrl): Secure cookie and HSTS', () => withHarness({ web: { publicUrl: 'https://cadre.example.com' } }, async (h) => {
    const c = h.client();
    const r = await c.get('/sign-in', { 'x-forwarded-proto': 'https' });
    assert.match(String(r.headers['set-cookie']), /Secure/);
    assert.match(String(r.headers['strict-transport-security']), /max-age=31536000/);
  }));

  test('sign-in failure is generic (unknown user and wrong password read the same) and escapes what was typed', () => withHarness({}, async (h) => {
    const c = h.client();
    const unknown = await c.post('/sign-in', { username: '<script>alert(1)</script>', password: 'whatever-password' });
    const wrong = await c.post('/sign-in', { username: h.users.admin.username, password: 'whatever-password' });
    assert.equal(unknown.statusCode, wrong.statusCode);
    const message = (body: string) => /<p class="notice error" role="alert">([^<]*)<\/p>/.exec(body)?.[1];
    assert.equal(message(unknown.body), message(wrong.body));
    assert.ok(!unknown.body.includes('<script>alert(1)</script>'), 'typed text is escaped');
    assert.ok(unknown.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const failures = [];
    for await (const page of h.engine.store.audit.iterate()) failures.push(...page.filter((row) => row.event === 'web.signIn.failed'));
    assert.equal(failures.length, 2);
    assert.ok(!failures.some((f) => f.payload.includes('whatever-password')), 'no password in the audit log');
    assert.ok(!failures.some((f) => f.payload.includes('script')), 'an unknown user name is not recorded (it may be a password)');
  }));

  test('a removed user is signed out at their next request; next= never leaves the console', () => withHarness({}, async (h) => {
    const c = await h.signIn('helpdesk');
    assert.equal(await signedIn(c), true);
    await removeUser(h.engine, { username: h.users.helpdesk.username, actor: 'test' });
    assert.equal(await signedIn(c), false);
    const d = h.client();
    const r = await d.post('/sign-in', { username: h.users.admin.username, password: h.users.admin.password, next: '//evil.example/x' });
    assert.equal(r.headers.location, '/');
  }));

  test('language: Accept-Language, then the switch (cookie) wins; the page says so in lang=', () => withHarness({}, async (h) => {
    const c = h.client();
    const de = await c.get('/sign-in', { 'accept-language': 'de-DE,de;q=0.9' });
    assert.match(de.body, /<html lang="de">/);
    assert.match(de.body, /Anmelden/);
    const token = csrfOf(de.body) as string;
    const sw = await c.post('/lang', { lang: 'en', next: '/sign-in' }, { csrf: token });
    assert.equal(sw.statusCode, 303);
    assert.equal(sw.headers.location, '/sign-in');
    const en = await c.get('/sign-in', { 'accept-language': 'de-DE' });
    assert.match(en.body, /<html lang="en">/);
  }));
});
