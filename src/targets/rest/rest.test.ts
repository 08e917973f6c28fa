import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter, retryableStatus, retryDelay } from './retry.js';
import { idempotencyKey, requestTarget, signature, signingHeaders, verifySignature } from './signing.js';
import { renderBody, renderUrl } from './template.js';

test('signature: HMAC-SHA256 of "<timestamp>\\n<METHOD>\\n<path?query>\\n<body>", hex, sha256= prefix', () => {
  // openssl: printf '1700000000\nPOST\n/users\n{"a":1}' | openssl dgst -sha256 -hmac s3cret
  assert.equal(signature('s3cret', 1_700_000_000, { method: 'POST', target: '/users', body: '{"a":1}' }), 'sha256=ef5863900207479001612a87b95db6dd12ae17a1e2eff89b1888939cf1019e0a');
  const h = signingHeaders('s3cret', { method: 'POST', target: '/users', body: '{"a":1}' }, 1_700_000_000_500);
  assert.equal(h['x-cadre-timestamp'], '1700000000');
  assert.match(String(h['x-cadre-signature']), /^sha256=[0-9a-f]{64}$/);
  assert.equal(requestTarget('https://crm.example/api/users/a%2Fb?x=1#f'), '/api/users/a%2Fb?x=1');
});

test('verifySignature: ok, wrong secret, changed body, stale, missing', () => {
  const now = 1_700_000_000_000;
  const req = { method: 'PATCH', target: '/users/1', body: 'body' };
  const h = signingHeaders('k', req, now);
  const hs = { timestamp: h['x-cadre-timestamp'], signature: h['x-cadre-signature'] };
  assert.equal(verifySignature('k', req, hs, now), 'ok');
  assert.equal(verifySignature('other', req, hs, now), 'mismatch');
  assert.equal(verifySignature('k', { ...req, body: 'body2' }, hs, now), 'mismatch');
  assert.equal(verifySignature('k', req, hs, now + 301_000), 'stale');
  assert.equal(verifySignature('k', req, { timestamp: hs.timestamp }, now), 'missing');
});

test('verifySignature: a captured signature is good for its own request only (empty bodies alike)', () => {
  // Every GET and DELETE has the same empty body: signing the body alone let a captured read or delete of one
  // account authorise deleting any other within the five minutes.
  const now = 1_700_000_000_000;
  const del = { method: 'DELETE', target: '/users/a', body: '' };
  const h = signingHeaders('k', del, now);
  const hs = { timestamp: h['x-cadre-timestamp'], signature: h['x-cadre-signature'] };
  assert.equal(verifySignature('k', del, hs, now), 'ok');
  assert.equal(verifySignature('k', { ...del, target: '/users/b' }, hs, now), 'mismatch');
  assert.equal(verifySignature('k', { ...del, method: 'GET' }, hs, now), 'mismatch');
  assert.equal(verifySignature('k', { ...del, target: '/users/a?force=1' }, hs, now), 'mismatch');
});

test('idempotencyKey: stable per operation id, distinct across operations and targets', () => {
  assert.equal(idempotencyKey('crm', 'op-1'), idempotencyKey('crm', 'op-1'));
  assert.notEqual(idempotencyKey('crm', 'op-1'), idempotencyKey('crm', 'op-2'));
  assert.notEqual(idempotencyKey('crm', 'op-1'), idempotencyKey('erp', 'op-1'));
  assert.match(idempotencyKey('crm', 'op-1'), /^[0-9a-f]{32}$/);
});

test('retry: retryable statuses, Retry-After honoured and capped, jittered exponential back-off', () => {
  assert.deepEqual([200, 400, 408, 429, 500, 501, 503].map(retryableStatus), [false, false, true, true, true, false, true]);
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 0), 10);
  assert.equal(parseRetryAfter('soon'), undefined);
  const p = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };
  assert.equal(retryDelay(p, 1, 3), 3_000);
  assert.equal(retryDelay(p, 1, 60), 5_000);
  assert.equal(retryDelay(p, 3, undefined, () => 0.999), 399);
  assert.equal(retryDelay(p, 10, undefined, () => 0.5), 2_500);
});

test('templates: body values JSON-escaped and typed; URL parts percent-encoded', () => {
  const ctx = { personId: '42', firstName: 'Zoë "Z"', anchor: 'a/b?c#d', active: true, n: 3 };
  const body = renderBody({ id: '{{ personId }}', name: 'Hi {{ firstName }}', on: '{{ active }}', n: '{{ n }}', tags: ['x', '{{ personId }}'], fixed: 1 }, ctx);
  assert.deepEqual(JSON.parse(body), { id: '42', name: 'Hi Zoë "Z"', on: true, n: 3, tags: ['x', '42'], fixed: 1 });
  assert.equal(renderUrl('https://crm.example/users/{{ anchor }}?p={{ personId }}', ctx), 'https://crm.example/users/a%2Fb%3Fc%23d?p=42');
  assert.equal(renderUrl("https://x/{{ '}}' }}", ctx), 'https://x/%7D%7D');
});

test('templates: a value cannot climb out of its path (dot segments are refused, not sent)', () => {
  // `encodeURIComponent('..')` is `..`, and URL parsers treat `..`, `.%2E` and `%2e%2e` alike: `/users/..` would be `/`.
  const base = 'https://crm.example/api/users/{{ anchor }}/disable';
  for (const anchor of ['..', '.']) {
    assert.throws(() => renderUrl(base, { anchor }), (e: Error & { code?: string }) => e.code === 'REST_BAD_VALUE', anchor);
  }
  // Percent signs in a value are encoded, so `%2e%2e` stays data.
  assert.equal(new URL(renderUrl(base, { anchor: '%2e%2e' })).pathname, '/api/users/%252e%252e/disable');
  const ok = renderUrl(base, { anchor: '...' });
  assert.equal(new URL(ok).pathname, '/api/users/.../disable');
  assert.equal(renderUrl('https://x/u/{{ a }}.json', { a: 'v1.2' }), 'https://x/u/v1.2.json');
});
