import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorFor, parseRetryAfter } from './http.js';

const err = (status: number, scimType?: string): [string, boolean] => {
  const e = errorFor(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail: 'd' }, 'POST', '/Users');
  return [e.code, e.transient];
};

test('SCIM error schema → coded errors', () => {
  assert.deepEqual(err(409, 'uniqueness'), ['SCIM_IDENTIFIER_TAKEN', false]);
  assert.deepEqual(err(409), ['SCIM_CONFLICT', false]);
  assert.deepEqual(err(401), ['ACCESS_DENIED', false]);
  assert.deepEqual(err(403), ['ACCESS_DENIED', false]);
  assert.deepEqual(err(404), ['NOT_FOUND', false]);
  assert.deepEqual(err(412), ['SCIM_PRECONDITION_FAILED', false]);
  assert.deepEqual(err(429), ['SCIM_THROTTLED', true]);
  assert.deepEqual(err(500), ['SCIM_UNAVAILABLE', true]);
  assert.deepEqual(err(503), ['SCIM_UNAVAILABLE', true]);
  assert.deepEqual(err(501), ['SCIM_NOT_IMPLEMENTED', false]);
  assert.deepEqual(err(400, 'mutability'), ['SCIM_MUTABILITY', false]);
  assert.deepEqual(err(400, 'invalidFilter'), ['SCIM_INVALID_REQUEST', false]);
  assert.match(errorFor(409, { scimType: 'uniqueness', detail: 'userName taken' }, 'POST', '/Users').message, /POST \/Users: 409 uniqueness \(userName taken\)/);
});

test('Retry-After: seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  const now = Date.parse('2026-12-02T01:00:00Z');
  assert.equal(parseRetryAfter('Wed, 02 Dec 2026 01:00:30 GMT', now), 30);
});
