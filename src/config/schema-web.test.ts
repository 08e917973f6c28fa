import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webOidcGuard } from './schema-web.js';

const base = { issuer: 'https://idp.example.com/realms/acme', clientId: 'cadre', roleMap: { admin: ['Cadre-Admins'] } };
const messages = (v: unknown) => {
  const r = webOidcGuard.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('web.oidc: an https issuer, or http on this machine only', () => {
  assert.deepEqual(messages(base), []);
  assert.deepEqual(messages({ ...base, issuer: 'http://127.0.0.1:8443' }), []);
  assert.deepEqual(messages({ ...base, issuer: 'http://localhost/realms/acme' }), []);
  assert.match(messages({ ...base, issuer: 'http://idp.example.com/realms/acme' }).join(), /issuer: the issuer must be https/);
  assert.match(messages({ ...base, issuer: 'http://127.0.0.1.example.com/' }).join(), /issuer: the issuer must be https/);
});

test('web.oidc: a roleMap that maps nothing, or scopes without openid, are refused', () => {
  assert.match(messages({ ...base, roleMap: {} }).join(), /roleMap: roleMap maps no group/);
  assert.match(messages({ ...base, roleMap: { admin: [] } }).join(), /roleMap maps no group/);
  assert.match(messages({ ...base, scopes: ['profile'] }).join(), /scopes must include openid/);
  const parsed = webOidcGuard.parse(base);
  assert.deepEqual([parsed.scopes, parsed.rolesClaim, parsed.personClaim], [['openid', 'profile', 'email'], 'groups', 'email']);
});
