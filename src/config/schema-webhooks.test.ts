import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personioSourceGuard } from './schema.js';

const source = { type: 'personio', clientId: 'a', clientSecret: 'b' };

test('source.webhooks: defaults, a token is required when enabled, and only on v2', () => {
  const ok = personioSourceGuard.parse({ ...source, apiVersion: 'v2', webhooks: { enabled: true, token: 'env:T' } });
  assert.deepEqual(ok.webhooks, { enabled: true, token: 'env:T', path: '/webhooks/personio', bodyLimit: 65536 });
  assert.equal(personioSourceGuard.safeParse({ ...source, apiVersion: 'v2', webhooks: { enabled: true } }).success, false);
  assert.equal(personioSourceGuard.safeParse({ ...source, webhooks: { enabled: true, token: 'env:T' } }).success, false);
  assert.equal(personioSourceGuard.safeParse({ ...source, apiVersion: 'v2', webhooks: { enabled: true, token: 'x', path: 'hooks' } }).success, false);
  assert.equal(personioSourceGuard.safeParse({ ...source, webhooks: { enabled: false } }).success, true, 'off needs nothing');
});
