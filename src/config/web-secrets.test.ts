import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webGuard } from './schema-web.js';
import { webSecrets } from './web-secrets.js';

const secret = 'x'.repeat(40);

test('web: defaults; sessionSecret only required when the console starts', () => {
  const web = webGuard.parse({});
  assert.equal(web.port, 8080);
  assert.equal(web.idleTimeout, '30m');
  assert.deepEqual(web.signInRateLimit, { max: 5, window: '1m' });
  assert.throws(() => webSecrets(web), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /web\.sessionSecret/.test(e.message) && /cadre serve/.test(e.message));
});

test('web.sessionSecret from env:, too short or unset variable is a clear error without the value', () => {
  const web = webGuard.parse({ sessionSecret: 'env:CADRE_TEST_SESSION' });
  assert.equal(webSecrets(web, { env: { CADRE_TEST_SESSION: secret } }).sessionSecret, secret);
  assert.throws(() => webSecrets(web, { env: { CADRE_TEST_SESSION: 'short-secret' } }), (e: Error) => /at least 32/.test(e.message) && !e.message.includes('short-secret'));
  assert.throws(() => webSecrets(web, { env: {} }), (e: Error) => /CADRE_TEST_SESSION is not set/.test(e.message));
});

test('web: unknown keys, bad durations and absolute shorter than idle are refused', () => {
  assert.equal(webGuard.safeParse({ prot: 1 }).success, false);
  assert.equal(webGuard.safeParse({ idleTimeout: '30 minutes' }).success, false);
  assert.equal(webGuard.safeParse({ idleTimeout: '2h', absoluteTimeout: '1h' }).success, false);
  const oidc = webGuard.parse({ oidc: { issuer: 'https://idp.example.com/realms/acme', clientId: 'cadre', roleMap: { admin: ['Cadre-Admins'] } } });
  assert.deepEqual(oidc.oidc?.scopes, ['openid', 'profile', 'email']);
  assert.equal(webGuard.safeParse({ oidc: { issuer: 'https://x', clientId: 'c', roleMap: { root: ['x'] } } }).success, false);
});
