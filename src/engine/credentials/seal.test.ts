import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialKey, keySource, seal, unseal } from './seal.js';

const cfg = (key?: string, sessionSecret?: string) => ({ firstPassword: { tap: { lifetimeMinutes: 1440, usableOnce: false }, showForDays: 7, ...(key ? { key } : {}) }, web: { ...(sessionSecret ? { sessionSecret } : {}) } }) as unknown as Parameters<typeof credentialKey>[0];

test('the key comes from firstPassword.key, else web.sessionSecret; short or missing secrets give none', () => {
  const env = { K: 'k'.repeat(40), S: 's'.repeat(40), SHORT: 'abc' };
  const a = credentialKey(cfg('env:K', 'env:S'), env);
  const b = credentialKey(cfg(undefined, 'env:S'), env);
  assert.ok(a && b && !a.equals(b));
  assert.equal(keySource(cfg('env:K')), 'firstPassword.key');
  assert.equal(keySource(cfg()), 'web.sessionSecret');
  assert.equal(credentialKey(cfg(undefined, 'env:SHORT'), env), undefined);
  assert.equal(credentialKey(cfg(undefined, 'env:UNSET'), env), undefined);
  assert.equal(credentialKey(cfg(), env), undefined);
});

test('sealed values open only with the same key and binding, and do not contain the plain text', () => {
  const key = credentialKey(cfg(undefined, 'x'.repeat(32)), {}) as Buffer;
  const other = credentialKey(cfg(undefined, 'y'.repeat(32)), {}) as Buffer;
  const s = seal(key, 'id|7|entra|tap', 'Pa$$-1234');
  assert.ok(!s.includes('Pa$$') && !Buffer.from(s.slice(3), 'base64url').toString('latin1').includes('Pa$$'));
  assert.equal(unseal(key, 'id|7|entra|tap', s), 'Pa$$-1234');
  assert.equal(unseal(other, 'id|7|entra|tap', s), undefined, 'another key');
  assert.equal(unseal(key, 'id|8|entra|tap', s), undefined, 'another row');
  assert.equal(unseal(key, 'id|7|entra|tap', `${s.slice(0, -2)}AA`), undefined, 'tampered');
  assert.notEqual(seal(key, 'a', 'same'), seal(key, 'a', 'same'), 'a fresh IV every time');
});
